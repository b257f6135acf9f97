"""Plan generation budgets (issue: generator and rules).

Prints the median time of the pure generation of a 12-week plan (budget ≤ 2 ms), the median of generate + persist
on PostgreSQL (budget ≤ 30 ms), and the query count of plan_create for 4-, 12- and 26-week plans (must be equal).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rehabplan .venv/bin/python bench/plan_generation.py
It creates and drops its own test database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabplan.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabplan")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from programs import services  # noqa: E402
from programs.plan_json import intake_from_dict  # noqa: E402

START = dt.date(2026, 11, 23)
INTAKE = json.loads((ROOT / "programs" / "data" / "demo_intake.json").read_text())


def median_ms(fn: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    intake = intake_from_dict(INTAKE)

    def pure() -> None:
        services.generate(intake, start=START, weeks=12)

    pure()
    print(f"pure generation, 12 weeks: median {median_ms(pure, 500):.3f} ms over 500 runs (budget 2 ms)")

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.services import user_create

        runner = user_create(email="bench@example.test", password=None)
        stored = services.intake_record(runner=runner, data=INTAKE)

        def persist() -> None:
            services.plan_create(intake=stored, start=START, weeks=12)

        persist()
        print(
            f"generate + persist on {connection.vendor}, 12 weeks: median {median_ms(persist, 100):.2f} ms "
            "over 100 runs (budget 30 ms)"
        )
        counts = {}
        for weeks in (4, 12, 26):
            with CaptureQueriesContext(connection) as queries:
                services.plan_create(intake=stored, start=START, weeks=weeks)
            counts[weeks] = len(queries)
        verdict = "equal" if len(set(counts.values())) == 1 else "NOT EQUAL"
        print("plan_create queries: " + ", ".join(f"{w} weeks: {n}" for w, n in counts.items()) + f" ({verdict})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
