"""Pathways as versioned data files: parsing and checking a pathway's YAML, loading the shipped ones."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from exercises.catalogue import CONTRAINDICATION_TAGS, Catalogue, Dose, Frequency, dose_from_dict
from programs.clinical.pathways import (
    DEFAULT_PATHWAYS_DIR,
    ITEM_CONDITIONS,
    Pathway,
    PathwayError,
    PathwayItem,
    Phase,
    PhaseEntry,
    Rule,
)
from programs.clinical.types import SESSION_KINDS, PainLimits

SUPPORTED_VERSIONS: frozenset[int] = frozenset({1})
_RUNNING_MODES = ("build", "walk_jog", "none")
_FREQUENCY_KEYS = {"per_week": "per_week", "every_n_days": "every_n_days", "per_day": "per_day"}


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
