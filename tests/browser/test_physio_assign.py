"""A physio at a laptop invites a runner, the runner allows it on their phone, the physio assigns a program from
one of their templates, and the runner's Today shows that program at once."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import CareLink
from exercises.catalogue import Dose
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.edits import ProgramEdits, edits_to_dict
from programs.models import Plan, PlanChange, PlannedSession
from programs.selectors.today import runner_today
from programs.services.templates import template_create
from tests.browser.conftest import plan_with_strength_today, signed_in
from tests.factories.accounts import PhysioFactory, RunnerFactory

FIXED = Dose(sets=2, reps=7)  # a dose the pathway never starts anyone at, so Today can only show it from the template


def test_invite_accept_assign_from_a_template_then_the_runners_today_shows_it(
    laptop: BrowserContext, context: BrowserContext, live_server: LiveServer
) -> None:
    physio = PhysioFactory(first_name="Pat", last_name="Lee")
    runner = RunnerFactory(first_name="Robin", last_name="Hale")
    own = plan_with_strength_today(runner, days_back=0)
    today = runner_today(runner)
    strength_today = PlannedSession.objects.get(plan=own, date=today, kind="strength")
    chosen = next(
        p for p in strength_today.prescriptions.select_related("exercise") if p.exercise.dosing == "sets_reps"
    )
    assert chosen.dose != {"sets": FIXED.sets, "reps": FIXED.reps}
    template = template_create(
        owner=physio,
        name="Gentle strength block",
        pathway=own.pathway,
        weeks=4,
        program=edits_to_dict(ProgramEdits(doses={chosen.exercise.slug: FIXED}, pain_limit=3)),
    )
    desk = signed_in(laptop, live_server, physio)

    # The physio invites the runner by e-mail.
    desk.goto("/patients/invitations/")
    desk.get_by_label("E-mail").fill(runner.email)
    desk.get_by_role("button", name="Send the invitation").click()
    expect(desk.get_by_text("waiting for an answer")).to_be_visible()
    assert not CareLink.objects.physio_may_see(physio, runner.pk)
    (invitation_mail,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", invitation_mail.body)
    assert link is not None

    # The runner opens the link on their phone and allows it.
    phone = signed_in(context, live_server, runner)
    phone.goto(link.group(0))
    expect(phone.get_by_role("heading", name=re.compile("Share your plan with"))).to_be_visible()
    phone.get_by_role("button", name="Allow").click()
    phone.wait_for_load_state()
    assert CareLink.objects.physio_may_see(physio, runner.pk)

    # The physio finds them in the patient list and assigns the program from the template.
    desk.goto("/patients/")
    desk.get_by_role("link", name=re.compile("Robin")).first.click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Robin")
    desk.get_by_role("link", name="Assign a program").click()
    desk.get_by_label(re.compile("Gentle strength block")).check()
    desk.get_by_role("button", name="Next: edit the program").click()
    desk.get_by_role("button", name=re.compile("Publish to")).click()
    desk.wait_for_load_state()
    assigned = Plan.objects.exclude(pk=own.pk).get(runner=runner)
    assert PlanChange.objects.filter(plan=assigned, kind=PlanChangeKind.ASSIGN, author=physio).exists()
    assert assigned.program_edits == template.program

    # The runner's Today is the assigned program: the template's dose, and the physio's words for why.
    phone.goto("/")
    card = phone.locator("article.session").filter(has_text=chosen.exercise.name)
    expect(card).to_contain_text("2 × 7")
    expect(card).to_contain_text("Set by your physio")
    assert Plan.objects.get(pk=own.pk).status == PlanStatus.ENDED
