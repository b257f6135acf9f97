"""A plan on paper: the printable program (how to do each exercise once, then a page a week: its days in one table
with the pain log to fill in by hand, and each exercise with its doses) and the same page as a PDF drawn by
WeasyPrint.

`printed_program` is pure: it takes the stored plan as the read model returns it and gives back plain rows in the
runner's words (no slugs, field names or sources). `plan_print_context` does the one read, `plan_pdf` renders it, so
the view, a Celery task or the API can all produce the same paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

from accounts.care import display_name
from exercises.catalogue import Catalogue, Dose, ExerciseSpec, dose_from_dict
from programs.choices import PlanStatus
from programs.clinical.dosing import describe
from programs.clinical.state_json import pain_limits_from_dict
from programs.models import Plan
from programs.selectors import plans as selectors
from programs.selectors.plans import ItemRow, SessionRow, StoredPlan
from programs.selectors.units import runner_distances, sessions_shown
from programs.selectors.versions import pathway_of
from programs.templatetags.plans import run_names, session_label

if TYPE_CHECKING:
    from weasyprint import Document  # type: ignore[import-untyped]  # WeasyPrint ships no type hints

PRINT_TEMPLATE = "programs/print.html"
PRINT_STYLESHEET = "css/print.css"


# ---------------------------------------------------------------- what goes on paper


def _day_names(days: tuple[dt.date, ...]) -> str:
    return ", ".join(day.strftime("%a") for day in days)


@dataclass(frozen=True)
class PrintedDose:
    text: str  # "3 × 10 each leg", "4.7 km"
    days: tuple[dt.date, ...]
    warm_up: bool  # done as the warm-up before a strength session


@dataclass(frozen=True)
class PrintedExercise:
    name: str
    doses: tuple[PrintedDose, ...]  # each different dose of the week once, with the days it is planned
    times_per_day: int
    pain_limit: int
    cues: tuple[str, ...]
    slug: str = ""  # picks its drawing (start and end positions); never printed

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(sorted({day for dose in self.doses for day in dose.days}))

    @property
    def schedule(self) -> str:
        """What to do and when, from what the week really holds: '3 × 10 each leg on 2 days (Mon, Thu)'."""
        count = len(self.days)
        how_often = "1 day this week" if count == 1 else f"{count} days this week"
        per_day = f", {self.times_per_day} times each day" if self.times_per_day > 1 else ""
        if len(self.doses) == 1:
            dose = self.doses[0]
            warm_up = " as a warm-up" if dose.warm_up else ""
            return f"{dose.text}{warm_up} on {how_often} ({_day_names(dose.days)}){per_day}"
        parts = [
            f"{dose.text}{' as a warm-up' if dose.warm_up else ''} on {_day_names(dose.days)}" for dose in self.doses
        ]
        return f"{'; '.join(parts)} ({how_often}){per_day}"


@dataclass(frozen=True)
class PrintedDay:
    date: dt.date
    sessions: tuple[str, ...]  # "Strength, about 24 min: warm-up, then Single-leg bridge, …", "Easy run 4.7 km"

    @property
    def trains(self) -> bool:
        return bool(self.sessions)


@dataclass(frozen=True)
class PrintedWeek:
    number: int
    phase: str
    first: dt.date
    last: dt.date
    running: str
    running_reason: str
    days: tuple[PrintedDay, ...]
    exercises: tuple[PrintedExercise, ...]

    @property
    def log_days(self) -> tuple[PrintedDay, ...]:
        """The pain-log table's rows: the days with something to do."""
        return tuple(day for day in self.days if day.trains)

    @property
    def rest_days(self) -> tuple[PrintedDay, ...]:
        return tuple(day for day in self.days if not day.trains)


@dataclass(frozen=True)
class PrintedProgram:
    runner_name: str
    program: str
    start: dt.date
    end: dt.date
    needs_clinician: bool
    referral: Mapping[str, Any] | None
    about: str  # why this program: the pathway's reason, in the runner's words
    pain_rules: tuple[str, ...]
    weeks: tuple[PrintedWeek, ...]

    @property
    def guide(self) -> tuple[PrintedExercise, ...]:
        """Each exercise of the plan once, in the order it first comes, for the "how to do each exercise" pages: the
        cues are printed there once, so a week's own page holds its days, doses and pain log."""
        seen: dict[str, PrintedExercise] = {}
        for week in self.weeks:
            for exercise in week.exercises:
                seen.setdefault(exercise.name, exercise)
        return tuple(seen.values())


def dose_text(dose: Dose, spec: ExerciseSpec | None, unit: str) -> str:
    """'3 × 12', '4 × 20 s each leg', '5 km': a dose in words, a run's distance in `unit`."""
    text = describe(dose, spec is not None and spec.per_side)
    return f"{text} {unit}" if dose.distance else text


