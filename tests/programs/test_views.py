"""The plan pages (`plans:detail`, `plans:week`, `plans:day`, `plans:changes`) and `home`, seen by every persona.

Plans are made through the real services from a validated intake, exactly as the API does; nothing is mocked.
A plan another user may not see is a 404, never a 403 or 500, and a runner never reads an exercise slug.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import CareLink, CareLinkStatus, User
from exercises.models import Exercise
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.sources import source_notes
from programs.models import Plan, PlanChange, PlannedSession, Prescription, SessionLog
from programs.services.logs import session_log_record
from programs.templatetags.plans import decision_reason
from tests.factories.accounts import CareLinkFactory
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

WEEKS = 4
LOGIN_PAGE = "/accounts/login/"
PLAN_PAGES = ["detail", "week", "day", "changes"]
SAFETY_HEADING = "When to stop and see someone"
SEE_A_CLINICIAN = "Please see a clinician before you start"


# ---------------------------------------------------------------- helpers


def _plan(runner: User, data: dict[str, Any], weeks: int = WEEKS) -> Plan:
    return create_plan(runner, data, weeks)


def _url(plan: Plan, page: str) -> str:
    """The URL of one plan page; the week and day pages point at the plan's first week and first day."""
    if page == "week":
        return reverse("programs:plan-week", args=[plan.pk, 1])
    if page == "day":
        return reverse("programs:plan-day", args=[plan.pk, plan.start.isoformat()])
    return reverse(f"programs:plan-{page}", args=[plan.pk])


def _week_url(plan: Plan, number: int) -> str:
    return reverse("programs:plan-week", args=[plan.pk, number])


def _day_url(plan: Plan, date: dt.date | str) -> str:
    # Built by hand so malformed dates reach the server (reverse() refuses what the URL pattern does not match).
    return (
        f"{reverse('programs:plan-detail', args=[plan.pk])}days/{date if isinstance(date, str) else date.isoformat()}/"
    )


def _visible(markup: str) -> str:
    """Text as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _text(response: HttpResponse) -> str:
    """The visible text of a page's <main> (the header and <title> left out)."""
    page = response.content.decode()
    return _visible(page[page.find("<main>") :] if "<main>" in page else page)


def _logged_in(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def _first_strength_session(plan: Plan) -> PlannedSession:
    session = (
        PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False)
        .order_by("date", "position")
        .first()
    )
    assert session is not None, "the demo intake gives a strength session in the first week"
    return session


