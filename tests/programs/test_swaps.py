"""Swapping an exercise for one of the alternatives its pathway item lists (`plans:swap`, `exercise_swap`).

The demo intake's cross-training is clip-in cycling, whose item lists pool kickboard laps (pool and kickboard) and
trunk bridges (no equipment). Plans are made and logged through the real services; the clock is moved with
time_machine so "today" falls inside the plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.api.serializers.intake import IntakeSerializer
from programs.choices import PlanChangeKind
from programs.clinical.contract import intake_from_dict
from programs.clinical.generator import generate_plan
from programs.clinical.state_json import state_from_dict, state_to_dict
from programs.clinical.types import PlanState
from programs.models import Plan, PlanChange, PlannedSession, Prescription
from programs.selectors.plans import plan_day_read
from programs.services import generation as inputs
from programs.services.logs import session_log_record
from programs.services.swaps import exercise_swap, swap_choices_for, swappable_ids
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

CYCLING, POOL, TRUNK = "cycling_clip_in", "pool_kickboard_laps", "trunk_bridges"


def _at(date: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.UTC), tick=False)


def _prescriptions(plan: Plan, slot: str) -> list[Prescription]:
    return list(
        Prescription.objects.filter(plan=plan, slot=slot)
        .select_related("session", "exercise")
        .order_by("session__date")
    )


def _log(session: PlannedSession, runner: User, pain: int = 1) -> None:
    entries = [
        {"prescription": p.pk, "pain_during": pain, "pain_after": pain, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)


def _swap_url(prescription: Prescription) -> str:
    return reverse("programs:plan-swap", args=[prescription.plan_id, prescription.pk])


def _chosen(prescription: Prescription, exercise: str) -> dict[str, Any]:
    """The swap form as the page sends it: the choice and the plan's revision the page was read at (now)."""
    return {"exercise": exercise, "revision": Plan.objects.get(pk=prescription.plan_id).revision}


def _exercises_from(plan: Plan, date: dt.date, *, logged: bool) -> set[str]:
    return set(
        Prescription.objects.filter(plan=plan, session__date__gte=date, session__log__isnull=not logged).values_list(
            "exercise__slug", flat=True
        )
    )


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, 4)


# ---------------------------------------------------------------- the choices


def test_the_swap_page_lists_only_alternatives_the_runners_equipment_allows(
    runner: User, intake_data: dict[str, Any], client: Client
) -> None:
    intake_data["equipment"] = [e for e in intake_data["equipment"] if e != "pool"]
    plan = create_plan(runner, intake_data, 4)
    cycling = _prescriptions(plan, CYCLING)[0]
    client.force_login(runner)
    with _at(START):
        page = client.get(_swap_url(cycling)).content.decode()
    assert f'value="{TRUNK}"' in page
    assert inputs.catalogue()[TRUNK].name in page
    assert 'value="pool_kickboard_laps"' not in page, "no pool: the pool exercise is not offered"
    assert f'value="{CYCLING}"' not in page, "the exercise scheduled now is not offered as a swap"
    assert "When to stop and see someone" in page


def test_with_a_pool_both_alternatives_are_offered_with_a_line_on_how_to_do_them(
    plan: Plan, runner: User, client: Client
) -> None:
    cycling = _prescriptions(plan, CYCLING)[0]
    catalogue = inputs.catalogue()
    client.force_login(runner)
    with _at(START):
        response = client.get(_swap_url(cycling))
    page = response.content.decode()
    assert response.status_code == 200
    for slug in (POOL, TRUNK):
        spec = catalogue[slug]
        assert f'value="{slug}"' in page
        assert spec.name in page
        how_to = spec.description or spec.cues[0]
        assert how_to.split()[0] in page


def test_an_alternative_another_item_schedules_is_not_offered(plan: Plan, runner: User, client: Client) -> None:
    """The demo runner has no anchor for Nordic curls: the towel slider curl takes their place, and the single-leg
    bridge the item also lists is already its own exercise, so the curl has nothing else to swap to."""
    curl = _prescriptions(plan, "towel_slider_curl")[0]
    client.force_login(runner)
    with _at(START):
        page = client.get(_swap_url(curl)).content.decode()
    assert 'type="radio"' not in page
    assert "no other exercise you can do in its place" in page


# ---------------------------------------------------------------- swapping


