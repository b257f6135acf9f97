"""A physio's program edits, pure (programs.clinical.edits): each edit does what it says, the safety rules hold with
any edits (an addition a stage forbids only with a recorded override; red-flag, advisory-restricted or equipment-less
exercises never), and the rules say so when a fixed dose stays as the physio set it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.catalogue import Catalogue, Dose
from programs.clinical.config import RulesConfig
from programs.clinical.dosing import estimated_minutes, session_minutes, session_parts
from programs.clinical.edit_checks import edit_problems
from programs.clinical.edits import (
    ADDABLE_KINDS,
    KEPT_BY_PHYSIO,
    NO_EDITS,
    SET_BY_PHYSIO,
    AddedExercise,
    EditsFormatError,
    ProgramEdits,
    _within_max_runs,
    apply_edits,
    edits_from_dict,
    edits_to_dict,
    physio_kept,
)
from programs.clinical.generator import generate_plan
from programs.clinical.rules_types import Decision
from programs.clinical.types import REHAB_KINDS, ExerciseAdjustment, Intake, Item, Plan, PlanState, Session
from tests.programs.strategies import (
    ALL_EQUIPMENT,
    START,
    advisory_intakes,
    catalogue,
    clear_intakes,
    intakes,
    make_intake,
    pathways,
    symptomatic,
)

TRUNK = AddedExercise("trunk_bridges", "strength", Dose(sets=2, hold_seconds=20))
NORDIC = AddedExercise("nordic_curl", "strength", Dose(sets=2, reps=4))


def plan_for(intake: Intake, edits: ProgramEdits = NO_EDITS, weeks: int = 8, **kwargs) -> Plan:
    return generate_plan(
        intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), edits=edits, **kwargs
    )


def items_of(plan: Plan, *, warm_ups: bool = False) -> list[tuple[str, dt.date, str, Item]]:
    """(phase, date, session kind, item) of every item, warm-ups too when asked."""
    return [
        (week.phase, day.date, session.kind, item)
        for week in plan.weeks
        for day in week.days
        for session in day.sessions
        for item in (*session.items, *(session.warm_up if warm_ups else ()))
    ]


def strain() -> Intake:
    """A fresh strain: the acute-strain program's first stages forbid Nordics (docs/design.md §5)."""
    return symptomatic(make_intake(), onset="sudden", days_since_onset=3, pain_walking=2, pain_running=5)


def test_no_edits_leave_the_generated_plan_as_it_was() -> None:
    intake = make_intake()
    assert plan_for(intake) == plan_for(intake, ProgramEdits(doses={}, removed=frozenset()))


def test_a_removed_exercise_is_left_out_everywhere_and_nothing_else_changes() -> None:
    intake = make_intake()
    plain = plan_for(intake)
    slugs = {item.exercise for *_, item in items_of(plain)}
    assert "nordic_curl" in slugs
    edited = plan_for(intake, ProgramEdits(removed=frozenset({"nordic_curl", "leg_swings"})))
    assert "nordic_curl" not in {item.exercise for *_, item in items_of(edited, warm_ups=True)}
    assert "leg_swings" not in {item.exercise for *_, item in items_of(edited, warm_ups=True)}
    others = [i for *_, i in items_of(plain) if i.exercise != "nordic_curl"]
    assert [i for *_, i in items_of(edited)] == others
    assert [w.running for w in edited.weeks] == [w.running for w in plain.weeks]


def test_a_strength_session_keeps_a_warm_up_whatever_is_removed() -> None:
    intake = make_intake()
    warm_ups = {i.exercise for *_, i in items_of(plan_for(intake), warm_ups=True)} - {
        i.exercise for *_, i in items_of(plan_for(intake))
    }
    edited = plan_for(intake, ProgramEdits(removed=frozenset(warm_ups)))
    strength = [s for w in edited.weeks for d in w.days for s in d.sessions if s.kind == "strength"]
    assert strength and all(s.warm_up for s in strength), "a Nordic is never first"


