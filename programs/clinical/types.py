"""Frozen value types of the clinical core (docs/design.md §3). The generator and the rules take and return these.

Nothing here touches the database or the clock: dates arrive as arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from exercises.catalogue import Dose

Units = Literal["km", "mi"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RACE_DISTANCES: tuple[str, ...] = ("5k", "10k", "half", "marathon", "other")
SIDES: tuple[str, ...] = ("left", "right", "both", "none")
ONSETS: tuple[str, ...] = ("none", "gradual", "sudden")
LOCATIONS: tuple[str, ...] = ("mid_thigh", "sit_bone", "behind_knee", "radiating")
WORSE_WHEN: tuple[str, ...] = ("long_runs", "after_races", "speed_work", "sitting", "mornings")
GOALS: tuple[str, ...] = ("pain_relief", "return_to_running", "prevention", "race")
SESSION_KINDS: tuple[str, ...] = ("strength", "mobility", "run", "cross_training", "rest")
REHAB_KINDS = frozenset({"strength", "mobility", "cross_training"})  # sessions that fit the runner's minutes
URGENCIES: tuple[str, ...] = ("emergency", "urgent", "soon")
# The intake's red-flag questions (docs/clinical-sources.md §9.3); screening.py decides what each one means. They can
# be answered again at any day log, not only at intake.
RED_FLAGS: tuple[str, ...] = (
    "felt_pop",
    "bruising",
    "swelling",
    "spreading_bruising_or_swelling",
    "unable_to_walk_normally",
    "numbness_or_tingling",
    "saddle_numbness",
    "night_pain",
    "bladder_or_bowel_change",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "history_of_cancer",
)


# ---------------------------------------------------------------- intake


@dataclass(frozen=True)
class GoalRace:
    date: dt.date
    distance: str


@dataclass(frozen=True)
class Running:
    weekly_distance: float  # in the intake's units
    runs_per_week: int
    longest_run: float
    months_running: int
    races_per_year: int
    does_speed_work: bool
    goal_race: GoalRace | None = None
    keep_walk_run: bool = False  # a walker-runner who wants to keep walk–run intervals rather than build to running


@dataclass(frozen=True)
class Symptoms:
    side: str = "none"
    onset: str = "none"
    days_since_onset: int = 0
    pain_at_rest: int = 0
    pain_walking: int = 0
    pain_running: int = 0
    location: str | None = None
    worse_when: frozenset[str] = frozenset()
    felt_pop: bool = False
    bruising: bool = False
    swelling: bool = False
    unable_to_walk_normally: bool = False
    numbness_or_tingling: bool = False
    night_pain: bool = False
    bladder_or_bowel_change: bool = False
    fever_or_unwell: bool = False
    spreading_bruising_or_swelling: bool = False
    saddle_numbness: bool = False
    unexplained_weight_loss: bool = False
    history_of_cancer: bool = False
    not_improving: bool = False  # the pain has stayed the same or got worse over the last weeks
    previous_hamstring_injury: bool = False
    previous_strains: int = 0  # how many earlier hamstring strains (0 when none or not asked)

    @property
    def symptomatic(self) -> bool:
        return self.side != "none" or max(self.pain_at_rest, self.pain_walking, self.pain_running) > 0


@dataclass(frozen=True)
class Intake:
    age: int
    sex: str
    units: Units
    running: Running
    symptoms: Symptoms
    equipment: frozenset[str]
    available_days: tuple[str, ...]  # subset of WEEKDAYS, in week order
    minutes_per_session: int
    goal: str


# ---------------------------------------------------------------- plan


@dataclass(frozen=True)
class Referral:
    """What screening found (docs/design.md §5). `stops_plan`: the stop tier (no exercises until a clinician clears the
    runner); otherwise an advisory shown beside an active plan, which leaves out the exercises tagged with
    `restrictions` and, with `protect_only`, keeps the runner in the pathway's first stage until cleared."""

    urgency: str  # one of URGENCIES
    message: str  # plain language: what we noticed, whom to see, how soon
    reasons: tuple[str, ...] = ()
    stops_plan: bool = True
    restrictions: tuple[str, ...] = ()  # contraindication tags left out until a clinician clears the runner
    protect_only: bool = False
    no_running: bool = False  # a finding that rules out running (a pop, new bruising) until a clinician clears it


