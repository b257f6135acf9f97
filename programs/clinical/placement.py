"""Placing a phase's exercises on the runner's days at their doses, and grouping a day into sessions that fit the
runner's minutes. Pure; the generator's inner loop, kept fast with plain tuples and dictionary reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator

from exercises.catalogue import Catalogue, Dose
from programs.clinical.config import RulesConfig
from programs.clinical.dosing import (
    dose_at,
    estimated_minutes,
    how_often,
    last_position,
    progression_reason,
    reduced_dose,
    session_minutes,
    session_parts,
    sessions_per_week,
)
from programs.clinical.pathways import (
    ITEM_CONDITIONS,
    PathwayItem,
    Phase,
    Rule,
)
from programs.clinical.scheduling import every_n_days, spread_days, weekday_offsets
from programs.clinical.types import (
    REHAB_KINDS,
    SESSION_KINDS,
    WEEKDAYS,
    ExerciseAdjustment,
    Intake,
    Item,
    PainLimits,
    PlanState,
    Session,
)
from programs.clinical.warm_up import warm_up_items, warm_up_slugs

_NO_ADJUSTMENT = ExerciseAdjustment()


_KIND_ORDER = {kind: i for i, kind in enumerate(SESSION_KINDS)}


# (priority, item, estimated minutes, session kind, may be shortened to fit): plain tuples keep generation fast.
Entry = tuple[int, Item, float, str, bool]
# (exercise, rule): one progression, which a later phase with the same exercise and rule continues
Build = tuple[str, Rule]


@dataclasses.dataclass(frozen=True)
class _Placement:
    """What is fixed for one pathway item across a phase block."""

    swap_note: str
    adjustment_note: str
    variant: str
    variant_dose: Dose | None
    trimmable: bool
    swapped_from: str | None  # the pathway's first choice, when an alternative is scheduled instead
    reduced: bool  # stepped back below its easiest dose: less of it (reduced_dose)


class PlanBuilder:
    """Holds the per-plan lookups so each occurrence costs a few dictionary reads."""

    def __init__(
        self,
        intake: Intake,
        catalogue: Catalogue,
        limits: PainLimits,
        state: PlanState,
        config: RulesConfig,
        start: dt.date,
        restricted: frozenset[str],
    ) -> None:
        self.start_weekday = start.weekday()
        # Always left out: red-flag exercises, and what an open advisory rules out until a clinician has cleared it.
        self.never = restricted | {"red_flag"}
        hold = state.load_hold_since
        self.load_hold_day = (dt.date.fromisoformat(hold) - start).days if hold else None
        self.intake, self.catalogue, self.state, self.config = intake, catalogue, state, config
        self.limit, self.safe_pain = limits.during, limits.zone_ok_max
        self.available = tuple(WEEKDAYS.index(d) for d in intake.available_days)
        self.available_offsets = frozenset(weekday_offsets(self.available, self.start_weekday))
        self.entries: dict[tuple[int, int, int, bool], Entry] = {}
        self.warm_ups: dict[str, tuple[tuple[Item, ...], float]] = {}
        self.noted: dict[tuple[int, str], Item] = {}
        self.swaps = dict(state.swaps)
        # (plan day, scheduled exercise) → the progression it is a step of: its steps count only within that one
        self.builds: dict[tuple[int, str], Build] = {}

    def allowed(self, slug: str, phase: Phase) -> bool:
        return exercise_fits(self.catalogue, self.intake.equipment, slug, phase, self.never)

    def resolve(self, item: PathwayItem, phase: Phase, used: set[str]) -> tuple[PathwayItem, str] | None:
        """The runner's own choice among the item's alternatives when they can do it here, else the item itself or
        its first alternative the runner can do; with a note saying why it was swapped."""
        preferred = self.swaps.get(item.exercise)
        for candidate in item.alternatives if preferred else ():
            if candidate.exercise == preferred and candidate.exercise not in used and self.allowed(preferred, phase):
                return candidate, f"instead of {self.catalogue[item.exercise].name} (your choice)"
        for candidate in (item, *item.alternatives):
            if candidate.exercise in used or not self.allowed(candidate.exercise, phase):
                continue
            if candidate is item:
                return item, ""
            spec = self.catalogue[item.exercise]
            missing = sorted(spec.equipment - self.intake.equipment)
            if missing:
                why = f"no {' or '.join(m.replace('_', ' ') for m in missing)}"
            elif item.exercise in used:
                why = "already in your plan in place of another exercise"
            else:
                why = "not allowed in this stage"
            return candidate, f"instead of {spec.name} ({why})"
        return None

    def variant(self, adj: ExerciseAdjustment, chosen: PathwayItem, phase: Phase) -> tuple[str, Dose | None]:
        """A regressed-to easier variant, if the runner can do it here; its dose if the dosing kind differs."""
        if not adj.variant or not self.allowed(adj.variant, phase):
            return chosen.exercise, None
        spec, base = self.catalogue[adj.variant], self.catalogue.by_slug.get(chosen.exercise)
        return adj.variant, None if base is not None and base.dosing == spec.dosing else spec.default_dose

    def entry(self, chosen: PathwayItem, ctx: _Placement, position: int, raw: int, adjusted: bool) -> Entry:
        """The scheduled item for one occurrence, built once per (item, step, adjusted) and then reused."""
        key = (id(chosen), position, raw, adjusted)
        found = self.entries.get(key)
        if found is None:
            rule = chosen.rule
            exercise, dose = (ctx.variant, ctx.variant_dose) if adjusted else (chosen.exercise, None)
            dose = dose or dose_at(rule, chosen.dose, position)
            if adjusted and ctx.reduced:
                dose = reduced_dose(dose)
            spec = self.catalogue[exercise]
            reason = progression_reason(rule, position, dose, self.safe_pain, spec.per_side)
            if rule.kind == "fixed":
                reason = f"{reason}, {how_often(chosen.frequency)}"
            # The pathway's "why" describes its own exercise; an easier variant is named for what it is.
            own = exercise == chosen.exercise
            reason = f"{chosen.why if own and chosen.why else spec.name}: {reason}"
            source = chosen.source if own else spec.source
            notes = (ctx.swap_note, ctx.adjustment_note if adjusted else "")
            reason = "; ".join((reason, *(note for note in notes if note)))
            times = chosen.frequency.value if chosen.frequency.kind == "per_day" else 1
            replaces = chosen.exercise if exercise != chosen.exercise else ctx.swapped_from
            item = Item(exercise, dose, self.limit, reason, times, position, raw, chosen.exercise, replaces, source)
            minutes = estimated_minutes(dose, self.config, spec.per_side) * times
            found = (chosen.priority, item, minutes, chosen.kind, ctx.trimmable)
            self.entries[key] = found
        return found

    def warm_up(self, phase: Phase) -> tuple[tuple[Item, ...], float]:
        """The stage's warm-up (programs.clinical.warm_up) with its minutes, which count in the day's time."""
        found = self.warm_ups.get(phase.slug)
        if found is None:
            slugs = warm_up_slugs(lambda slug: self.allowed(slug, phase), self.intake.minutes_per_session)
            items = warm_up_items(slugs, self.catalogue, self.limit)
            minutes = [estimated_minutes(i.dose, self.config, self.catalogue[i.exercise].per_side) for i in items]
            found = self.warm_ups[phase.slug] = (items, session_parts(minutes))
        return found

    def with_note(self, item: Item, note: str) -> Item:
        key = (id(item), note)
        found = self.noted.get(key)
        if found is None:
            found = self.noted[key] = dataclasses.replace(item, reason=item.reason + note)
        return found


def exercise_fits(
    catalogue: Catalogue, equipment: frozenset[str], slug: str, phase: Phase, never: frozenset[str]
) -> bool:
    spec = catalogue.by_slug.get(slug)
    return (
        spec is not None and spec.equipment <= equipment and not spec.contraindications & (phase.forbidden_tags | never)
    )


def _occurrence_days(
    item: PathwayItem, builder: PlanBuilder, first_day: int, week_positions: list[int], start_wd: int, load: list[int]
):
    """(plan day, week index within phase) of each occurrence of a resolved item over a phase block.

    Cross-training goes on the days with the least work already placed (`load`, minutes per weekday), so pool and
    bike get days of their own when the runner has them instead of piling onto the strength days."""
    freq, rule = item.frequency, item.rule
    avail = builder.available
    days: list[tuple[int, int]] = []
    if freq.kind == "every_n_days":
        offsets = frozenset(weekday_offsets(avail, start_wd))
        span = range(first_day, first_day + 7 * len(week_positions))
        return [(d, (d - first_day) // 7) for d in every_n_days(span, offsets, freq.value)]
    for k, position in enumerate(week_positions):
        n = sessions_per_week(rule, position) or freq.value
        weekdays = (
            avail
            if freq.kind == "per_day"
            else spread_days(avail, n, tuple(load) if item.kind == "cross_training" else (0,) * 7)
        )
        base = first_day + 7 * k
        days.extend((base + off, k) for off in weekday_offsets(weekdays, start_wd))
    return days


def place_phase(
    phase: Phase,
    builder: PlanBuilder,
    first_week: int,
    end_week: int,
    start: dt.date,
    days: dict[int, list[Entry]],
    speed: list[bool],
    walk_jog: list[int],
    carried: dict[tuple[str, Rule], int],
) -> None:
    """Place every item of one phase block. The same exercise under the same rule in a later phase continues its
    progression where the earlier phase left it (e.g. seed 002's +2 laps a week runs across both phases)."""
    used: set[str] = set()
    load = [0] * 7  # minutes per weekday of what is placed so far, each item at the most it builds to
    adjustments = builder.state.adjustments
    start_wd = start.weekday()
    for item in phase.items:
        if item.only_if and not ITEM_CONDITIONS[item.only_if](builder.intake):
            continue
        resolved = builder.resolve(item, phase, used)
        if resolved is None:
            continue
        chosen, swap_note = resolved
        used.add(chosen.exercise)
        swapped_from = item.exercise if chosen is not item else None
        # Keyed by the exercise actually scheduled (after an equipment swap): that is what the runner logs.
        adj = adjustments.get(chosen.exercise, _NO_ADJUSTMENT)
        since = (dt.date.fromisoformat(adj.since) - start).days if adj.since else -1
        weekly = chosen.rule.every == "week"
        first_day = 7 * first_week
        key = (chosen.exercise, chosen.rule)
        offset = carried.get(key, 0)
        week_positions = _held(
            [
                _adjusted(offset + k, adj) if first_day + 7 * k >= since else offset + k
                for k in range(end_week - first_week)
            ],
            [first_day + 7 * k for k in range(end_week - first_week)],
            builder.load_hold_day,
        )
        variant_slug, variant_dose = builder.variant(adj, chosen, phase)
        ctx = _Placement(
            swap_note=swap_note,
            adjustment_note=adj.reason if adj.hold or adj.variant else "",
            variant=variant_slug,
            variant_dose=variant_dose,
            trimmable=chosen.dose.minutes is not None and not chosen.dose.sets,
            swapped_from=swapped_from,
            reduced=adj.reduced,
        )
        last = last_position(chosen.rule)
        occurrences = _occurrence_days(chosen, builder, first_day, week_positions, start_wd, load)
        per_side = builder.catalogue[chosen.exercise].per_side
        top = round(estimated_minutes(dose_at(chosen.rule, chosen.dose, last), builder.config, per_side))
        for day, k in occurrences:
            if k == 0:
                load[(start_wd + day) % 7] += top
        carried[key] = offset + (end_week - first_week if weekly else len(occurrences))
        positions = _held(
            [
                _adjusted(offset + (k if weekly else n), adj) if day >= since else offset + (k if weekly else n)
                for n, (day, k) in enumerate(occurrences)
            ],
            [day for day, _ in occurrences],
            builder.load_hold_day,
        )
        for n, (day, k) in enumerate(occurrences):
            if (chosen.needs_speed_clearance and not speed[first_week + k]) or (adj.paused and day >= since):
                continue  # a paused exercise is left out until a pain-free try brings it back
            raw = offset + (k if weekly else n)
            adjusted = day >= since
            entry = builder.entry(chosen, ctx, min(positions[n], last), min(raw, last), adjusted)
            days[day].append(entry)
            builder.builds[day, entry[1].exercise] = key
            if entry[1].exercise == "walk_jog":
                walk_jog[first_week + k] += 1


def _held(positions: list[int], days: list[int], hold_day: int | None) -> list[int]:
    """With all loading held from plan day `hold_day` (next-morning pain), nothing steps past where it stood."""
    if hold_day is None:
        return positions
    before = [p for p, d in zip(positions, days, strict=True) if d < hold_day]
    frozen = before[-1] if before else next((p for p, d in zip(positions, days, strict=True) if d >= hold_day), 0)
    return [p if d < hold_day else min(p, frozen) for p, d in zip(positions, days, strict=True)]


_by_priority = operator.itemgetter(0)  # an entry's priority


def _adjusted(raw: int, adj: ExerciseAdjustment) -> int:
    """The step after the rules' adjustment: `steps_back` behind schedule, and no higher than `held_at` on hold."""
    position = max(0, raw - adj.steps_back)
    return min(position, adj.held_at) if adj.hold and adj.held_at is not None else position


def day_sessions(
    entries: list[Entry] | tuple[()], budget: int, builder: PlanBuilder, day: int, phase: Phase
) -> tuple[Session, ...]:
    """Group a day's items into sessions; rehab items must fit `budget` minutes, lowest priority dropped first.
    An available day with nothing on it is a rest session; a day the runner is not available has no sessions."""
    rest = (Session("rest"),) if day % 7 in builder.available_offsets else ()
    if not entries:
        return rest
    items: dict[str, list[Item]] = {}
    # Each session's minutes, added up in its items' order after its warm-up: the read model adds the same floats in
    # the same order (programs.clinical.dosing.session_minutes), so a stored plan reads back the minutes it was made with.
    minutes_of: dict[str, float] = {}
    dropped: list[str] = []
    first_rehab: str | None = None
    warm_up, warm_minutes = builder.warm_up(phase) if "strength" in [e[3] for e in entries] else ((), 0.0)
    spent = warm_minutes  # the warm-up's minutes come first
    for entry in sorted(entries, key=_by_priority):
        _, item, minutes, kind, trimmable = entry
        if kind in REHAB_KINDS:
            left = budget - spent
            if minutes > left:
                if not trimmable or left < builder.config.trim_minutes_floor:
                    dropped.append(builder.catalogue[item.exercise].name)
                    continue
                minutes = int(left)
                item = dataclasses.replace(
                    item,
                    dose=dataclasses.replace(item.dose, minutes=minutes),
                    reason=f"{item.reason}; shortened to {minutes} min to fit your {budget} minutes",
                )
            spent += minutes
            minutes_of[kind] = minutes_of.get(kind, warm_minutes if kind == "strength" else 0.0) + minutes
            first_rehab = first_rehab or kind
        items.setdefault(kind, []).append(item)
    if dropped and first_rehab is not None:
        note = f"; to fit your {budget} minutes, left out today: {', '.join(dropped)}"
        group = items[first_rehab]
        group[0] = builder.with_note(group[0], note)
    if not items:
        return rest
    return tuple(
        [
            Session(kind, tuple(items[kind]), warm_up if kind == "strength" else (), session_minutes(minutes_of[kind]))
            if kind in REHAB_KINDS
            else Session(kind, tuple(items[kind]))
            for kind in sorted(items, key=_KIND_ORDER.__getitem__)
        ]
    )