def test_a_fixed_dose_is_used_everywhere_and_says_the_physio_set_it() -> None:
    intake = make_intake()
    dose = Dose(sets=2, reps=3)
    edited = plan_for(intake, ProgramEdits(doses={"nordic_curl": dose}))
    nordics = [item for *_, item in items_of(edited) if item.exercise == "nordic_curl"]
    assert nordics and {item.dose for item in nordics} == {dose}
    assert all(item.reason == f"Nordic hamstring curl: 2 × 3. {SET_BY_PHYSIO}" for item in nordics), nordics[0].reason
    for week in edited.weeks:  # the session's minutes are worked out from the new dose, as the read model does
        for day in week.days:
            for session in day.sessions:
                if session.kind in REHAB_KINDS:
                    parts = [
                        estimated_minutes(i.dose, RulesConfig(), catalogue()[i.exercise].per_side)
                        for i in session.warm_up
                    ]
                    parts += [
                        estimated_minutes(i.dose, RulesConfig(), catalogue()[i.exercise].per_side) * i.times_per_day
                        for i in session.items
                    ]
                    assert session.estimated_minutes == session_minutes(session_parts(parts))


def test_an_added_exercise_joins_every_session_of_its_kind() -> None:
    intake = make_intake()
    plain, edited = plan_for(intake), plan_for(intake, ProgramEdits(added=(TRUNK,)))
    strength_days = [(d, k) for _, d, k, i in items_of(plain) if k == "strength"]
    added = [(d, k, i) for _, d, k, i in items_of(edited) if i.exercise == "trunk_bridges"]
    assert {(d, k) for d, k, _ in added} == set(strength_days)
    assert all(i.dose == TRUNK.dose and i.reason.endswith("Added by your physio.") for *_, i in added)


def test_a_contraindicated_addition_is_refused_without_override_and_placed_only_with_one() -> None:
    intake = strain()
    slug = "acute_strain"
    pathway = pathways()[slug]
    problems = edit_problems(ProgramEdits(added=(NORDIC,)), catalogue=catalogue(), pathway=pathway)
    forbidding = [p for p in pathway.phases if "acute_strain_early" in p.forbidden_tags]
    assert forbidding
    messages = problems["added.0.exercise"]
    assert len(messages) == len(forbidding)
    assert all("Nordic hamstring curl" in m for m in messages)
    assert {p.name for p in forbidding} == {p.name for p in forbidding if any(p.name in m for m in messages)}
    assert "nordic_curl" not in " ".join(messages)  # names, not slugs

    without = plan_for(intake, ProgramEdits(added=(NORDIC,)), weeks=12, pathway=slug)
    early = {p.slug for p in forbidding}
    placed = [(phase, i) for phase, _, _, i in items_of(without) if i.exercise == "nordic_curl"]
    assert all(phase not in early for phase, _ in placed)
    assert any(w.phase in early for w in without.weeks)

    overridden = ProgramEdits(added=(NORDIC,), overrides={"nordic_curl": "Scan shows a small strain; assessed."})
    assert edit_problems(overridden, catalogue=catalogue(), pathway=pathway) == {}
    with_override = plan_for(intake, overridden, weeks=12, pathway=slug)
    assert any(phase in early and i.exercise == "nordic_curl" for phase, _, _, i in items_of(with_override)), (
        "placed in the early stage with the recorded override"
    )