@dataclass(frozen=True)
class Item:
    """One exercise on one day. `dose` holds only the fields the exercise's dosing uses."""

    exercise: str
    dose: Dose
    pain_limit: int
    reason: str
    times_per_day: int = 1
    # Not part of the JSON contract: where this dose sits on its progression (0 = starting dose), after and
    # before the rules' adjustments; the pathway exercise whose place it fills (the rules' adjustments are keyed
    # by it); and the exercise it stands in for (an easier variant, or an alternative for missing equipment).
    # The rules read them to hold or step back from the right place.
    step: int = 0
    scheduled_step: int = 0
    slot: str = ""
    replaces: str | None = None
    # Part of the JSON contract: where the exercise and its dose come from, for physios and a "why?" detail.
    source: str = ""


@dataclass(frozen=True)
class Session:
    kind: str  # one of SESSION_KINDS
    items: tuple[Item, ...] = ()
    # A strength session opens with its warm-up (never part of `items`: it does not progress and is not logged).
    warm_up: tuple[Item, ...] = ()
    # Non-run sessions: minutes the session takes, both legs of one-leg exercises, rests and the warm-up included.
    estimated_minutes: int | None = None


@dataclass(frozen=True)
class Day:
    date: dt.date
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class RunningTarget:
    target_distance: float  # in the runner's units, rounded to 0.1
    unit: Units
    max_runs: int
    rest_days: int  # days without running this week
    speed_work_allowed: bool
    reason: str
    source: str = ""  # where the week's rule comes from: for physios and a "why?" detail
    # Not part of the JSON contract: the ramp level this week returns to after a dip (lighter week, taper, race
    # recovery); the weekly step and two-week limit apply to new levels only. Not stored; not compared.
    level: float = field(default=0.0, compare=False)
    # Not part of the JSON contract: the week's runs are walk–run, with these intervals in plain words ("2 min running,
    # 3 min walking"); empty for continuous runs. The run items' reasons carry it.
    walk_run: str = field(default="", compare=False)


@dataclass(frozen=True)
class Week:
    number: int  # 1-based
    phase: str  # phase slug of the pathway
    running: RunningTarget
    days: tuple[Day, ...]


@dataclass(frozen=True)
class PainLimits:
    """Per-program pain thresholds (docs/design.md §5, docs/clinical-sources.md §5). Physio-editable.

    during/after: highest acceptable 0-10 pain; morning_must_settle: next-morning pain may not exceed
    the previous morning's (Silbernagel 2007); zone_ok_max: top of the "safe" zone (0-3, bim.physio).
    """

    during: int
    after: int
    morning_must_settle: bool = True
    zone_ok_max: int = 3


@dataclass(frozen=True)
class Plan:
    status: Literal["active", "needs_clinician"]
    referral: Referral | None
    pathway: str | None
    pathway_reason: str
    pain_limits: PainLimits | None
    start: dt.date
    weeks: tuple[Week, ...]


# ---------------------------------------------------------------- what was done (input to the rules)


@dataclass(frozen=True)
class ExerciseLog:
    """One logged exercise occurrence; pain on the 0-10 scale."""

    date: dt.date
    exercise: str
    completed_as_prescribed: bool
    pain_during: int | None = None
    pain_after: int | None = None
    slot: str | None = None  # the prescription's slot; None when only the exercise is known (then inferred)


@dataclass(frozen=True)
class DayLog:
    """What the runner reports about a day: next-morning pain/stiffness, a flare, tightness after running."""

    date: dt.date
    next_morning_pain: int | None = None
    stiffness: int | None = None
    flare: bool = False
    tightness_after_running: bool | None = None
    ran_distance: float | None = None
    run_pain: int | None = None  # pain during that day's run, 0-10
    red_flags: frozenset[str] = frozenset()  # red-flag questions (RED_FLAGS) answered yes that day
    pain_free_check: bool | None = None  # paused exercises tried gently that day: True = no pain