def _log_painful(session: PlannedSession, runner: User) -> SessionLog:
    entries = [
        {"prescription": p.pk, "pain_during": 6, "pain_after": 6, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    return session_log_record(session=session, runner=runner, entries=entries)


def _raw_slugs() -> set[str]:
    """Machine names a runner must never read: every catalogue slug with an underscore, and session kinds."""
    return {slug for slug in Exercise.objects.values_list("slug", flat=True) if "_" in slug} | {"cross_training"}


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return _plan(runner, intake_data)


@pytest.fixture
def red_flag_plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    intake_data["symptoms"]["bladder_or_bowel_change"] = True
    plan = _plan(runner, intake_data)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN
    return plan


# ---------------------------------------------------------------- who may see a plan


@pytest.mark.parametrize("page", PLAN_PAGES)
def test_anonymous_is_sent_to_the_login_page_and_back(client: Client, plan: Plan, page: str) -> None:
    url = _url(plan, page)
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN_PAGE
    assert parse_qs(location.query)["next"] == [url]


@pytest.mark.parametrize("page", PLAN_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("runner", 200), ("physio", 200), ("other_runner", 404), ("other_physio", 404)],
)
def test_only_the_owner_and_their_linked_physio_see_a_plan(
    client: Client, request: pytest.FixtureRequest, plan: Plan, page: str, persona: str, status: int
) -> None:
    user: User = request.getfixturevalue(persona)
    response = _logged_in(client, user).get(_url(plan, page))
    assert response.status_code == status
    if status == 200:
        assert SAFETY_HEADING in _text(response)
    else:
        assert plan.runner.email not in response.content.decode()


def test_the_physio_reads_the_plan_as_their_patients(client: Client, plan: Plan, physio: User, runner: User) -> None:
    page = _text(_logged_in(client, physio).get(_url(plan, "detail")))
    assert f"Plan of {runner.email}" in page
    assert "Your plan" not in page


@pytest.mark.parametrize("page", PLAN_PAGES)
def test_a_revoked_care_link_hides_the_plan_at_once(
    client: Client, plan: Plan, physio: User, runner: User, page: str
) -> None:
    _logged_in(client, physio)
    url = _url(plan, page)
    assert client.get(url).status_code == 200
    revoked = CareLink.objects.filter(physio=physio, runner=runner).update(status=CareLinkStatus.REVOKED)
    assert revoked == 1
    assert client.get(url).status_code == 404  # same session, no new log-in


def test_a_revoked_physio_no_longer_lists_the_patient_at_home(
    client: Client, plan: Plan, physio: User, runner: User
) -> None:
    _logged_in(client, physio)
    assert runner.email in _text(client.get(reverse("programs:home")))
    CareLink.objects.filter(physio=physio, runner=runner).update(status=CareLinkStatus.REVOKED)
    page = _text(client.get(reverse("programs:home")))
    assert runner.email not in page
    assert "No patient has accepted an invitation from you yet." in page


@pytest.mark.parametrize("page", PLAN_PAGES)
def test_an_invited_but_unaccepted_physio_gets_404(
    client: Client, plan: Plan, runner: User, other_physio: User, page: str
) -> None:
    CareLinkFactory(runner=runner, physio=other_physio, status=CareLinkStatus.INVITED, consented_at=None)
    assert _logged_in(client, other_physio).get(_url(plan, page)).status_code == 404
    assert runner.email not in _text(client.get(reverse("programs:home")))


# ---------------------------------------------------------------- weeks and days out of range


@pytest.mark.parametrize("number", [1, WEEKS])
def test_the_first_and_last_weeks_are_there(client: Client, plan: Plan, runner: User, number: int) -> None:
    response = _logged_in(client, runner).get(_week_url(plan, number))
    assert response.status_code == 200
    assert f"Week {number} ·" in _text(response)


@pytest.mark.parametrize("number", [0, WEEKS + 1, 2**31, 10**20])
def test_a_week_outside_the_plan_is_404(client: Client, plan: Plan, runner: User, number: int) -> None:
    assert _logged_in(client, runner).get(_week_url(plan, number)).status_code == 404


@pytest.mark.parametrize("offset", [0, 7 * WEEKS - 1])
def test_the_first_and_last_days_are_there(client: Client, plan: Plan, runner: User, offset: int) -> None:
    day = START + dt.timedelta(days=offset)
    response = _logged_in(client, runner).get(_day_url(plan, day))
    assert response.status_code == 200
    assert f"{day:%A} {day.day} {day:%B}" in _text(response)


@pytest.mark.parametrize(
    "day",
    [START - dt.timedelta(days=1), START + dt.timedelta(weeks=WEEKS), dt.date(1, 1, 1), dt.date(9999, 12, 31)],
)
def test_a_day_outside_the_plan_is_404(client: Client, plan: Plan, runner: User, day: dt.date) -> None:
    assert _logged_in(client, runner).get(_day_url(plan, day)).status_code == 404


@pytest.mark.parametrize(
    "date",
    [
        "banana",
        "2026-02-30",
        "2026-13-01",
        "23-11-2026",
        "2026-11-23T10:00",
        "0000-01-01",
        "2026-11-2x",
        " ",
        "20261123",
        "2026-W48-1",
    ],
)
def test_a_malformed_date_is_404_not_500(client: Client, plan: Plan, runner: User, date: str) -> None:
    # The test client re-raises any exception from the view, so a 500 fails here rather than passing as a status.
    assert _logged_in(client, runner).get(_day_url(plan, date)).status_code == 404


def test_the_week_and_day_pages_of_a_plan_without_weeks_are_404(
    client: Client, red_flag_plan: Plan, runner: User
) -> None:
    _logged_in(client, runner)
    assert client.get(_week_url(red_flag_plan, 1)).status_code == 404
    assert client.get(_day_url(red_flag_plan, START)).status_code == 404


# ---------------------------------------------------------------- what a day shows


def test_the_day_page_shows_exercises_by_name_with_cues_and_the_safety_list(
    client: Client, plan: Plan, runner: User
) -> None:
    session = _first_strength_session(plan)
    prescriptions = list(Prescription.objects.filter(session__plan=plan, session__date=session.date))
    strength = [p for p in prescriptions if p.session_id == session.pk]
    assert strength

    response = _logged_in(client, runner).get(_day_url(plan, session.date))
    assert response.status_code == 200
    page = _text(response)
    for prescription in prescriptions:
        assert prescription.exercise.name in page
    for prescription in strength:
        assert prescription.exercise.cues
        assert prescription.exercise.cues[0] in page
    assert "Strength" in page
    assert SAFETY_HEADING in page
    assert "does not diagnose" in page
    for slug in ("nordic_curl", "single_leg_bridge", *_raw_slugs()):
        assert slug not in page, f"raw slug {slug!r} shown on the day page"


def test_the_day_page_opens_strength_with_the_warm_up_and_keeps_sources_under_why(
    client: Client, plan: Plan, runner: User
) -> None:
    session = _first_strength_session(plan)
    first = session.prescriptions.order_by("position").first()
    assert first is not None and first.source
    page = _text(_logged_in(client, runner).get(_day_url(plan, session.date)))
    warm_up = page.find("First, the warm-up: Warm-up, ")
    assert 0 <= warm_up < page.find(first.exercise.name), "the warm-up comes before the first exercise"
    assert re.search(r"Strength · about \d+ min", page)
    plain = source_notes(first.source)[0].plain
    assert f"Why? The sources {plain}" in page and first.source not in page
    assert first.reason in page and first.source not in first.reason
    assert re.search(r"Single-leg bridge : \d × \d+ each leg", page), "one-leg doses say each leg"
    run = PlannedSession.objects.filter(plan=plan, kind="run").order_by("date").first()
    assert run is not None
    distance = run.prescriptions.get().dose["distance"]
    run_page = _text(_logged_in(client, runner).get(_day_url(plan, run.date)))
    assert f": {distance:g} km ·" in run_page, "a run's distance in the runner's unit"


def test_a_day_page_links_back_to_its_week(client: Client, plan: Plan, runner: User) -> None:
    day = START + dt.timedelta(weeks=1, days=2)
    response = _logged_in(client, runner).get(_day_url(plan, day))
    assert f'href="{_week_url(plan, 2)}"' in response.content.decode()
    assert "Week 2" in _text(response)


def test_no_page_of_the_plan_shows_a_raw_slug(client: Client, plan: Plan, runner: User) -> None:
    _log_painful(_first_strength_session(plan), runner)  # decisions and logs on the pages too
    _logged_in(client, runner)
    slugs = _raw_slugs()
    urls = [
        reverse("programs:home"),
        _url(plan, "detail"),
        _url(plan, "changes"),
        *(_week_url(plan, n) for n in range(1, WEEKS + 1)),
        *(_day_url(plan, START + dt.timedelta(days=i)) for i in range(7 * WEEKS)),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = _text(response)
        shown = sorted(slug for slug in slugs if re.search(rf"\b{re.escape(slug)}\b", page))
        assert not shown, f"{url} shows {shown}"


# ---------------------------------------------------------------- logging and the decision log


def test_before_any_log_the_changes_page_says_nothing_changed(client: Client, plan: Plan, runner: User) -> None:
    page = _text(_logged_in(client, runner).get(_url(plan, "changes")))
    assert "Nothing has changed yet" in page
    assert "Stepped back" not in page


def test_painful_log_shows_the_decisions_and_the_log(client: Client, plan: Plan, runner: User, physio: User) -> None:
    session = _first_strength_session(plan)
    log = _log_painful(session, runner)
    decisions = list(PlanChange.objects.filter(plan=plan, cause_log=log))
    assert any(d.kind == PlanChangeKind.REGRESS for d in decisions)

    for user in (runner, physio):
        page = _text(_logged_in(client, user).get(_url(plan, "changes")))
        assert "Stepped back" in page
        assert "Nothing has changed yet" not in page
        for decision in decisions:
            assert decision_reason(decision.reason) in page
            assert decision.get_kind_display() in page

    day = _text(_logged_in(client, runner).get(_day_url(plan, session.date)))
    assert "Logged" in day
    assert "pain 6/10 during, 6/10 after" in day
    assert "· done" in day


def test_an_unlogged_day_shows_no_log(client: Client, plan: Plan, runner: User) -> None:
    session = _first_strength_session(plan)
    _log_painful(session, runner)
    later = PlannedSession.objects.filter(plan=plan, kind="strength", date__gt=session.date).order_by("date").first()
    assert later is not None
    page = _text(_logged_in(client, runner).get(_day_url(plan, later.date)))
    assert "Logged" not in page


def test_each_decision_names_the_exercise_it_is_about(client: Client, plan: Plan, runner: User) -> None:
    log = _log_painful(_first_strength_session(plan), runner)
    slugs = set(PlanChange.objects.filter(plan=plan, cause_log=log).values_list("exercise", flat=True))
    names = dict(Exercise.objects.filter(slug__in=slugs).values_list("slug", "name"))
    assert names.keys() == slugs
    response = _logged_in(client, runner).get(_url(plan, "changes"))
    page = response.content.decode()
    decision_list = _visible(page[page.find('<ul class="cards">') : page.find("</ul>")])
    for name in names.values():
        assert name in decision_list


# ---------------------------------------------------------------- home


def test_home_lists_the_physios_patients_and_no_one_else(
    client: Client, plan: Plan, physio: User, runner: User, other_runner: User, intake_data: dict[str, Any]
) -> None:
    _plan(other_runner, intake_data)  # another runner with a plan, not this physio's patient
    response = _logged_in(client, physio).get(reverse("programs:home"))
    assert response.status_code == 200
    content = response.content.decode()
    page = _text(response)
    assert "Your patients" in page
    assert runner.email in page
    assert f'href="{reverse("programs:patient-detail", args=[runner.pk])}"' in content
    assert other_runner.email not in page
    assert f'href="{reverse("programs:patient-detail", args=[other_runner.pk])}"' not in content


def test_home_of_an_unlinked_physio_lists_no_one(client: Client, plan: Plan, other_physio: User, runner: User) -> None:
    page = _text(_logged_in(client, other_physio).get(reverse("programs:home")))
    assert "No patient has accepted an invitation from you yet." in page
    assert runner.email not in page


def test_home_for_anonymous_explains_and_offers_login(client: Client, plan: Plan, runner: User) -> None:
    response = client.get(reverse("programs:home"))
    assert response.status_code == 200
    assert f'href="{LOGIN_PAGE}"' in response.content.decode()
    assert runner.email not in _text(response)


# ---------------------------------------------------------------- stop-tier red flag


def test_a_red_flag_plan_sends_the_runner_to_a_clinician(client: Client, red_flag_plan: Plan, runner: User) -> None:
    message = red_flag_plan.referral["message"]
    _logged_in(client, runner)

    detail = _text(client.get(_url(red_flag_plan, "detail")))
    assert SEE_A_CLINICIAN in detail
    assert message in detail

    home_response = client.get(reverse("programs:home"))
    home = _text(home_response)
    assert SEE_A_CLINICIAN in home
    assert message in home
    assert '<section class="week">' not in home_response.content.decode()
    assert SAFETY_HEADING in home


def test_the_linked_physio_sees_the_red_flag_too(client: Client, red_flag_plan: Plan, physio: User) -> None:
    page = _text(_logged_in(client, physio).get(_url(red_flag_plan, "detail")))
    assert SEE_A_CLINICIAN in page
    assert red_flag_plan.referral["message"] in page


def test_a_plan_without_red_flags_has_no_referral(client: Client, plan: Plan, runner: User) -> None:
    _logged_in(client, runner)
    assert SEE_A_CLINICIAN not in _text(client.get(_url(plan, "detail")))
    assert SEE_A_CLINICIAN not in _text(client.get(reverse("programs:home")))


def test_a_red_flag_plan_does_not_also_offer_the_exercise_plan(
    client: Client, red_flag_plan: Plan, runner: User
) -> None:
    assert red_flag_plan.pathway_reason
    home = _text(_logged_in(client, runner).get(reverse("programs:home")))
    assert red_flag_plan.pathway_reason not in home  # home already gets this right
    detail = _text(client.get(_url(red_flag_plan, "detail")))
    assert red_flag_plan.pathway_reason not in detail


def test_a_physio_sees_severe_pain_as_needing_attention(client: Client, plan: Plan, runner: User, physio: User) -> None:
    session = _first_strength_session(plan)
    entries = [
        {"prescription": p.pk, "pain_during": 9, "pain_after": 9, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)
    page = _text(_logged_in(client, physio).get(reverse("programs:home")))
    assert "Needs your attention:" in page and "paused: pain 9/10" in page
    assert "_" not in page.split("Needs your attention:")[1].split("\n")[0]
