"""Hamstring lengthening work kept away from the race and the long runs (docs/clinical-sources.md §16.4). Pure.

A pass over the placed days after the runs are placed (programs.clinical.run_days): it reads where the race and the
long runs actually fell, then moves the exercises that leave the hamstrings sore for a day or two to another available
day of the same week, or leaves them out with a plain note when no day of that week is allowed:
- the Nordic-type build (RulesConfig.nordic_type_exercises) does not rise in the taper: each taper week keeps the dose
  and the number of sessions of the last week before it, or less;
- no eccentric or loaded lengthening exercise on race day or within RulesConfig.race_clear_days either side, and no
  strength session at all on race day;
- no Nordic-type work on the day before a long run or on its day, unless the runner has fewer available days than
  RulesConfig.long_run_spacing_min_days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Mapping, MutableMapping

from exercises.catalogue import Catalogue
from programs.clinical.config import RulesConfig
from programs.clinical.dosing import estimated_minutes
from programs.clinical.placement import Build, Entry
from programs.clinical.types import WEEKDAYS, Intake, Item
from programs.clinical.words import short_date

RACE_WHY = "your legs are fresh for your race"
LONG_RUN_WHY = "your hamstrings are not sore on your long run (this exercise can leave them sore for a day or two)"
TAPER_NOTE = "; kept at the level of the week before your taper, so your legs are fresh for your race"
RESUME_NOTE = "; after your race this builds again from where it was held, one step a week"

Days = MutableMapping[int, list[Entry]]


@dataclasses.dataclass(frozen=True)
class _Spacing:
    """Which plan days each rule keeps an exercise off, and why (the words of its note)."""

    race: int | None  # the race's plan day
    long_runs: frozenset[int]
    before_long_runs: frozenset[int]  # the long runs' days and the days just before them
    lengthening: frozenset[str]  # eccentric and loaded lengthening exercises: off the race and the days around it
    nordic_type: frozenset[str]  # off the long run's day and the day before
    race_clear_days: int
    long_run_rule: bool

    def blocked(self, entry: Entry, day: int) -> str | None:
        slug, kind = entry[1].exercise, entry[3]
        if self.race is not None:
            if day == self.race and kind == "strength":
                return RACE_WHY
            if slug in self.lengthening and abs(day - self.race) <= self.race_clear_days:
                return RACE_WHY
        near = self.long_run_rule and day in self.before_long_runs and slug in self.nordic_type
        return LONG_RUN_WHY if near else None


def lengthening_exercises(catalogue: Catalogue) -> frozenset[str]:
    """Eccentric exercises (Nordics, slider curls, the Askling exercises) and strength exercises that load the
    hamstring as it lengthens (Romanian deadlifts, long-lever bridges, swings): not stretches or leg swings."""
    return frozenset(
        spec.slug
        for spec in catalogue.exercises
        if spec.category == "eccentric"
        or (spec.category == "strength" and "lengthening_load" in spec.contraindications)
    )


def space_hamstring_work(
    days: Days,
    *,
    start: dt.date,
    weeks: int,
    intake: Intake,
    catalogue: Catalogue,
    config: RulesConfig,
    builds: Mapping[tuple[int, str], Build],
) -> None:
    """Apply the taper hold, then move or leave out what falls too near the race or a long run (in place).
    `builds` names the progression each placed exercise is a step of (PlanBuilder.builds)."""
    race = _race_day(days, start=start, weeks=weeks, intake=intake, config=config)
    long_runs = frozenset(d for d, entries in days.items() if any(e[1].exercise == "long_run" for e in entries))
    long_run_rule = len(intake.available_days) >= config.long_run_spacing_min_days
    if race is None and not (long_runs and long_run_rule):
        return
    if race is not None and intake.running.goal_race is not None:
        _hold_in_taper(days, race, config.taper_weeks_for(intake.running.goal_race.distance), config, builds)
    spacing = _Spacing(
        race=race,
        long_runs=long_runs,
        before_long_runs=frozenset(long - k for long in long_runs for k in range(config.long_run_clear_days)),
        lengthening=lengthening_exercises(catalogue),
        nordic_type=frozenset(config.nordic_type_exercises),
        race_clear_days=config.race_clear_days,
        long_run_rule=long_run_rule,
    )
    available = frozenset(WEEKDAYS.index(d) for d in intake.available_days)

    def is_available(day: int) -> bool:
        return (start.weekday() + day) % 7 in available

    _move_or_leave_out(days, spacing, weeks, is_available, start, catalogue)


def _race_day(days: Days, *, start: dt.date, weeks: int, intake: Intake, config: RulesConfig) -> int | None:
    """The race's plan day when the plan schedules it, or when it falls just outside the plan (its last days are still
    near it); a race inside the plan that the plan left out (racing advised against) counts for nothing here."""
    race = intake.running.goal_race
    if race is None:
        return None
    day = (race.date - start).days
    if 0 <= day < 7 * weeks:
        return day if any(e[1].exercise == "race" for e in days.get(day, ())) else None
    near = -config.race_clear_days <= day < 7 * weeks + config.race_clear_days
    return day if near else None


def _volume(item: Item, config: RulesConfig) -> float:
    return estimated_minutes(item.dose, config)


def _hold_in_taper(
    days: Days, race: int, taper_weeks: int, config: RulesConfig, builds: Mapping[tuple[int, str], Build]
) -> None:
    """No Nordic-type exercise above the dose, or more often a week, than in the last week before the taper; after the
    race the build picks up from the held dose, one step a week, instead of jumping to where it would have been."""
    race_week = race // 7
    first_taper = max(0, race_week - taper_weeks + 1)
    slugs = frozenset(config.nordic_type_exercises)
    occurrences: dict[str, list[tuple[int, int]]] = {}  # slug → (day, index in that day's entries), by day
    for day in sorted(days):
        for i, entry in enumerate(days[day]):
            if entry[1].exercise in slugs:
                occurrences.setdefault(entry[1].exercise, []).append((day, i))
    dropped: list[tuple[int, int]] = []
    for slug, found in occurrences.items():
        build = {(d, i): builds.get((d, slug)) for d, i in found}
        dropped += _hold_one(days, found, first_taper, race_week, config, build)
    for d, i in sorted(dropped, reverse=True):
        del days[d][i]  # later indices first, so the earlier ones still point at their entries


def _hold_one(
    days: Days,
    found: list[tuple[int, int]],
    first_taper: int,
    race_week: int,
    config: RulesConfig,
    build: Mapping[tuple[int, int], Build | None],
) -> list[tuple[int, int]]:
    """Hold one exercise through the taper (in place); returns the occurrences to leave out. After the race only the
    held progression (`build`, per occurrence) resumes from the held dose: a later stage's own progression of the same
    exercise has its own steps and doses, so a step number of one says nothing about the other."""
    before = [(d, i) for d, i in found if d < 7 * first_taper]
    taper = [(d, i) for d, i in found if 7 * first_taper <= d < 7 * (race_week + 1)]
    if not taper:
        return []
    base_day, base_i = before[-1] if before else taper[0]
    held = [(d, i) for d, i in found if build[d, i] == build[base_day, base_i]]
    by_step = {days[d][i][1].step: days[d][i] for d, i in held}  # the build's entries as placed, before the hold
    base = days[base_day][base_i]
    per_week = sum(1 for d, _ in (before or taper) if d // 7 == base_day // 7)
    dropped: list[tuple[int, int]] = []
    for week in range(first_taper, race_week + 1):
        in_week = [(d, i) for d, i in taper if d // 7 == week]
        dropped += in_week[per_week:]
        for n, (d, i) in enumerate(in_week[:per_week]):
            entry = days[d][i]
            item = entry[1]
            if (d, i) != (base_day, base_i) and _volume(item, config) > _volume(base[1], config):
                item = dataclasses.replace(
                    base[1], reason=base[1].reason + TAPER_NOTE, scheduled_step=item.scheduled_step
                )
            if n == 0 and len(in_week) > per_week:
                item = dataclasses.replace(item, reason=item.reason + _fewer_sessions_note(per_week))
            if item is not entry[1]:
                minutes = base[2] if item.dose == base[1].dose else entry[2]
                days[d][i] = (entry[0], item, minutes, entry[3], entry[4])
    for d, i in held:
        entry = days[d][i]
        resume = base[1].step + d // 7 - race_week
        if d // 7 > race_week and entry[1].step > resume and resume in by_step:
            earlier = by_step[resume]
            item = dataclasses.replace(
                earlier[1], reason=earlier[1].reason + RESUME_NOTE, scheduled_step=entry[1].scheduled_step
            )
            days[d][i] = (entry[0], item, earlier[2], entry[3], entry[4])
    return dropped


def _fewer_sessions_note(per_week: int) -> str:
    times = {1: "once", 2: "twice"}.get(per_week, f"{per_week} times")
    return f"; {times} this week, as in the week before your taper, so your legs are fresh for your race"


def _move_or_leave_out(
    days: Days,
    spacing: _Spacing,
    weeks: int,
    is_available: Callable[[int], bool],
    start: dt.date,
    catalogue: Catalogue,
) -> None:
    """Week by week, each exercise with a day the rules keep it off gets that week's days chosen again."""
    left_out: dict[int, list[tuple[str, str]]] = {}  # day → (exercise name, why)
    for week in range(weeks):
        span = range(7 * week, 7 * week + 7)
        slugs = {e[1].exercise for d in span for e in days.get(d, ()) if spacing.blocked(e, d) is not None}
        for slug in sorted(slugs):
            for day, why in _Week(span, is_available, start).replace(days, slug, spacing):
                left_out.setdefault(day, []).append((catalogue[slug].name, why))
    for day, names in left_out.items():
        _note_left_out(days, day, names, spacing)