def test_red_flag_and_advisory_restricted_exercises_are_never_placed_even_with_an_override() -> None:
    intake = make_intake()
    flagged = dataclasses.replace(catalogue()["trunk_bridges"], contraindications=frozenset({"red_flag"}))
    tagged = Catalogue(1, tuple(flagged if e.slug == "trunk_bridges" else e for e in catalogue().exercises))
    plan = plan_for(intake)
    edits = ProgramEdits(added=(TRUNK,), overrides={"trunk_bridges": "I know best"})
    result = apply_edits(plan, edits, catalogue=tagged, pathway=pathways()[plan.pathway], equipment=ALL_EQUIPMENT)
    assert "trunk_bridges" not in {i.exercise for *_, i in items_of(result)}
    assert "never" in " ".join(
        edit_problems(edits, catalogue=tagged, pathway=pathways()[plan.pathway])["added.0.exercise"]
    )

    swings = AddedExercise("leg_swings", "mobility", Dose(sets=1, reps=10))
    edits = ProgramEdits(added=(swings,), overrides={"leg_swings": "assessed"})
    restricted = apply_edits(
        plan,
        edits,
        catalogue=catalogue(),
        pathway=pathways()[plan.pathway],
        equipment=ALL_EQUIPMENT,
        restricted=frozenset({"neural_tension"}),
    )
    assert "leg_swings" not in {i.exercise for *_, i in items_of(restricted)}
    # and through screening: numbness or tingling is an advisory that restricts nerve-tensioning exercises
    advised = plan_for(symptomatic(intake, numbness_or_tingling=True), edits)
    assert advised.referral is not None and "neural_tension" in advised.referral.restrictions
    assert "leg_swings" not in {i.exercise for *_, i in items_of(advised)}


def test_no_equipment_means_not_placed_and_the_physio_is_told() -> None:
    intake = make_intake(equipment=frozenset({"mat"}))
    added = AddedExercise("cycling_clip_in", "cross_training", Dose(minutes=10))
    plan = plan_for(intake, ProgramEdits(added=(added,)))
    assert "cycling_clip_in" not in {i.exercise for *_, i in items_of(plan)}
    problems = edit_problems(
        ProgramEdits(added=(added,)),
        catalogue=catalogue(),
        pathway=pathways()[plan.pathway],
        equipment=intake.equipment,
    )
    assert "bike" in problems["added.0.exercise"][0]


def test_order_puts_the_named_exercises_first_and_keeps_the_others_in_place() -> None:
    intake = make_intake()
    plain = plan_for(intake)
    session = next(
        s for w in plain.weeks for d in w.days for s in d.sessions if s.kind == "strength" and len(s.items) >= 3
    )
    last, first, *_ = reversed([i.exercise for i in session.items])
    edited = plan_for(intake, ProgramEdits(order=(last, first)))
    for week in edited.weeks:
        for day in week.days:
            for s in day.sessions:
                slugs = [i.exercise for i in s.items]
                named = [slug for slug in slugs if slug in (last, first)]
                assert slugs[: len(named)] == [x for x in (last, first) if x in named]
    originals = {
        (d.date, s.kind): [i.exercise for i in s.items] for w in plain.weeks for d in w.days for s in d.sessions
    }
    for week in edited.weeks:
        for day in week.days:
            for s in day.sessions:
                rest = [i.exercise for i in s.items if i.exercise not in (last, first)]
                assert rest == [x for x in originals[(day.date, s.kind)] if x not in (last, first)]


def test_running_caps_bound_each_week_and_say_so() -> None:
    intake = make_intake(weekly_distance=50.0, runs_per_week=5)
    plan = plan_for(intake, ProgramEdits(weekly_distance_cap=12.5, max_runs=2))
    for week in plan.weeks:
        runs = [i for d in week.days for s in d.sessions if s.kind == "run" for i in s.items]
        assert week.running.target_distance <= 12.5
        assert week.running.max_runs <= 2 and week.running.rest_days == 7 - week.running.max_runs
        assert len(runs) <= 2
        assert sum(i.dose.distance or 0 for i in runs) <= 12.5 + 1e-9
        assert "by your physio" in week.running.reason
    assert "Capped by your physio at 12.5 km a week" in plan.weeks[0].running.reason
    stopped = plan_for(intake, ProgramEdits(max_runs=0))
    assert all(w.running.target_distance == 0 for w in stopped.weeks)
    assert not [i for *_, k, i in items_of(stopped) if k == "run"]


