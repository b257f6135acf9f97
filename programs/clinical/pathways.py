"""Rehab pathways as versioned data (`programs/data/pathways/<slug>.yaml`) and the rules that choose one.

A pathway is a list of phases; a phase lists the exercises it prescribes, each with a starting dose, a frequency,
a progression rule and, in order of preference, alternatives for runners without the equipment. Parsing is strict:
a wrong template must fail loudly with the pathway, phase and field named, never reach a runner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from exercises.catalogue import Dose, Frequency
from programs.clinical.types import Intake, PainLimits, PlanState, Symptoms

DEFAULT_PATHWAYS_DIR: Path = Path(__file__).resolve().parents[1] / "data" / "pathways"

RuleKind = Literal["fixed", "linear", "table", "pain_gated"]
RunningMode = Literal["build", "walk_jog", "none"]


class PathwayError(ValueError):
    """A pathway template is wrong. The message names the pathway, the phase and the field."""

    def __init__(self, problem: str, *, pathway: str, phase: str | None = None, field: str | None = None) -> None:
        where = [f"pathway {pathway!r}"]
        if phase is not None:
            where.append(f"phase {phase!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


@dataclass(frozen=True)
class Rule:
    """How a dose moves on. `position` 0 is the starting dose; a position is one week or one session (`every`).

    - fixed: the dose never changes (Askling doses, mobility).
    - linear: `step` added per week or session up to `cap` ("+2 laps: weekly step, up to 20", seed 002).
    - table: an explicit dose and sessions-per-week for each week, then `then` (Petersen 2011, docs/clinical-sources.md §2.2).
    - pain_gated: a ladder of doses; the projection climbs one rung per week or session and the pain rules in
      `programs.clinical.rules.evaluate` hold or step it back (Silbernagel 2007; Aspetar; docs/clinical-sources.md §5).
    """

    kind: RuleKind
    note: str
    every: Literal["week", "session"] = "week"
    step: tuple[tuple[str, int], ...] = ()
    cap: Dose | None = None
    ladder: tuple[Dose, ...] = ()  # pain_gated rungs, or table doses per week
    per_week: tuple[int, ...] = ()  # table: sessions per week, aligned with `ladder`
    row_notes: tuple[str, ...] = ()  # table: what each week's row says (e.g. a range's lower bound)
    then: Dose | None = None  # table: the dose after the last row (maintenance)
    then_per_week: int | None = None


@dataclass(frozen=True)
class PathwayItem:
    exercise: str
    kind: str  # session kind
    dose: Dose
    frequency: Frequency
    rule: Rule
    priority: int  # 1 = keep first when time is short
    why: str = ""  # plain words for the runner; checked by `_plain`
    needs_speed_clearance: bool = False  # strides and sprints: only once speed work is cleared
    alternatives: tuple[PathwayItem, ...] = ()
    source: str = ""  # where the exercise and its dose come from: for physios and the "why?" detail
    only_if: str = ""  # one of ITEM_CONDITIONS: the item is prescribed only to runners it applies to


# Items some runners get and others do not (`only_if`), decided from the intake. injury_prevention: a previous
# hamstring injury (the largest risk factor, docs/clinical-sources.md §13) or prevention as the runner's goal.
ITEM_CONDITIONS: dict[str, Callable[[Intake], bool]] = {
    "injury_prevention": lambda intake: (
        intake.symptoms.previous_hamstring_injury
        or intake.symptoms.previous_strains >= 1
        or intake.goal == "prevention"
    ),
}


@dataclass(frozen=True)
class PhaseEntry:
    """What the intake must show for a plan to start at this phase instead of an earlier one (all must hold).

    A strain weeks old that no longer hurts when walking should not restart at the protect stage."""

    max_pain_walking: int | None = None
    max_pain_running: int | None = None
    min_days_since_onset: int | None = None

    def met_by(self, symptoms: Symptoms) -> bool:
        return (
            (self.max_pain_walking is None or symptoms.pain_walking <= self.max_pain_walking)
            and (self.max_pain_running is None or symptoms.pain_running <= self.max_pain_running)
            and (self.min_days_since_onset is None or symptoms.days_since_onset >= self.min_days_since_onset)
            and not symptoms.unable_to_walk_normally
        )


@dataclass(frozen=True)
class Phase:
    slug: str
    name: str
    weeks: int  # planned (minimum) length
    running: RunningMode
    speed_work: bool
    forbidden_tags: frozenset[str]
    exit_criteria: tuple[str, ...]
    items: tuple[PathwayItem, ...]
    entry: PhaseEntry | None = None  # None: a plan never starts here (except the first phase)


@dataclass(frozen=True)
class Pathway:
    slug: str
    name: str
    version: int
    summary: str
    source: tuple[str, ...]
    pain_limits: PainLimits
    phases: tuple[Phase, ...]
    base_of: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)
    progressing: frozenset[str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Logs name what was done (maybe an alternative); the rules key adjustments by the item's own exercise.
        base_of: dict[str, str] = {}
        for phase in self.phases:
            for item in phase.items:
                base_of[item.exercise] = item.exercise
        for phase in self.phases:
            for item in phase.items:
                for alt in item.alternatives:
                    base_of.setdefault(alt.exercise, item.exercise)
        object.__setattr__(self, "base_of", base_of)
        # Slots whose dose moves on somewhere in the pathway: a missed session holds them.
        progressing = {
            candidate.exercise
            for phase in self.phases
            for item in phase.items
            for candidate in (item, *item.alternatives)
            if candidate.rule.kind != "fixed"
        }
        object.__setattr__(self, "progressing", frozenset(progressing))

    def phase(self, slug: str) -> Phase:
        return next(p for p in self.phases if p.slug == slug)


@dataclass(frozen=True)
class WeekSlot:
    """Which phase a plan week belongs to, and whether it is an extension of a stage-gated phase."""

    phase: Phase
    week_in_phase: int  # 0-based
    extension: int  # 0 = planned week; n = n-th extra week because the exit checklist was not all yes
    gated_next: bool  # the following phase starts only when this phase's checklist is all yes
    held_for_clearance: bool = False  # kept in the first stage until a clinician has checked a red flag


def entry_phase(pathway: Pathway, symptoms: Symptoms) -> int:
    """The index of the phase a plan starts at: the furthest phase whose entry criteria the runner already meets,
    every phase before it included (docs/clinical-sources.md §6.1: stages end on criteria, not on the calendar)."""
    first = 0
    for index, phase in enumerate(pathway.phases[1:], start=1):
        if phase.entry is None or not phase.entry.met_by(symptoms):
            break
        first = index
    return first


def phase_slots(
    pathway: Pathway, weeks: int, state: PlanState, *, first: int = 0, protect_only: bool = False
) -> tuple[WeekSlot, ...]:
    """The phase of every plan week, from phase `first` on. A stage-gated phase is longer by its extra weeks
    (PlanState.phase_extra_weeks); the last phase runs on to the end of the plan (e.g. Petersen maintenance). With
    `protect_only` (an advisory that a clinician has not cleared yet) every week stays in the first phase."""
    phases = pathway.phases[first:]
    if protect_only:
        return tuple(WeekSlot(phases[0], k, 0, True, held_for_clearance=True) for k in range(weeks))
    extra = dict(state.phase_extra_weeks)
    slots: list[WeekSlot] = []
    for i, phase in enumerate(phases):
        last = i == len(phases) - 1
        length = weeks if last else phase.weeks + extra.get(phase.slug, 0)
        gated = bool(phase.exit_criteria) and not last and phase.slug not in state.criteria_met
        for k in range(min(length, weeks - len(slots))):
            slots.append(WeekSlot(phase, k, 0 if last else max(0, k - phase.weeks + 1), gated))
        if len(slots) >= weeks:
            break
    return tuple(slots)


# ---------------------------------------------------------------- parsing


# ---------------------------------------------------------------- choosing a pathway


def choose_pathway(intake: Intake) -> tuple[str, str]:
    """Pick the pathway by explicit rules, first match wins, and say why in plain language.

    Red flags are screened separately and first (`programs.clinical.screening`); these rules assume none were reported.
    1. Sudden onset → acute_strain (criteria-based stages, Aspetar/Heiderscheit, docs/clinical-sources.md §6.1, §4.1).
    2. Pain at the sit bone or worse when sitting → proximal_tendinopathy (Goom 2016, docs/clinical-sources.md §8).
    3. Sore after races → post_race_stabilisers (seed 002, docs/clinical-sources.md §11).
    4. Any other ache → overuse_ache (seed 000/004: capped load, strength, cross-training).
    5. No symptoms → prevention (Petersen 2011 Nordic programme, docs/clinical-sources.md §2.2).
    """
    slug, why = _choose(intake)
    return slug, f"{why} {AGE_50_NOTE}" if intake.age >= 50 else why


def physio_choice_reason(pathway: Pathway, intake: Intake) -> str:
    """Why the plan follows this pathway when a physio chose it in place of the one `choose_pathway` picks: their
    decision, in plain words (the pathway's name, never its slug)."""
    why = f"Your physio chose this program for you: {pathway.name[:1].lower()}{pathway.name[1:]}."
    return f"{why} {AGE_50_NOTE}" if intake.age >= 50 else why


# Seed 002 (docs/clinical-sources.md §11): machine strength work for pelvis, core, quads and hamstrings, and a
# bone-density note, for a 55-year-old runner.
AGE_50_NOTE = (
    "From 50 on, strength work on gym machines for the hips, trunk, thighs and hamstrings is worth keeping up all "
    "year, and it helps keep bones strong too (worth asking your doctor about bone health, especially around the "
    "menopause)."
)


def _choose(intake: Intake) -> tuple[str, str]:
    s = intake.symptoms
    if s.symptomatic and s.onset == "sudden":
        return "acute_strain", (
            "Your pain started suddenly, so this plan treats it as a mild hamstring strain: stages you move "
            "through when a short checklist is all yes. It is not a diagnosis; see a physio to confirm."
        )
    if s.symptomatic and (s.location == "sit_bone" or "sitting" in s.worse_when):
        return "proximal_tendinopathy", (
            "Your pain is at the sit bone or worse when sitting, which fits an irritated hamstring tendon near "
            "the hip: loading starts without deep hip bending and builds slowly. Not a diagnosis; see a physio."
        )
    if s.symptomatic and "after_races" in s.worse_when:
        return "post_race_stabilisers", (
            "Your hamstrings are sore after races, which often goes with weak hip and trunk stabilisers: this "
            "plan strengthens them and adds pool and bike cross-training."
        )
    if s.symptomatic:
        return "overuse_ache", (
            "Your ache came on gradually with running, so this plan caps your running for a while and builds "
            "hamstring and hip strength alongside cross-training."
        )
    return "prevention", (
        "You have no hamstring pain now, so this is a prevention plan: the 10-week Nordic programme that roughly "
        "halved hamstring injuries in trials, plus hip strength."
    )