@dataclasses.dataclass(frozen=True)
class _Week:
    """One plan week: its days, which of them the runner has, and the plan's start (to name a day in a note)."""

    span: range
    is_available: Callable[[int], bool]
    start: dt.date

    def replace(self, days: Days, slug: str, spacing: _Spacing) -> list[tuple[int, str]]:
        """Put this week's occurrences of `slug` on the allowed days nearest their own, never on consecutive days
        when their schedule kept them apart; returns (own day, why) of those left out, for the notes."""
        occurrences = [(d, e) for d in self.span for e in days.get(d, ()) if e[1].exercise == slug]
        blocked = {d: why for d, e in occurrences if (why := spacing.blocked(e, d)) is not None}
        why = next(iter(blocked.values()))
        original = [d for d, _ in occurrences]
        outside = {
            d for d in (self.span.start - 1, self.span.stop) if any(e[1].exercise == slug for e in days.get(d, ()))
        }
        spaced = not any(b - a == 1 for a, b in itertools.pairwise(sorted({*original, *outside})))
        template = occurrences[0][1]
        allowed = [d for d in self.span if self.is_available(d) and spacing.blocked(template, d) is None]
        base = self.span.start  # the choice depends only on the days' places in the week: worked out once per pattern
        relative = _best_days(
            tuple(d - base for d in original),
            tuple(d - base for d in allowed),
            frozenset(d - base for d in outside) if spaced else None,
        )
        chosen = [base + d for d in relative]
        for d, entry in occurrences:
            days[d].remove(entry)
        placed, dropped = _assign(occurrences, chosen)
        for (d, entry), target in placed:
            if target != d:
                note = f"; moved here from {_day_name(self.start + dt.timedelta(days=d))} so {blocked.get(d, why)}"
                entry = (entry[0], dataclasses.replace(entry[1], reason=entry[1].reason + note), *entry[2:])
            days.setdefault(target, []).append(entry)
        return [(d, blocked.get(d, why)) for d, _ in dropped]