def test_edit_problems_name_each_field() -> None:
    edits = ProgramEdits(
        removed=frozenset({"no_such"}),
        doses={"nordic_curl": Dose(minutes=5)},
        added=(AddedExercise("glute_bridge", "run", Dose(sets=2, reps=10)),),
        overrides={"glute_bridge": " "},
        pain_limit=11,
        weekly_distance_cap=0,
        max_runs=8,
    )
    problems = edit_problems(edits, catalogue=catalogue(), pathway=pathways()["prevention"])
    assert set(problems) == {
        "removed",
        "doses.nordic_curl",
        "added.0.kind",
        "overrides.glute_bridge",
        "pain_limit",
        "weekly_distance_cap",
        "max_runs",
    }
    assert problems["doses.nordic_curl"][0].startswith("Nordic hamstring curl:")
    assert edit_problems(NO_EDITS, catalogue=catalogue(), pathway=pathways()["prevention"]) == {}


def test_json_round_trip_and_the_old_template_shape() -> None:
    edits = ProgramEdits(
        removed=frozenset({"leg_swings"}),
        doses={"nordic_curl": Dose(sets=3, reps=(12, 10, 8))},
        added=(TRUNK,),
        order=("trunk_bridges",),
        overrides={"trunk_bridges": "why"},
        pain_limit=3,
        weekly_distance_cap=20.0,
        max_runs=3,
    )
    data = edits_to_dict(edits)
    assert data["doses"] == {"nordic_curl": {"sets": 3, "reps": [12, 10, 8]}}
    assert edits_from_dict(data) == edits
    assert edits_to_dict(NO_EDITS) == {} and edits_from_dict({}) == NO_EDITS and edits_from_dict(None) == NO_EDITS
    assert edits_from_dict({"pain_limit": 4}) == ProgramEdits(pain_limit=4)
    with pytest.raises(EditsFormatError) as raised:
        edits_from_dict({"running_cap": 3, "doses": {"nordic_curl": {"sets": -1}}, "added": [{"exercise": 1}]})
    assert set(raised.value.errors) == {"non_field_errors", "doses.nordic_curl", "added.0"}


def test_the_rules_say_a_fixed_dose_stays_as_the_physio_set_it() -> None:
    plan = plan_for(make_intake())
    decisions = [
        Decision("nordic_curl", "progress", "Up next time: your pain stayed at 2/10"),
        Decision("single_leg_bridge", "progress", "Up next time"),
        Decision(None, "load_hold", "Mornings"),
    ]
    edits = ProgramEdits(doses={"nordic_curl": Dose(sets=2, reps=3)})
    kept = physio_kept(decisions, edits, plan, PlanState())
    assert kept[0].reason == f"{KEPT_BY_PHYSIO} (otherwise: up next time: your pain stayed at 2/10)"
    assert kept[1:] == tuple(decisions[1:])
    # a step back to an easier version is a real change: its reason stays
    regress = Decision("nordic_curl", "regress", "Easier version")
    state = PlanState(exercise_adjustments=(("nordic_curl", ExerciseAdjustment(variant="nordic_curl_band_assisted")),))
    assert physio_kept([regress], edits, plan, state) == (regress,)


# ---------------------------------------------------------------- property: the generator's safety check holds

_SLUGS = sorted(e.slug for e in catalogue().exercises if e.category != "running")
# Half the additions are exercises some stage forbids, so the overrides are really exercised.
_RESTRICTED = sorted(e.slug for e in catalogue().exercises if e.category != "running" and e.contraindications)


@st.composite
def random_edits(draw: st.DrawFn) -> ProgramEdits:
    removed = frozenset(draw(st.lists(st.sampled_from(_SLUGS), max_size=4)))
    fixed = draw(st.lists(st.sampled_from(_SLUGS), max_size=3, unique=True))
    added_slugs = draw(st.lists(st.sampled_from(_SLUGS) | st.sampled_from(_RESTRICTED), max_size=4, unique=True))
    added = tuple(
        AddedExercise(slug, draw(st.sampled_from(ADDABLE_KINDS)), catalogue()[slug].default_dose)
        for slug in added_slugs
    )
    overridden = draw(st.lists(st.sampled_from(added_slugs), unique=True)) if added_slugs else []
    return ProgramEdits(
        removed=removed,
        doses={slug: catalogue()[slug].default_dose for slug in fixed},
        added=added,
        order=tuple(draw(st.permutations(added_slugs))),
        overrides=dict.fromkeys(overridden, "assessed in clinic"),
        weekly_distance_cap=draw(st.none() | st.floats(min_value=1, max_value=60)),
        max_runs=draw(st.none() | st.integers(min_value=0, max_value=7)),
    )


