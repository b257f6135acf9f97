"""Each week's running target placed as runs on the runner's days (docs/clinical-sources.md §7, §11). Pure.

A week's runs add up to its target exactly (in tenths of the runner's unit). They go on available days, never more
runs than there are such days or than the week allows, spread out, with no runs on consecutive days in the first two
weeks of a return (alternate days, §7.2). With three runs or more, the last is the long run: about a third of the week
(an even share for a runner worse on long runs), never beyond the longest run the runner told us about plus a small
step, and no easy run is longer than it. A goal race goes on race day, with easy running before it and
none the day before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Sequence

from exercises.catalogue import Dose
from programs.clinical.config import MILES_TO_KM, RulesConfig
from programs.clinical.placement import Entry
from programs.clinical.running_start import longest_run_allowed
from programs.clinical.scheduling import spread_days
from programs.clinical.types import WEEKDAYS, GoalRace, Intake, Item, RunningTarget


def race_distance(race: GoalRace | None, unit: str, config: RulesConfig) -> float:
    """The race's length in the runner's unit, or 0 when it is not a standard distance."""
    km = dict(config.race_distances_km).get(race.distance, 0.0) if race is not None else 0.0
    return round(km / MILES_TO_KM, 1) if unit == "mi" else km


def easy_days_before_race(race_day: dt.date, week_start: dt.date, available_days: Sequence[str]) -> int:
    """Available days in the race week before the race, the day before it left free."""
    days = [week_start + dt.timedelta(days=i) for i in range((race_day - week_start).days - 1)]
    return sum(1 for d in days if WEEKDAYS[d.weekday()] in available_days)


def _tenths(value: float) -> int:
    return math.floor(value * 10 + 1e-9)


def _choose(dates: Sequence[dt.date], n: int, spaced: bool) -> list[dt.date]:
    """n dates, as spread out as possible; with `spaced`, none on consecutive days (then maybe fewer than n)."""
    by_weekday = {d.weekday(): d for d in dates}
    spread = [by_weekday[w] for w in spread_days(tuple(sorted(by_weekday)), n)]
    if spaced or len(spread) >= n:
        return sorted(spread)
    rest = [d for d in dates if d not in spread]
    return sorted([*spread, *rest[: n - len(spread)]])


def _split(total: int, runs: int, long_cap: int, long_share: float) -> list[int]:
    """Tenths per run, summing to `total`: the last is the long run when there are three or more, never longer than
    `long_cap` nor shorter than an even share (so no easy run is longer than it)."""
    even = -(-total // runs)
    if runs >= 3:
        long = min(math.floor(total * long_share), long_cap) if long_cap > 0 else math.floor(total * long_share)
        long = max(long, even)
        share, extra = divmod(total - long, runs - 1)
        return [share + (1 if i < extra else 0) for i in range(runs - 1)] + [long]
    share, extra = divmod(total, runs)
    return [share + (1 if i < extra else 0) for i in range(runs)]


def gate_run_through(entry: Entry, target: RunningTarget, config: RulesConfig) -> Entry:
    """Run-throughs above RulesConfig.speed_pace_percent are speed work: in a week without speed work they stay at
    that pace (Aspetar/Vermeulen §7.1: above 70 % is what the next stage opens)."""
    item = entry[1]
    pace = item.dose.pace_percent
    if item.exercise != "walk_jog" or pace is None or pace <= config.speed_pace_percent or target.speed_work_allowed:
        return entry
    held = dataclasses.replace(
        item,
        dose=dataclasses.replace(item.dose, pace_percent=config.speed_pace_percent),
        reason=f"{item.reason}; kept at {config.speed_pace_percent} % of full pace: faster is speed work, not this week",
    )
    return (entry[0], held, *entry[2:])


def place_runs(
    targets: Sequence[RunningTarget],
    *,
    start: dt.date,
    intake: Intake,
    config: RulesConfig,
    pain_limit: int,
    return_weeks: frozenset[int],
    race_advised: bool,
) -> dict[dt.date, list[Item]]:
    """The run items of every week, by date. The race is planned only when racing is advised (not while tightness
    after running lasts, for a runner with symptoms). Walk–run weeks, the first two weeks of a return and, for a
    runner worse in the mornings, every week have no runs on consecutive days; walk–run weeks have no long run."""
    unit = intake.units
    race = intake.running.goal_race if race_advised else None
    race_length = race_distance(race, unit, config)
    run_cap = _tenths(longest_run_allowed(intake, config))
    minimum = min(_tenths(config.min_run_km / (MILES_TO_KM if unit == "mi" else 1)), run_cap)
    worse = intake.symptoms.worse_when
    long_worse = "long_runs" in worse
    mornings = config.space_runs_when_mornings_worse and "mornings" in worse
    available = frozenset(WEEKDAYS.index(day) for day in intake.available_days)
    out: dict[dt.date, list[Item]] = {}
    for w, target in enumerate(targets):
        total = _tenths(target.target_distance)
        if total <= 0:
            continue
        week = [start + dt.timedelta(days=7 * w + i) for i in range(7)]
        race_day = race.date if race is not None and race.date in week and race_length > 0 else None
        if race_day is not None:
            total -= _tenths(race_length)
            out.setdefault(race_day, []).append(
                _item("race", race_length, pain_limit, f"Race day: your {race.distance} race, {race_length:g} {unit}")  # type: ignore[union-attr]
            )
        days = [
            d for d in week if d.weekday() in available and (race_day is None or d < race_day - dt.timedelta(days=1))
        ]  # no run the day before a race
        # as many runs as the week allows, none shorter than the minimum, but enough that none is over the cap
        enough = -(-total // run_cap) if run_cap else 1
        most = target.max_runs if target.walk_run else max(1, enough, total // minimum)  # walk–run: its sessions
        runs = min(target.max_runs - (1 if race_day else 0), len(days), most)
        if total <= 0 or runs <= 0:
            continue
        spaced = w in return_weeks or bool(target.walk_run) or mornings
        chosen = _choose(days, runs, spaced=spaced)
        even_share = 1.0 / len(chosen)
        share = (
            even_share
            if target.walk_run or race_day
            else config.long_run_share_when_worse * even_share
            if long_worse
            else _LONG_SHARE
        )
        for i, (date, tenths) in enumerate(zip(chosen, _split(total, len(chosen), run_cap, share), strict=True)):
            distance = tenths / 10
            long = len(chosen) >= 3 and i == len(chosen) - 1 and not target.walk_run and race_day is None
            out.setdefault(date, []).append(
                _item("long_run" if long else "easy_run", distance, pain_limit, _run_why(target, distance, long, unit))
            )
    return out


_LONG_SHARE = 0.35  # the long run: about a third of the week (house choice)


def _run_why(target: RunningTarget, distance: float, long: bool, unit: str) -> str:
    week = f"{target.target_distance:g} {unit}"
    if target.walk_run:
        return f"Walk–run: {distance:g} {unit} of this week's {week}, {target.walk_run}, at an easy pace"
    if long:
        return f"Long run: {distance:g} {unit} of this week's {week}, at an easy pace"
    return f"Easy run: {distance:g} {unit} of this week's {week}; you can talk in full sentences"


RUN_SOURCES = {
    "easy_run": "Seed 001 (§11): most runs at conversational pace; the week's distance split over the runner's days "
    "(house choice)",
    "long_run": "Long run about a third of the week and never beyond the runner's own longest run (house choice)",
    "race": "Seed 000 (§11): taper before a race and a recovery period after it",
}


def _item(exercise: str, distance: float, pain_limit: int, reason: str) -> Item:
    return Item(exercise, _dose(distance), pain_limit, reason, 1, 0, 0, exercise, None, RUN_SOURCES[exercise])


@functools.lru_cache(maxsize=1024)
def _dose(distance: float) -> Dose:
    return Dose(distance=distance)