def test_a_swap_changes_the_coming_sessions_not_the_logged_ones_and_is_a_decision_by_the_runner(
    plan: Plan, runner: User, client: Client
) -> None:
    first_cycling = _prescriptions(plan, CYCLING)[0]
    logged_session = first_cycling.session
    with _at(logged_session.date):
        _log(logged_session, runner)
    today = logged_session.date + dt.timedelta(days=1)
    coming = next(p for p in _prescriptions(plan, CYCLING) if p.session.date >= today)
    client.force_login(runner)
    with _at(today):
        response = client.post(_swap_url(coming), _chosen(coming, TRUNK))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:plan-day", args=[plan.pk, coming.session.date.isoformat()])

    logged = Prescription.objects.get(pk=first_cycling.pk)
    assert logged.exercise.slug == CYCLING, "a logged session never changes"
    assert CYCLING not in _exercises_from(plan, today, logged=False)
    assert TRUNK in _exercises_from(plan, today, logged=False)
    change = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.SWAP)
    assert change.author == runner
    assert change.exercise == CYCLING
    assert change.effective_from == today
    assert change.before == {"exercise": CYCLING} and change.after == {"exercise": TRUNK}
    catalogue = inputs.catalogue()
    assert change.reason == (
        f"You swapped {catalogue[CYCLING].name} for {catalogue[TRUNK].name} from {today:%a} {today.day} {today:%b}."
    )
    assert change.item_changes and all(c["date"] >= today.isoformat() for c in change.item_changes)
    assert dict(state_from_dict(Plan.objects.get(pk=plan.pk).state).swaps) == {CYCLING: TRUNK}
    with _at(today):
        decisions = client.get(reverse("programs:plan-changes", args=[plan.pk])).content.decode()
    assert "You swapped" in decisions


def test_a_swap_survives_the_replan_of_a_later_log(plan: Plan, runner: User) -> None:
    coming = _prescriptions(plan, CYCLING)[0]
    with _at(START):
        exercise_swap(prescription=coming, by=runner, exercise=TRUNK, today=START)
    strength = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    assert strength is not None
    before_log = Plan.objects.get(pk=plan.pk).state
    with _at(strength.date):
        _log(strength, runner, pain=6)  # over the limit: the rules regress and regenerate the future
    replanned = Plan.objects.get(pk=plan.pk)
    assert replanned.state != before_log, "the painful log changed the rules' state, so the future was regenerated"
    assert dict(state_from_dict(replanned.state).swaps) == {CYCLING: TRUNK}
    after = strength.date + dt.timedelta(days=1)
    assert TRUNK in _exercises_from(plan, after, logged=False)
    assert CYCLING not in _exercises_from(plan, START, logged=False)


def test_swapping_back_to_the_original_is_allowed(plan: Plan, runner: User, client: Client) -> None:
    coming = _prescriptions(plan, CYCLING)[0]
    with _at(START):
        exercise_swap(prescription=coming, by=runner, exercise=POOL, today=START)
    pool = _prescriptions(plan, POOL)[0]
    client.force_login(runner)
    with _at(START):
        page = client.get(_swap_url(pool)).content.decode()
        assert f'value="{CYCLING}"' in page
        response = client.post(_swap_url(pool), _chosen(pool, CYCLING))
    assert response.status_code == 302
    assert POOL not in _exercises_from(plan, START, logged=False)
    assert CYCLING in _exercises_from(plan, START, logged=False)
    assert state_from_dict(Plan.objects.get(pk=plan.pk).state).swaps == ()
    assert PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.SWAP).count() == 2


@pytest.mark.parametrize("choice", ["", "nordic_curl", "slider_curl", CYCLING, "<script>"])
def test_a_choice_not_in_the_list_is_a_form_error_and_changes_nothing(
    plan: Plan, runner: User, client: Client, choice: str
) -> None:
    coming = _prescriptions(plan, CYCLING)[0]
    state = Plan.objects.get(pk=plan.pk).state
    client.force_login(runner)
    with _at(START):
        response = client.post(_swap_url(coming), _chosen(coming, choice))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist"' in page
    assert "Choose" in page
    assert Plan.objects.get(pk=plan.pk).state == state
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.SWAP).exists()


def test_a_logged_or_past_exercise_cannot_be_swapped(plan: Plan, runner: User, client: Client) -> None:
    first, second = _prescriptions(plan, CYCLING)[:2]
    with _at(first.session.date):
        _log(first.session, runner)
    client.force_login(runner)
    with _at(first.session.date):
        response = client.post(_swap_url(first), _chosen(first, TRUNK))
        assert response.status_code == 400
        assert "already logged" in response.content.decode()
    later = second.session.date + dt.timedelta(days=1)
    with _at(later), pytest.raises(ValidationError):
        exercise_swap(prescription=second, by=runner, exercise=TRUNK, today=later)
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.SWAP).exists()


def test_another_runner_gets_404_and_changes_nothing(plan: Plan, client: Client, other_runner: User) -> None:
    coming = _prescriptions(plan, CYCLING)[0]
    client.force_login(other_runner)
    with _at(START):
        assert client.get(_swap_url(coming)).status_code == 404
        assert client.post(_swap_url(coming), _chosen(coming, TRUNK)).status_code == 404
    assert state_from_dict(Plan.objects.get(pk=plan.pk).state).swaps == ()


def test_a_prescription_of_another_plan_is_404(
    plan: Plan, runner: User, other_runner: User, intake_data: dict[str, Any], client: Client
) -> None:
    theirs = _prescriptions(create_plan(other_runner, intake_data, 4), CYCLING)[0]
    client.force_login(runner)
    with _at(START):
        response = client.get(reverse("programs:plan-swap", args=[plan.pk, theirs.pk]))
    assert response.status_code == 404