Occurrence = tuple[int, Entry]


def _assign(occurrences: list[Occurrence], chosen: list[int]) -> tuple[list[tuple[Occurrence, int]], list[Occurrence]]:
    """Which occurrence goes on which chosen day, and which are left out. The same dose on every day: each keeps its
    own day when it can, the others take the days left in order. A dose that steps up session by session keeps its
    order instead, so the week never steps down."""
    if len({entry[1].dose for _, entry in occurrences}) > 1:
        return list(zip(occurrences, chosen, strict=False)), occurrences[len(chosen) :]
    staying = [o for o in occurrences if o[0] in chosen]
    moving = [o for o in occurrences if o[0] not in chosen]
    free = [d for d in chosen if d not in {o[0] for o in staying}]
    placed = [(o, o[0]) for o in staying] + list(zip(moving, free, strict=False))
    return placed, moving[len(free) :]


@functools.lru_cache(maxsize=512)
def _day_name(date: dt.date) -> str:
    return short_date(date)


@functools.lru_cache(maxsize=4096)
def _best_days(original: tuple[int, ...], allowed: tuple[int, ...], outside: frozenset[int] | None) -> tuple[int, ...]:
    """As many days as there were (or fewer when no set fits), none consecutive when `outside` is given (the
    exercise's days just outside the week then count too): the set keeping most of the original days, then the one
    moving them least, later before earlier."""
    for size in range(min(len(original), len(allowed)), 0, -1):
        fits = [
            combo
            for combo in itertools.combinations(allowed, size)
            if outside is None or not any(b - a == 1 for a, b in itertools.pairwise(sorted({*combo, *outside})))
        ]
        if fits:
            best = min(
                fits,
                key=lambda c: (
                    -len(set(c) & set(original)),
                    sum(abs(a - b) for a, b in zip(c, original, strict=False)),
                    [-d for d in c],
                ),
            )
            return best
    return ()


def _note_left_out(days: Days, day: int, names: list[tuple[str, str]], spacing: _Spacing) -> None:
    """Say what was left out on the day's first item; on a day left empty, on the race or long run that caused it."""
    for why in dict.fromkeys(why for _, why in names):
        which = ", ".join(name for name, w in names if w == why)
        note = f"; left out on this day so {why}: {which}"
        host_day = day if days.get(day) else _cause_day(day, why, spacing)
        if host_day is None or not days.get(host_day):
            continue
        priority, item, minutes, kind, trimmable = days[host_day][0]
        if host_day != day:
            note = f"; left out on {_weekday_words(day, host_day)} so {why}: {which}"
        days[host_day][0] = (priority, dataclasses.replace(item, reason=item.reason + note), minutes, kind, trimmable)


def _cause_day(day: int, why: str, spacing: _Spacing) -> int | None:
    if why == RACE_WHY:
        return spacing.race if spacing.race is not None and spacing.race >= 0 else None
    later = sorted(long for long in spacing.long_runs if long >= day)
    return later[0] if later else None


def _weekday_words(day: int, host_day: int) -> str:
    gap = day - host_day
    if gap == -1:
        return "the day before"
    if gap == 1:
        return "the day after"
    return f"{abs(gap)} days {'before' if gap < 0 else 'after'}"
