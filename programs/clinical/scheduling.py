"""Which days an exercise falls on (frequency semantics, docs/clinical-sources.md §17) and fitting a day into the runner's time.

- per_week n: n days a week on non-consecutive days (also across the week boundary), from the available days.
- every_n_days n: an available day at least n days after the last one (Askling Diver q2d, Glider q3d).
- per_day n: every available day, n times that day (Askling Extender twice daily).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence


@functools.cache
def spread_days(available: tuple[int, ...], n: int, load: tuple[int, ...] = (0,) * 7) -> tuple[int, ...]:
    """Up to n weekdays (0 = Monday) from `available`, no two adjacent on the weekly cycle (Sun-Mon counts).

    Prefers the days with the least `load` already on them (minutes per weekday), then the widest smallest gap,
    then the earliest days, so the choice is deterministic. If fewer than n non-adjacent days exist, returns as
    many as there are (the caller says so in the reason).
    """
    for size in range(min(n, len(available)), 0, -1):
        best: tuple[tuple[int, int], tuple[int, ...]] | None = None
        for combo in itertools.combinations(sorted(available), size):
            gap = _min_cyclic_gap(combo)
            if gap < 2:
                continue
            key = (sum(load[d] for d in combo), -gap)
            if best is None or key < best[0]:
                best = (key, combo)
        if best is not None:
            return best[1]
    return ()


def _min_cyclic_gap(days: tuple[int, ...]) -> int:
    if len(days) == 1:
        return 7
    gaps = [b - a for a, b in itertools.pairwise(days)]
    gaps.append(days[0] + 7 - days[-1])
    return min(gaps)


def every_n_days(day_range: range, available_offsets: frozenset[int], n: int) -> list[int]:
    """Plan-day offsets in `day_range` on available days, each at least n days after the previous one."""
    out: list[int] = []
    last = -(10**6)
    for day in day_range:
        if day % 7 in available_offsets and day - last >= n:
            out.append(day)
            last = day
    return out


def weekday_offsets(weekdays: Sequence[int], start_weekday: int) -> tuple[int, ...]:
    """Offsets within a plan week (which starts on `start_weekday`) of the given weekdays, in date order."""
    return tuple(sorted((wd - start_weekday) % 7 for wd in weekdays))
