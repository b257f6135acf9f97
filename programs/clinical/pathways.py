"""Rehab pathways as versioned data (`programs/data/pathways/<slug>.yaml`) and the rules that choose one.

A pathway is a list of phases; a phase lists the exercises it prescribes, each with a starting dose, a frequency,
a progression rule and, in order of preference, alternatives for runners without the equipment. Parsing is strict:
a wrong template must fail loudly with the pathway, phase and field named, never reach a runner.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from exercises.catalogue import CONTRAINDICATION_TAGS, Catalogue, Dose, Frequency, dose_from_dict
from programs.clinical.types import SESSION_KINDS, Intake, PainLimits, PlanState, Symptoms

DEFAULT_PATHWAYS_DIR: Path = Path(__file__).resolve().parents[1] / "data" / "pathways"
SUPPORTED_VERSIONS: frozenset[int] = frozenset({1})

RuleKind = Literal["fixed", "linear", "table", "pain_gated"]
RunningMode = Literal["build", "walk_jog", "none"]
_RUNNING_MODES = ("build", "walk_jog", "none")
_FREQUENCY_KEYS = {"per_week": "per_week", "every_n_days": "every_n_days", "per_day": "per_day"}


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
    "injury_prevention": lambda intake: intake.symptoms.previous_hamstring_injury or intake.goal == "prevention",
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


class _Ctx:
    """Where we are in a template, so every error names pathway, phase and field."""

    def __init__(self, pathway: str, phase: str | None = None) -> None:
        self.pathway, self.phase = pathway, phase

    def fail(self, problem: str, field: str | None = None) -> PathwayError:
        return PathwayError(problem, pathway=self.pathway, phase=self.phase, field=field)


def _dose(data: object, ctx: _Ctx, name: str) -> Dose:
    try:
        return dose_from_dict(data)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ctx.fail(str(exc), name) from None


def _int(data: Mapping[str, Any], key: str, ctx: _Ctx, *, minimum: int = 1) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ctx.fail(f"must be a whole number of at least {minimum}, got {value!r}", key)
    return value


def _frequency(data: object, ctx: _Ctx, name: str) -> Frequency:
    if not isinstance(data, Mapping) or len(data) != 1 or next(iter(data)) not in _FREQUENCY_KEYS:
        raise ctx.fail("must be one of {per_week: n}, {every_n_days: n}, {per_day: n}", name)
    kind = next(iter(data))
    value = _int(data, kind, ctx)
    if kind == "per_week" and value > 7:
        raise ctx.fail("per_week is at most 7", name)
    return Frequency(kind=kind, value=value)


def _rule(data: object, ctx: _Ctx, start: Dose) -> Rule:
    if not isinstance(data, Mapping) or data.get("kind") not in ("fixed", "linear", "table", "pain_gated"):
        raise ctx.fail("must be a mapping with kind fixed, linear, table or pain_gated", "rule")
    note = data.get("note")
    if not isinstance(note, str) or not note.strip():
        raise ctx.fail("needs a plain-language note (what it does and its source)", "rule.note")
    every = data.get("every", "week")
    if every not in ("week", "session"):
        raise ctx.fail("every must be week or session", "rule.every")
    kind = data["kind"]
    if kind == "fixed":
        return Rule(kind="fixed", note=note.strip(), ladder=(start,))
    if kind == "linear":
        step = data.get("step")
        if not isinstance(step, Mapping) or not step:
            raise ctx.fail("linear needs step: {field: amount}", "rule.step")
        cap = _dose(data.get("cap"), ctx, "rule.cap")
        for name, amount in step.items():
            if not isinstance(getattr(start, name, None), int) or not isinstance(getattr(cap, name, None), int):
                raise ctx.fail(f"step field {name!r} must be a number in both the dose and the cap", "rule.step")
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                raise ctx.fail(f"step for {name!r} must be a positive whole number", "rule.step")
            if getattr(cap, name) < getattr(start, name):
                raise ctx.fail(f"cap for {name!r} is below the starting dose", "rule.cap")
        return Rule(kind="linear", note=note.strip(), every=every, step=tuple(step.items()), cap=cap, ladder=(start,))
    if kind == "pain_gated":
        rungs = data.get("ladder")
        if not isinstance(rungs, list) or not rungs:
            raise ctx.fail("pain_gated needs a non-empty ladder of doses (the first is the start)", "rule.ladder")
        ladder = tuple(_dose(r, ctx, "rule.ladder") for r in rungs)
        if ladder[0] != start:
            raise ctx.fail("the ladder's first rung must equal the item's dose", "rule.ladder")
        return Rule(kind="pain_gated", note=note.strip(), every=every, ladder=ladder)
    return _table(data, ctx, note.strip(), start)


def _table(data: Mapping[str, Any], ctx: _Ctx, note: str, start: Dose) -> Rule:
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        raise ctx.fail("table needs rows", "rule.rows")
    doses: list[Dose] = []
    per_week: list[int] = []
    notes: list[str] = []
    for row in rows:
        if not isinstance(row, Mapping) or not isinstance(row.get("weeks"), list) or len(row["weeks"]) != 2:
            raise ctx.fail("each row needs weeks: [first, last]", "rule.rows")
        first, last = row["weeks"]
        if first != len(doses) + 1 or not isinstance(last, int) or last < first:
            raise ctx.fail(f"rows must cover consecutive weeks from 1; got {row['weeks']}", "rule.rows")
        dose = _dose(row.get("dose"), ctx, "rule.rows.dose")
        n = _int(row, "per_week", ctx)
        for _ in range(first, last + 1):
            doses.append(dose)
            per_week.append(n)
            notes.append(str(row.get("note", "")).strip())
    if doses[0] != start:
        raise ctx.fail("the first row's dose must equal the item's dose", "rule.rows")
    then = data.get("then")
    if then is not None and not isinstance(then, Mapping):
        raise ctx.fail("then must be a mapping with dose and per_week", "rule.then")
    return Rule(
        kind="table",
        note=note,
        ladder=tuple(doses),
        per_week=tuple(per_week),
        row_notes=tuple(notes),
        then=_dose(then["dose"], ctx, "rule.then.dose") if then else None,
        then_per_week=_int(then, "per_week", ctx) if then else None,
    )


def _item(data: object, ctx: _Ctx, kind: str, parent: PathwayItem | None = None) -> PathwayItem:
    if isinstance(data, str) and parent is not None:
        data = {"exercise": data}
    if not isinstance(data, Mapping) or not isinstance(data.get("exercise"), str):
        raise ctx.fail("an item needs an exercise slug", "items")
    known = {
        "exercise",
        "dose",
        "frequency",
        "rule",
        "priority",
        "why",
        "source",
        "only_if",
        "needs_speed_clearance",
        "alternatives",
    }
    only_if = str(data.get("only_if", "") if parent is None else "")
    if only_if and only_if not in ITEM_CONDITIONS:
        raise ctx.fail(f"only_if must be one of {sorted(ITEM_CONDITIONS)}", f"{data['exercise']}.only_if")
    unknown = sorted(set(data) - known)
    if unknown:
        raise ctx.fail(f"unknown key(s) {unknown} in item {data['exercise']!r}", "items")
    if parent is not None and "dose" not in data:
        dose, rule = parent.dose, parent.rule  # same dose and rule: only the exercise changes
    else:
        dose = _dose(data.get("dose"), ctx, f"{data['exercise']}.dose")
        rule = _rule(data.get("rule", {"kind": "fixed", "note": "dose stays the same"}), ctx, dose)
    item = PathwayItem(
        exercise=data["exercise"],
        kind=kind,
        dose=dose,
        frequency=_frequency(data["frequency"], ctx, "frequency")
        if "frequency" in data or parent is None
        else parent.frequency,
        rule=rule,
        priority=_int(data, "priority", ctx) if "priority" in data or parent is None else parent.priority,
        # A bare alternative slug does not inherit the parent's "why" (it names the parent's exercise); the
        # generator then names the alternative from the catalogue.
        why=_plain(str(data.get("why", "")).strip(), ctx, f"{data['exercise']}.why"),
        # An alternative with the parent's dose and rule stands in for the same reason, from the same sources.
        source=parent.source
        if parent is not None and "dose" not in data and "source" not in data
        else _source(str(data.get("source", "")).strip(), rule),
        only_if=only_if,
        needs_speed_clearance=bool(data.get("needs_speed_clearance", parent.needs_speed_clearance if parent else 0)),
    )
    if parent is None:
        alts = data.get("alternatives", [])
        if not isinstance(alts, list):
            raise ctx.fail("alternatives must be a list", f"{item.exercise}.alternatives")
        item = PathwayItem(**{**item.__dict__, "alternatives": tuple(_item(a, ctx, kind, item) for a in alts)})
    return item


# What a runner must never read in a reason: citations, seed and stage codes, house labels (they go to `source`).
_SOURCE_MARKERS = re.compile(
    r"\b(seeds? \d+|PMC\d+|Aspetar|Heiderscheit|Petersen|Goom|Silbernagel|Tyler|Hartmann|Del Monte|house|unconfirmed|"
    r"(19|20)\d\d)\b|\.com|docs/",
    re.IGNORECASE,
)


def _plain(text: str, ctx: _Ctx, field: str) -> str:
    found = _SOURCE_MARKERS.search(text)
    if found:
        raise ctx.fail(f"runner-facing text names a source ({found.group(0)!r}); move it to `source`", field)
    return text


def _source(own: str, rule: Rule) -> str:
    """The item's own source, then its rule's note (what the dose rule does and where it comes from)."""
    parts = [own, rule.note, *dict.fromkeys(n for n in rule.row_notes if n)]
    return "; ".join(p for p in parts if p)


def _entry(data: object, ctx: _Ctx) -> PhaseEntry | None:
    if data is None:
        return None
    known = {"max_pain_walking", "max_pain_running", "min_days_since_onset", "note"}
    if not isinstance(data, Mapping) or set(data) - known or not str(data.get("note", "")).strip():
        raise ctx.fail(f"entry takes {sorted(known)}, with a note saying where the criteria come from", "entry")
    values = {key: _int(data, key, ctx, minimum=0) for key in known - {"note"} if key in data}
    return PhaseEntry(**values)


def _phase(data: object, ctx: _Ctx) -> Phase:
    if not isinstance(data, Mapping) or not isinstance(data.get("slug"), str):
        raise ctx.fail("each phase needs a slug", "phases")
    ctx = _Ctx(ctx.pathway, data["slug"])
    running = data.get("running", "build")
    if running not in _RUNNING_MODES:
        raise ctx.fail(f"running must be one of {_RUNNING_MODES}", "running")
    tags = data.get("forbidden_tags", []) or []
    if not isinstance(tags, list) or any(t not in CONTRAINDICATION_TAGS for t in tags):
        raise ctx.fail(f"unknown tag in {tags!r}; known: {CONTRAINDICATION_TAGS}", "forbidden_tags")
    criteria = data.get("exit_criteria", []) or []
    if not isinstance(criteria, list) or not all(isinstance(q, str) and q.strip() for q in criteria):
        raise ctx.fail("must be a list of plain yes/no questions", "exit_criteria")
    items: list[PathwayItem] = []
    sessions = data.get("sessions")
    if not isinstance(sessions, list) or not sessions:
        raise ctx.fail("a phase needs at least one session", "sessions")
    for session in sessions:
        if not isinstance(session, Mapping) or session.get("kind") not in SESSION_KINDS:
            raise ctx.fail(f"session kind must be one of {SESSION_KINDS}", "sessions.kind")
        for raw in session.get("items") or []:
            items.append(_item(raw, ctx, session["kind"]))
    return Phase(
        entry=_entry(data.get("entry"), ctx),
        slug=data["slug"],
        name=str(data.get("name", data["slug"])),
        weeks=_int(data, "weeks", ctx),
        running=running,
        speed_work=bool(data.get("speed_work", False)),
        forbidden_tags=frozenset(tags),
        exit_criteria=tuple(q.strip() for q in criteria),
        items=tuple(items),
    )


def parse_pathway(data: object, *, name: str = "?") -> Pathway:
    """Validate one template's plain data and build a `Pathway`; raises `PathwayError` on the first problem."""
    ctx = _Ctx(data.get("slug", name) if isinstance(data, Mapping) else name)
    if not isinstance(data, Mapping):
        raise ctx.fail("the file must be a mapping")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise ctx.fail(f"unsupported version {data.get('version')!r}", "version")
    source = data.get("source")
    if not isinstance(source, list) or not source:
        raise ctx.fail("cite at least one source", "source")
    limits = data.get("pain_limits")
    if not isinstance(limits, Mapping):
        raise ctx.fail("needs pain_limits: {during, after, morning_must_settle, zone_ok_max}", "pain_limits")
    try:
        pain = PainLimits(**{k: v for k, v in limits.items() if k != "source"})
    except TypeError as exc:
        raise ctx.fail(str(exc), "pain_limits") from None
    if not 0 <= pain.zone_ok_max <= pain.during <= 10 or not 0 <= pain.after <= 10:
        raise ctx.fail("need 0 <= zone_ok_max <= during <= 10 and 0 <= after <= 10", "pain_limits")
    phases = tuple(_phase(p, ctx) for p in data.get("phases") or [])
    if not phases:
        raise ctx.fail("needs at least one phase", "phases")
    if len({p.slug for p in phases}) != len(phases):
        raise ctx.fail("phase slugs must be unique", "phases")
    return Pathway(
        slug=ctx.pathway,
        name=str(data.get("name", ctx.pathway)),
        version=data["version"],
        summary=str(data.get("summary", "")).strip(),
        source=tuple(str(s) for s in source),
        pain_limits=pain,
        phases=phases,
    )


