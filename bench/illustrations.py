"""Drawing every exercise: the time to render the whole catalogue's illustrations, and their sizes.

Prints, each against its budget, and exits 1 when one is missed:
- the median time to draw every exercise once, moving (budget: 250 ms for the whole catalogue, "well under a
  second"), and every exercise's four pictures (moving on each side, still start and still end);
- the largest and median picture in bytes as served, before compression (budget: 8 KB each).
Pure Python: no database, no Django. Pages draw each picture once per process (`exercises.pictures`), so this is
the cost of a cold worker, paid once.

Run: .venv/bin/python bench/illustrations.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exercises.catalogue_file import load_catalogue_file
from exercises.illustrations.svg import render

ALL_BUDGET_MS = 250.0
BYTES_BUDGET = 8 * 1024
REPEATS = 15


def _timed(draw: object) -> float:
    assert callable(draw)
    began = time.perf_counter()
    draw()
    return (time.perf_counter() - began) * 1000


def main() -> int:
    drawings = [(spec.slug, spec.illustration) for spec in load_catalogue_file().exercises if spec.illustration]

    def moving() -> list[str]:
        return [render(drawing, slug) for slug, drawing in drawings]

    def every_picture() -> list[str]:
        return [
            render(drawing, slug, mirrored=mirrored, frame=frame)
            for slug, drawing in drawings
            for mirrored, frame in ((False, None), (True, None), (False, "start"), (False, "end"))
        ]

    once = statistics.median(_timed(moving) for _ in range(REPEATS))
    four = statistics.median(_timed(every_picture) for _ in range(REPEATS))
    sizes = sorted(len(svg.encode()) for svg in every_picture())
    missed = once > ALL_BUDGET_MS or sizes[-1] > BYTES_BUDGET
    print(f"exercises drawn: {len(drawings)}")
    print(
        f"{'ok' if once <= ALL_BUDGET_MS else 'MISS'} draw every exercise, moving: {once:.1f} ms (budget {ALL_BUDGET_MS:.0f} ms)"
    )
    print(f"   draw every exercise's 4 pictures (moving left and right, still start and end): {four:.1f} ms")
    print(
        f"{'ok' if sizes[-1] <= BYTES_BUDGET else 'MISS'} largest picture {sizes[-1]:,} bytes, median "
        f"{statistics.median(sizes):,.0f} bytes (budget {BYTES_BUDGET:,} bytes each)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
