"""A physio's choice of pathway (the generator's `pathway`), their templates, and plans they assign.

An assigned plan passes the same safety checks as a generated one (tests/programs/plan_checks.check_plan): no
exercise a phase forbids, red flags still stop it, advisories still restrict it, and every replan keeps the choice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from accounts.models import CareLink, RunnerProfile, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.contract import intake_from_dict, plan_to_dict
from programs.clinical.generator import generate_plan
from programs.clinical.pathways import choose_pathway
from programs.clinical.types import INITIAL_STATE, PlanState
from programs.models import Plan, PlanChange, PlannedSession, Prescription, ProgramTemplate
from programs.selectors import plans as selectors
from programs.services.assign import plan_assign
from programs.services.care import SessionLoggedError, plan_clinician_clear, prescription_override
from programs.services.generation import generate
from programs.services.logs import session_log_record
from programs.services.templates import template_create, template_delete, template_pain_limits, template_update
from tests.programs.plan_checks import assert_plain, check_plan
from tests.programs.plans import START, create_plan, record_intake
from tests.programs.strategies import START as PURE_START
from tests.programs.strategies import (
    advisory_intakes,
    catalogue,
    clear_intakes,
    make_intake,
    pathways,
    red_flag_intakes,
    smallest_intake,
)

SLUGS = sorted(pathways())


def _forced(intake: Any, slug: str, weeks: int, state: PlanState = INITIAL_STATE) -> Any:
    return generate_plan(
        intake, start=PURE_START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), state=state, pathway=slug
    )


# ---------------------------------------------------------------- the generator, pure


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), slug=st.sampled_from(SLUGS), weeks=st.integers(min_value=1, max_value=16))
# Found by Hypothesis. A race in stage 3: after it the Nordic-type build resumed at a step of stage 4's build (3 × 12,
# 10, 8) instead of its own.
@example(smallest_intake(1.0, "mon", 10, longest_run=0.2, race_on=dt.date(2026, 2, 2)), "acute_strain", 8)
# The race week was the first week of running again: its recovery week counted as the next return step (0.3 → 0.5).
@example(smallest_intake(1.0, "mon", 10, race_on=dt.date(2026, 1, 26)), "acute_strain", 5)
def test_a_chosen_pathway_keeps_every_safety_and_load_rule(intake: Any, slug: str, weeks: int) -> None:
    plan = _forced(intake, slug, weeks)
    assert plan.pathway == slug and len(plan.weeks) == weeks
    assert {w.phase for w in plan.weeks} <= {p.slug for p in pathways()[slug].phases}
    assert_plain(plan.pathway_reason, intake)
    check_plan(intake, plan, PlanState())


@settings(max_examples=80, deadline=None)
@given(intake=red_flag_intakes(), slug=st.sampled_from(SLUGS))
def test_a_chosen_pathway_never_skips_a_red_flag(intake: Any, slug: str) -> None:
    plan = _forced(intake, slug, 8)
    assert plan.status == "needs_clinician" and plan.referral is not None and plan.referral.stops_plan
    assert plan.weeks == () and plan_to_dict(plan)["weeks"] == []


@settings(max_examples=80, deadline=None)
@given(intake=advisory_intakes(), slug=st.sampled_from(SLUGS))
def test_a_chosen_pathway_still_leaves_out_what_an_advisory_restricts(intake: Any, slug: str) -> None:
    plan = _forced(intake, slug, 6)
    assert plan.status == "active" and plan.referral is not None
    restricted = frozenset(plan.referral.restrictions)
    prescribed = {i.exercise for w in plan.weeks for d in w.days for s in d.sessions for i in s.items}
    assert not {e for e in prescribed if catalogue()[e].contraindications & restricted}
    if plan.referral.protect_only:
        assert {w.phase for w in plan.weeks} == {pathways()[slug].phases[0].slug}


@settings(max_examples=60, deadline=None)
@given(intake=clear_intakes())
def test_choosing_the_pathway_the_rules_pick_changes_nothing(intake: Any) -> None:
    chosen, _why = choose_pathway(intake)
    plain = generate_plan(intake, start=PURE_START, weeks=8, catalogue=catalogue(), pathways=pathways())
    assert _forced(intake, chosen, 8) == plain


def test_the_reason_says_the_physio_chose_it_in_plain_words() -> None:
    intake = make_intake()  # pain-free: the rules choose prevention
    assert choose_pathway(intake)[0] == "prevention"
    plan = _forced(intake, "proximal_tendinopathy", 4)
    assert plan.pathway_reason == "Your physio chose this program for you: sit-bone (high hamstring) pain."
    older = _forced(dataclasses.replace(intake, age=55), "proximal_tendinopathy", 4)
    assert older.pathway_reason.startswith(plan.pathway_reason) and "From 50 on" in older.pathway_reason


# ---------------------------------------------------------------- templates


@pytest.mark.django_db
def test_template_names_are_unique_per_physio_and_settings_are_checked(physio: User, other_physio: User) -> None:
    made = template_create(owner=physio, name="Grade 1 strain", pathway="acute_strain", weeks=8, program={})
    with pytest.raises(ValidationError) as raised:
        template_create(owner=physio, name=" grade 1 STRAIN ", pathway="acute_strain", weeks=8, program={})
    assert "name" in raised.value.message_dict
    template_create(owner=other_physio, name="Grade 1 strain", pathway="acute_strain", weeks=8, program={})
    with pytest.raises(ValidationError) as raised:
        template_update(template=made, by=physio, program={"running_cap": 20, "pain_limit": 11}, pathway="nope")
    assert set(raised.value.message_dict) == {"program", "pathway"}
    with pytest.raises(PermissionDenied):
        template_update(template=made, by=other_physio, weeks=4)
    with pytest.raises(PermissionDenied):
        template_delete(template=made, by=other_physio)
    template_delete(template=made, by=physio)
    assert not ProgramTemplate.objects.filter(pk=made.pk).exists()


def test_a_template_pain_limit_replaces_the_pathways_and_keeps_the_safe_zone_below_it() -> None:
    strain = pathways()["acute_strain"]
    assert template_pain_limits({}, strain) is None
    hickey = template_pain_limits({"pain_limit": 4}, strain)
    assert hickey is not None and (hickey.during, hickey.after) == (4, 4)
    assert hickey.zone_ok_max == strain.pain_limits.zone_ok_max
    strict = template_pain_limits({"pain_limit": 0}, pathways()["overuse_ache"])
    assert strict is not None and strict.zone_ok_max == 0 <= strict.during


# ---------------------------------------------------------------- assigning


def _sudden(data: dict[str, Any]) -> dict[str, Any]:
    data["symptoms"].update(onset="sudden", weeks_since_onset=1, pain_walking=0, pain_running=3, location="mid_thigh")
    return data


@pytest.mark.django_db
def test_an_assigned_plan_is_what_the_generator_makes_on_that_pathway_and_passes_the_safety_checks(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    earlier = create_plan(runner, intake_data, weeks=6)
    template = template_create(
        owner=physio, name="Prevention, strict", pathway="prevention", weeks=5, program={"pain_limit": 2}
    )
    plan = plan_assign(physio=physio, runner=runner, start=START, template=template)

    earlier.refresh_from_db()
    assert earlier.status == PlanStatus.ENDED
    assert (plan.pathway, plan.weeks, plan.pathway_version.slug) == ("prevention", 5, "prevention")
    assert plan.pain_limits["during"] == 2 and plan.pain_limits["zone_ok_max"] == 2
    assert set(Prescription.objects.filter(plan=plan).values_list("pain_limit", flat=True)) == {2}

    intake = intake_from_dict(plan.intake.data)
    limits = template_pain_limits(template.program, pathways()["prevention"])
    generated = generate(intake, start=START, weeks=5, pain_limits=limits, pathway="prevention")
    stored = selectors.plan_read(plan).to_domain()
    assert plan_to_dict(stored) == plan_to_dict(generated)
    check_plan(intake, generated, PlanState())
    for week in stored.weeks:  # what is stored, checked directly too: nothing the week's phase forbids
        forbidden = pathways()["prevention"].phase(week.phase).forbidden_tags
        items = [i for d in week.days for s in d.sessions for i in (*s.warm_up, *s.items)]
        assert items and not [i.exercise for i in items if catalogue()[i.exercise].contraindications & forbidden]

    decision = PlanChange.objects.get(plan=plan)
    assert (decision.kind, decision.rule, decision.author) == (PlanChangeKind.ASSIGN, "physio", physio)
    assert decision.reason == (
        "Assigned by your physio: hamstring injury prevention, 5 weeks from Mon 23 Nov, with pain kept at 2/10 or less."
    )


@pytest.mark.django_db
def test_every_replan_keeps_the_physios_pathway_and_pain_limit(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)  # overuse_ache by the rules
    template = template_create(owner=physio, name="Stabilisers", pathway="post_race_stabilisers", weeks=4, program={})
    plan = plan_assign(physio=physio, runner=runner, start=START, template=template, weeks=6)
    assert (plan.pathway, plan.weeks) == ("post_race_stabilisers", 6)
    session = PlannedSession.objects.filter(plan=plan, prescriptions__isnull=False).order_by("date").first()
    entries = [{"prescription": p.pk, "pain_during": 8, "pain_after": 8} for p in session.prescriptions.all()]
    session_log_record(session=session, runner=runner, entries=entries)
    plan.refresh_from_db()
    assert PlanChange.objects.filter(plan=plan, author__isnull=True).exists(), "the rules reacted to the pain"
    assert plan.pathway == "post_race_stabilisers"
    later = PlannedSession.objects.filter(plan=plan, date__gt=session.date).exclude(kind__in=["rest", "run"])
    phases = {p.slug for p in pathways()["post_race_stabilisers"].phases}
    assert set(plan.plan_weeks.values_list("phase", flat=True)) <= phases and later.exists()


@pytest.mark.django_db
def test_a_red_flag_stops_an_assigned_plan_until_cleared(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["fever_or_unwell"] = True
    record_intake(runner, intake_data)
    plan = plan_assign(physio=physio, runner=runner, start=START, weeks=4, pathway="acute_strain")
    assert plan.status == PlanStatus.NEEDS_CLINICIAN and plan.referral["stops_plan"]
    assert not Prescription.objects.filter(plan=plan).exists()
    assert PlanChange.objects.get(plan=plan).reason.endswith(
        "It starts once a clinician has checked what you reported."
    )

    plan_clinician_clear(plan=plan, physio=physio, note="Viral illness settled; no infection.", start=START)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.pathway == "acute_strain"
    assert set(plan.plan_weeks.values_list("phase", flat=True)) <= {p.slug for p in pathways()["acute_strain"].phases}
    assert plan.clinician_clearance["note"] == "Viral illness settled; no infection."
    assert plan.clinician_clearance["cleared_at"] and plan.clinician_clearance["start"] == START.isoformat()


@pytest.mark.django_db
def test_assigning_checks_the_link_the_intake_and_the_template(
    runner: User, other_runner: User, physio: User, other_physio: User, intake_data: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as raised:
        plan_assign(physio=physio, runner=runner, start=START, weeks=4)
    assert "intake" in raised.value.message_dict  # no intake yet
    record_intake(runner, intake_data)
    theirs = record_intake(other_runner, intake_data)
    with pytest.raises(PermissionDenied):
        plan_assign(physio=other_physio, runner=runner, start=START, weeks=4)
    with pytest.raises(ValidationError) as raised:
        plan_assign(physio=physio, runner=runner, start=START, weeks=4, intake=theirs)
    assert "intake" in raised.value.message_dict
    foreign = template_create(owner=other_physio, name="Mine", pathway="prevention", weeks=4, program={})
    with pytest.raises(ValidationError) as raised:
        plan_assign(physio=physio, runner=runner, start=START, template=foreign)
    assert "template" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        plan_assign(physio=physio, runner=runner, start=START)
    assert "weeks" in raised.value.message_dict
    CareLink.objects.filter(physio=physio).update(status="revoked")
    with pytest.raises(PermissionDenied):
        plan_assign(physio=physio, runner=runner, start=START, weeks=4)
    assert not Plan.objects.filter(runner=runner).exists()


@pytest.mark.django_db
def test_without_a_pathway_the_rules_choose_and_the_units_follow_the_intake(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    intake_data["units"] = "mi"
    record_intake(runner, _sudden(intake_data))
    plan = plan_assign(physio=physio, runner=runner, start=START, weeks=3)
    assert plan.pathway == "acute_strain" and not plan.pathway_reason.startswith("Your physio")
    assert RunnerProfile.objects.get(user=runner).units == "mi"


@pytest.mark.django_db
def test_another_program_is_refused_while_the_runners_own_early_stage_restricts_exercises(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    """A week-old strain on the prevention program would get Nordics from day one (docs/design.md §5)."""
    fresh = record_intake(runner, _sudden(intake_data))
    assert "nordic_curl" in {i.exercise for p in pathways()["prevention"].phases for i in p.items}
    for other in ("prevention", "overuse_ache"):
        with pytest.raises(ValidationError) as raised:
            plan_assign(physio=physio, runner=runner, start=START, weeks=4, pathway=other, intake=fresh)
        assert raised.value.message_dict["pathway"][0].startswith(
            "This runner's answers fit the mild acute hamstring strain program"
        )
    assert not Plan.objects.filter(runner=runner).exists()
    assert plan_assign(physio=physio, runner=runner, start=START, weeks=4, pathway="acute_strain").pathway == (
        "acute_strain"
    )

    intake_data["symptoms"].update(weeks_since_onset=3, pain_running=2)  # past the early stages: strength entry
    healed = record_intake(runner, intake_data)
    plan = plan_assign(physio=physio, runner=runner, start=START, weeks=4, pathway="prevention", intake=healed)
    assert plan.pathway == "prevention" and plan.status == PlanStatus.ACTIVE

    intake_data["symptoms"].update(onset="gradual", location="sit_bone")  # sit-bone pain: its first stage restricts
    record_intake(runner, intake_data)
    with pytest.raises(ValidationError):
        plan_assign(physio=physio, runner=runner, start=START, weeks=4, pathway="prevention")


# ---------------------------------------------------------------- overrides and clearance: the guards


@pytest.mark.django_db
def test_an_override_never_changes_a_logged_session_nor_an_ended_plan(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=2)
    session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    target = session.prescriptions.order_by("position").first()
    entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
    session_log_record(session=session, runner=runner, entries=entries)
    before = Prescription.objects.get(pk=target.pk).dose
    with pytest.raises(SessionLoggedError):
        prescription_override(prescription=target, physio=physio, dose={"sets": 1, "reps": 5}, reason="x")
    assert Prescription.objects.get(pk=target.pk).dose == before
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.OVERRIDE).exists()

    later = Prescription.objects.filter(plan=plan, session__date__gt=session.date, exercise__dosing="sets_reps").first()
    with pytest.raises(ValidationError) as raised:  # a dose the exercise is not dosed in
        prescription_override(prescription=later, physio=physio, dose={"distance": 5}, reason="x")
    assert "dose" in raised.value.message_dict
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ENDED)
    with pytest.raises(ValidationError):
        prescription_override(prescription=later, physio=physio, dose={"sets": 1, "reps": 5}, reason="x")


@pytest.mark.django_db
def test_an_ended_plan_is_never_cleared_back_to_life(runner: User, physio: User, intake_data: dict[str, Any]) -> None:
    intake_data["symptoms"]["fever_or_unwell"] = True
    stopped = create_plan(runner, intake_data, weeks=2)
    Plan.objects.filter(pk=stopped.pk).update(status=PlanStatus.ENDED)
    with pytest.raises(ValidationError):
        plan_clinician_clear(plan=stopped, physio=physio, note="seen", start=START)
    stopped.refresh_from_db()
    assert stopped.status == PlanStatus.ENDED and stopped.referral is not None