def _read_sources(directory: Path) -> dict[str, Any]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.yaml"))}


def _load(directory: Path) -> dict[str, Pathway]:
    pathways: dict[str, Pathway] = {}
    for stem, data in _read_sources(directory).items():
        pathway = parse_pathway(data, name=stem)
        if pathway.slug != stem:
            raise PathwayError(f"file name {stem}.yaml does not match the slug", pathway=pathway.slug, field="slug")
        pathways[pathway.slug] = pathway
    return pathways


@functools.cache
def _load_default() -> dict[str, Pathway]:
    return _load(DEFAULT_PATHWAYS_DIR)


@functools.cache
def _default_sources() -> dict[str, Any]:
    _load_default()  # the files must parse before their plain data is stored anywhere
    return _read_sources(DEFAULT_PATHWAYS_DIR)


def load_pathways(directory: Path = DEFAULT_PATHWAYS_DIR) -> dict[str, Pathway]:
    """All pathway templates in `directory`, by slug. The default directory is parsed once per process."""
    if Path(directory) == DEFAULT_PATHWAYS_DIR:
        return dict(_load_default())
    return _load(Path(directory))


def pathway_source(slug: str) -> Mapping[str, Any]:
    """The plain data of one shipped template, as `parse_pathway` reads it (what a PathwayVersion stores)."""
    return _default_sources()[slug]


def catalogue_problems(pathway: Pathway, catalogue: Catalogue) -> list[str]:
    """Cross-checks against the catalogue: unknown slugs, and exercises listed in a phase that forbids their tags."""
    problems: list[str] = []
    for phase in pathway.phases:
        for item in phase.items:
            for candidate in (item, *item.alternatives):
                spec = catalogue.by_slug.get(candidate.exercise)
                where = f"{pathway.slug}/{phase.slug}/{candidate.exercise}"
                if spec is None:
                    problems.append(f"{where}: not in the catalogue")
                elif spec.contraindications & phase.forbidden_tags:
                    problems.append(f"{where}: tagged {sorted(spec.contraindications & phase.forbidden_tags)}")
    return problems


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