def test_a_linked_physio_may_swap_and_is_the_author(plan: Plan, runner: User, physio: User, client: Client) -> None:
    coming = _prescriptions(plan, CYCLING)[0]
    client.force_login(physio)
    with _at(START):
        assert client.post(_swap_url(coming), _chosen(coming, TRUNK)).status_code == 302
    change = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.SWAP)
    assert change.author == physio
    assert change.reason.startswith("Your physio swapped")


def test_the_day_page_offers_a_swap_for_coming_exercises_only(plan: Plan, runner: User, client: Client) -> None:
    first, second = _prescriptions(plan, CYCLING)[:2]
    with _at(first.session.date):
        _log(first.session, runner)
    client.force_login(runner)
    with _at(first.session.date):
        logged_day = client.get(reverse("programs:plan-day", args=[plan.pk, first.session.date.isoformat()]))
        coming_day = client.get(reverse("programs:plan-day", args=[plan.pk, second.session.date.isoformat()]))
    assert _swap_url(first) not in logged_day.content.decode()
    assert f'href="{_swap_url(second)}"' in coming_day.content.decode()


def test_the_day_page_links_exactly_the_exercises_whose_swap_page_offers_another(plan: Plan, runner: User) -> None:
    """One rule for both pages: a swap link that leads to "nothing to swap to", or a swap the day page hides, is
    drift a runner would hit. Checked over the plan's first fortnight with a logged day, a past day and an exercise
    the physio set by hand."""
    first, second, third = _prescriptions(plan, CYCLING)[:3]
    with _at(first.session.date):
        _log(first.session, runner)
    Prescription.objects.filter(pk=third.pk).update(overridden=True)
    today = second.session.date
    plan = Plan.objects.select_related("intake").get(pk=plan.pk)
    linked: set[int] = set()
    offered: set[int] = set()
    for offset in range(14):
        day = plan_day_read(plan, START + dt.timedelta(days=offset))
        linked |= swappable_ids(plan=plan, day=day, today=today)
        for prescription in Prescription.objects.filter(plan=plan, session__date=day.date).select_related(
            "session", "exercise"
        ):
            prescription.plan = prescription.session.plan = plan
            if swap_choices_for(prescription=prescription, today=today).others:
                offered.add(prescription.pk)
    assert linked == offered
    assert second.pk in linked, "a coming cycling session can be swapped"
    assert not {first.pk, third.pk} & linked, "a logged one and one the physio set by hand cannot"


# ---------------------------------------------------------------- the state and the generator


def test_swaps_round_trip_through_the_stored_state_and_old_states_load_without_them() -> None:
    state = PlanState(swaps=((CYCLING, TRUNK), ("nordic_curl", "slider_curl")))
    assert state_from_dict(state_to_dict(state)) == state
    assert state_to_dict(state)["swaps"] == {CYCLING: TRUNK, "nordic_curl": "slider_curl"}
    assert state_from_dict({"speed_work_cleared": True}).swaps == ()


def _intake(data: dict[str, Any]) -> Any:
    serializer = IntakeSerializer(data=data, context={"start": START})
    assert serializer.is_valid(), serializer.errors
    return intake_from_dict(serializer.data)


def _scheduled(plan: Any) -> set[str]:
    return {i.exercise for w in plan.weeks for d in w.days for s in d.sessions for i in s.items}


def test_the_generator_schedules_a_swap_only_where_the_runner_can_do_it(intake_data: dict[str, Any]) -> None:
    intake = _intake(intake_data)
    common: dict[str, Any] = {
        "start": START,
        "weeks": 4,
        "catalogue": inputs.catalogue(),
        "pathways": inputs.pathways(),
    }
    plain = _scheduled(generate_plan(intake, **common))
    swapped = _scheduled(generate_plan(intake, state=PlanState(swaps=((CYCLING, POOL),)), **common))
    assert CYCLING in plain and POOL not in plain
    assert POOL in swapped and CYCLING not in swapped
    assert swapped - {POOL} == plain - {CYCLING}, "nothing else changes"
    # No sliders: a swap to the slider curl is ignored and the curl the runner can do stays.
    unable = _scheduled(generate_plan(intake, state=PlanState(swaps=(("nordic_curl", "slider_curl"),)), **common))
    assert unable == plain


def test_a_swap_before_the_plan_starts_applies_from_its_first_day(plan: Plan, runner: User) -> None:
    coming = _prescriptions(plan, CYCLING)[0]
    before_start = START - dt.timedelta(days=2)
    with _at(before_start):
        change = exercise_swap(prescription=coming, by=runner, exercise=TRUNK, today=before_start)
    assert change.effective_from == START
    assert change.reason.endswith(f"from {START:%a} {START.day} {START:%b}.")
    assert CYCLING not in _exercises_from(plan, START, logged=False)