def _sentence(text: str) -> str:
    """Stored reasons are written as clauses for the app's lines; on paper they follow a sentence, so they end
    like one."""
    text = text.strip()
    return f"{text}." if text and text[-1] not in ".!?" else text


def _running_line(target: float, unit: str, max_runs: int, speed_work_allowed: bool) -> str:
    if not target:
        return "No running this week."
    runs = "1 run" if max_runs == 1 else f"{max_runs} runs"
    speed = "" if speed_work_allowed else ", no speed work"
    return f"Running up to {target:g} {unit} in at most {runs}{speed}."


def _session_line(session: SessionRow, unit: str) -> str:
    if session.kind == "run":
        return ", ".join(run_names(session, unit))
    heading = session_label(session.kind)
    if session.estimated_minutes:
        heading += f", about {session.estimated_minutes} min"
    names = [item.spec.name for item in session.items if item.spec is not None]
    if session.warm_up:
        names.insert(0, "warm-up")
    return f"{heading}: {', '.join(names)}" if names else heading


class _Exercises:
    """Gathers a week's exercises: each once, with every dose it has that week and the days of each."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}

    def add(
        self, *, spec: ExerciseSpec, dose: str, date: dt.date, times_per_day: int, pain_limit: int, warm_up: bool
    ) -> None:
        entry = self.found.setdefault(
            spec.slug, {"spec": spec, "doses": {}, "times_per_day": times_per_day, "pain_limit": pain_limit}
        )
        days = entry["doses"].setdefault((dose, warm_up), [])
        if date not in days:
            days.append(date)
        entry["times_per_day"] = max(entry["times_per_day"], times_per_day)
        entry["pain_limit"] = min(entry["pain_limit"], pain_limit)

    def rows(self) -> tuple[PrintedExercise, ...]:
        # Warm-ups first, as they are done first; then in the order the week brings them.
        ordered = sorted(self.found.values(), key=lambda entry: not any(w for _, w in entry["doses"]))
        return tuple(
            PrintedExercise(
                name=entry["spec"].name,
                doses=tuple(
                    PrintedDose(text, tuple(sorted(days)), warm_up) for (text, warm_up), days in entry["doses"].items()
                ),
                times_per_day=entry["times_per_day"],
                pain_limit=entry["pain_limit"],
                cues=entry["spec"].cues,
                slug=entry["spec"].slug,
            )
            for entry in ordered
        )


def _week(
    number: int,
    phase: str,
    first: dt.date,
    running: str,
    running_reason: str,
    unit: str,
    sessions: list[SessionRow],
    catalogue: Catalogue,
) -> PrintedWeek:
    by_date: dict[dt.date, list[SessionRow]] = {}
    for session in sessions:
        by_date.setdefault(session.date, []).append(session)
    exercises = _Exercises()
    days = []
    for offset in range(7):
        date = first + dt.timedelta(days=offset)
        work = [s for s in by_date.get(date, []) if s.kind != "rest"]
        days.append(PrintedDay(date, tuple(_session_line(s, unit) for s in work)))
        for session in work:
            for step in session.warm_up:
                spec = catalogue.by_slug.get(step.exercise)
                if spec is not None:
                    dose = dose_text(step.dose, spec, unit)
                    exercises.add(
                        spec=spec,
                        dose=dose,
                        date=date,
                        times_per_day=1,
                        pain_limit=step.pain_limit,
                        warm_up=True,
                    )
            for item in session.items:
                _add_item(exercises, item, date, unit)
    return PrintedWeek(
        number=number,
        phase=phase,
        first=first,
        last=first + dt.timedelta(days=6),
        running=running,
        running_reason=running_reason,
        days=tuple(days),
        exercises=exercises.rows(),
    )


def _add_item(exercises: _Exercises, item: ItemRow, date: dt.date, unit: str) -> None:
    if item.spec is None:  # an exercise the pinned catalogue no longer names: nothing plain to print for it
        return
    dose = dose_text(dose_from_dict(item.dose), item.spec, unit)
    exercises.add(
        spec=item.spec,
        dose=dose,
        date=date,
        times_per_day=item.times_per_day,
        pain_limit=item.pain_limit,
        warm_up=False,
    )


def pain_limit_rules(pain_limits: Mapping[str, Any] | None, sessions: list[SessionRow]) -> tuple[str, ...]:
    """The plan's pain limit in plain words (the limits a physio set, or the ones the program came with)."""
    limits = pain_limits_from_dict(pain_limits)
    if limits is None:
        item_limits = [item.pain_limit for s in sessions for item in s.items]
        if not item_limits:
            return ()
        during = after = min(item_limits)
        morning, comfortable = True, None
    else:
        during, after, morning = limits.during, limits.after, limits.morning_must_settle
        comfortable = limits.zone_ok_max if limits.zone_ok_max < limits.during else None
    rules = [
        "Rate your pain from 0 (none) to 10 (the worst you can imagine).",
        f"During exercise and runs your pain may reach {during} out of 10, but not go above it."
        + (f" From 0 to {comfortable} is the comfortable zone." if comfortable is not None else ""),
        f"After a session it may be up to {after} out of 10.",
    ]
    if morning:
        rules.append("By the next morning it should have settled: no worse than the morning before.")
    rules.append(
        "If pain goes above the limit, stop that exercise, write it in the week's table and ease off. When you log "
        "it in the app, the plan adjusts."
    )
    return tuple(rules)