def fresh_strains() -> st.SearchStrategy[Intake]:
    """Early strains with any equipment: plans that go through the stages that forbid exercises."""
    equipment = st.frozensets(st.sampled_from(sorted(ALL_EQUIPMENT)))
    return st.builds(lambda kit: dataclasses.replace(strain(), equipment=kit), equipment)


@settings(max_examples=80, deadline=None)
@given(
    intake=st.one_of(intakes(), clear_intakes(), advisory_intakes(), fresh_strains()),
    edits=random_edits(),
    pathway=st.none()
    | st.sampled_from(sorted(pathways()))
    | st.sampled_from(["acute_strain", "proximal_tendinopathy"]),
)
def test_every_item_of_an_edited_plan_passes_the_generators_safety_check(
    intake: Intake, edits: ProgramEdits, pathway: str | None
) -> None:
    plan = plan_for(intake, edits, weeks=10, pathway=pathway)
    never = frozenset({"red_flag"}) | frozenset(plan.referral.restrictions if plan.referral else ())
    template = pathways()[plan.pathway]
    for phase_slug, _, _, item in items_of(plan, warm_ups=True):
        spec = catalogue()[item.exercise]
        forbidden = template.phase(phase_slug).forbidden_tags
        assert spec.equipment <= intake.equipment, item.exercise
        assert not spec.contraindications & never, item.exercise
        assert not spec.contraindications & forbidden or item.exercise in edits.overrides, (phase_slug, item.exercise)
    for *_, item in items_of(plan):
        assert item.exercise not in edits.removed
        if item.exercise in edits.doses:
            assert item.dose == edits.doses[item.exercise]
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                assert bool(session.warm_up) == (session.kind == "strength"), "a Nordic is never first"
    for week in plan.weeks:
        if edits.weekly_distance_cap is not None:
            assert week.running.target_distance <= edits.weekly_distance_cap + 1e-9
        if edits.max_runs is not None:
            runs = [s for d in week.days for s in d.sessions if s.kind == "run"]
            assert len(runs) <= edits.max_runs


def test_the_weeks_runs_are_set_with_the_caps_not_one_by_one() -> None:
    edits = ProgramEdits(removed=frozenset({"long_run"}), doses={"easy_run": Dose(distance=3.0)})
    problems = edit_problems(edits, catalogue=catalogue(), pathway=pathways()["prevention"])
    assert set(problems) == {"removed", "doses.easy_run"}
    assert all("weekly distance and runs caps" in m for messages in problems.values() for m in messages)
    intake = make_intake()
    plain, edited = plan_for(intake), plan_for(intake, edits)
    runs = [(d, i) for _, d, k, i in items_of(plain) if k == "run"]
    assert runs and runs == [(d, i) for _, d, k, i in items_of(edited) if k == "run"]


def test_no_runs_a_week_leaves_no_run_even_on_a_day_that_had_only_a_run() -> None:
    """Hypothesis found it: a day whose only session was a run kept it, its rest session being one for one."""
    plan = plan_for(make_intake(), weeks=2)
    run = Session("run", (Item("skipping_drill", Dose(sets=4), pain_limit=3, reason="drills"),))
    week = dataclasses.replace(plan.weeks[0], days=(dataclasses.replace(plan.weeks[0].days[0], sessions=(run,)),))
    (day,) = _within_max_runs(week, 0).days
    assert [s.kind for s in day.sessions] == ["rest"]