@dataclass(frozen=True)
class ExerciseAdjustment:
    """How far an exercise sits behind its scheduled progression, and a substituted variant if regressed to one."""

    steps_back: int = 0
    variant: str | None = None
    hold: bool = False
    reason: str = ""
    # ISO dates (strings, so the JSON state round-trips through dataclasses.asdict): the adjustment applies to
    # sessions on or after `since` (None: the whole plan); logs up to `reviewed_through` have been applied.
    since: str | None = None
    reviewed_through: str | None = None
    held_at: int | None = None  # while `hold`: the step the exercise stays at (0 = starting dose)
    paused: bool = False  # severe pain: left out from `since` until a pain-free check
    reduced: bool = False  # stepped back at its easiest dose with no easier version the runner can do: less of it


@dataclass(frozen=True)
class PlanState:
    """Everything the rules have decided so far; the generator reproduces a plan from intake + state.

    - exercise_adjustments: per exercise slug as scheduled from the pathway (the item, or the equipment
      alternative chosen for this runner); a regression to an easier variant is recorded on it as `variant`.
    - phase_extra_weeks: stage_gate phases held because their exit criteria were not met in time.
    - criteria_met: phase slugs whose exit checklist was answered all yes.
    - speed_work_cleared: tightness after running has subsided in the pain log (docs/clinical-sources.md §11, seed 004).
    - running_hold_weeks: weeks the running target has been held back after pain, counted from
      running_hold_since (ISO date; None = from the plan's second week), for running_hold_reason.
    - days_reviewed_through: day logs (flares, tightness) up to this ISO date have been applied.
    - clinician_cleared: a physio assessed the runner's red flags and cleared them (docs/design.md §5); the
      generator then builds the pathway's plan instead of stopping at the referral. A red flag reported later
      re-opens it.
    - load_hold_since / load_hold_reason: next-morning pain above the limit or rising: no exercise steps up and the
      running target does not rise from that ISO date until mornings settle.
    - speed_hold_until: no speed work in weeks that start before this ISO date (severe pain, painful runs).
    - reported_flags: red-flag questions answered yes after the intake; screened together with the intake's.
    - recheck_red_flags: ask the red-flag questions again at the next day log (after severe pain).
    - advisories: reasons the rules found for a clinician review (the plan goes on); shown with the referral.
    - attention: what a linked physio should look at (severe pain, a red flag reported later).
    - missed_reviewed_through: planned sessions up to this ISO date have been checked for a missing log.
    - swaps: the runner's own choices among a pathway item's listed alternatives, as (the item's exercise, the
      chosen exercise); the generator schedules the choice wherever the item appears and the runner can do it.
    - run_pause_from / run_pause_until / run_pause_reason: no runs on days from `run_pause_from` up to (not including)
      `run_pause_until` (ISO dates; severe pain in a run or a severe morning): a walk or cross-training instead.
    - running_cut_from / running_cut_to / running_cut_reason: the plan week containing `running_cut_from` runs at
      most `running_cut_to` (runner's units); later weeks build from there by the weekly step (severe run pain,
      a week or more without logged runs).
    - reviewed_days: "ISO date=fingerprint" of the recent day logs the rules have read, so a day log changed after it
      was read (a morning check after the day's run was logged) is read again.
    """

    exercise_adjustments: tuple[tuple[str, ExerciseAdjustment], ...] = ()
    phase_extra_weeks: tuple[tuple[str, int], ...] = ()
    criteria_met: frozenset[str] = frozenset()
    speed_work_cleared: bool = False
    running_hold_weeks: int = 0
    running_hold_since: str | None = None
    running_hold_reason: str = ""
    days_reviewed_through: str | None = None
    clinician_cleared: bool = False
    load_hold_since: str | None = None
    load_hold_reason: str = ""
    speed_hold_until: str | None = None
    reported_flags: frozenset[str] = frozenset()
    recheck_red_flags: bool = False
    advisories: tuple[str, ...] = ()
    attention: tuple[str, ...] = ()
    missed_reviewed_through: str | None = None
    swaps: tuple[tuple[str, str], ...] = ()
    run_pause_from: str | None = None
    run_pause_until: str | None = None
    run_pause_reason: str = ""
    running_cut_from: str | None = None
    running_cut_to: float | None = None
    running_cut_reason: str = ""
    reviewed_days: tuple[str, ...] = ()
    adjustments: dict[str, ExerciseAdjustment] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "adjustments", dict(self.exercise_adjustments))


INITIAL_STATE = PlanState()  # before any rule has run