def printed_program(
    stored: StoredPlan, *, catalogue: Catalogue, phase_names: Mapping[str, str], program: str
) -> PrintedProgram:
    """The stored plan as it goes on paper, in the runner's words."""
    plan = stored.plan
    runner = plan.runner
    end = plan.start + dt.timedelta(weeks=plan.weeks, days=-1)
    needs_clinician = plan.status == PlanStatus.NEEDS_CLINICIAN
    distances = runner_distances(runner, stored.weeks[0].unit if stored.weeks else None)
    by_week: dict[int, list[SessionRow]] = {}
    for session in sessions_shown(stored.sessions, distances):
        by_week.setdefault(session.week_number, []).append(session)
    weeks: tuple[PrintedWeek, ...] = ()
    if not needs_clinician:
        weeks = tuple(
            _week(
                row.number,
                phase_names.get(row.phase, ""),
                plan.start + dt.timedelta(weeks=row.number - 1),
                _running_line(
                    distances.show(row.target_distance), distances.words, row.max_runs, row.speed_work_allowed
                ),
                _sentence(row.running_reason),
                distances.words,
                by_week.get(row.number, []),
                catalogue,
            )
            for row in stored.weeks
        )
    return PrintedProgram(
        runner_name=display_name(runner),
        program=program,
        start=plan.start,
        end=end,
        needs_clinician=needs_clinician,
        referral=plan.referral or None,
        about="" if needs_clinician else plan.pathway_reason,
        pain_rules=() if needs_clinician else pain_limit_rules(plan.pain_limits, stored.sessions),
        weeks=weeks,
    )


# ---------------------------------------------------------------- reading, rendering


def plan_print_context(plan: Plan) -> dict[str, Any]:
    """What the print template needs, in one read of the plan (a fixed number of queries for any length)."""
    if plan.status == PlanStatus.NEEDS_CLINICIAN:
        stored = StoredPlan(plan=plan, weeks=[], sessions=[])
    else:
        stored = selectors.plan_read(plan)
    pathway = pathway_of(plan.pathway_version) if plan.pathway_version is not None else None
    phase_names = {phase.slug: phase.name for phase in pathway.phases} if pathway is not None else {}
    program = printed_program(
        stored,
        catalogue=selectors.catalogue_for(plan),
        phase_names=phase_names,
        program=pathway.name if pathway is not None else "Your plan",
    )
    return {"plan": plan, "program": program}


def print_stylesheet() -> str:
    """The print CSS from the static files (the app's own copy, or the collected one), never fetched over HTTP."""
    path = finders.find(PRINT_STYLESHEET)
    if isinstance(path, str):
        with open(path, encoding="utf-8") as found:
            return found.read()
    with staticfiles_storage.open(PRINT_STYLESHEET) as collected:
        text: bytes = collected.read()
        return text.decode("utf-8")


def _refuse_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The page carries its stylesheet inline and has no images: nothing may be fetched while a PDF is drawn, so a
    # URL in a runner's text can never make the server call out.
    raise ValueError(f"Not fetched while drawing a PDF: {url}")


def plan_pdf_document(plan: Plan) -> Document:
    """The printable program laid out by WeasyPrint (its `pages` are the PDF's pages)."""
    # Pango loads on first use: only the PDF download pays for it.
    from weasyprint import CSS, HTML

    markup = render_to_string(PRINT_TEMPLATE, plan_print_context(plan) | {"for_pdf": True})
    html = HTML(string=markup, base_url=str(settings.BASE_DIR), url_fetcher=_refuse_fetching)
    return html.render(stylesheets=[CSS(string=print_stylesheet(), url_fetcher=_refuse_fetching)])


def plan_pdf(plan: Plan) -> bytes:
    pdf: bytes = plan_pdf_document(plan).write_pdf()
    return pdf


def pdf_filename(plan: Plan) -> str:
    return f"rehabplan-{plan.start.isoformat()}.pdf"
