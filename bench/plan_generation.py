"""Plan generation and replan budgets.

Prints the median time of the pure generation of a 12-week plan (budget ≤ 2 ms), the median of generate + persist
on PostgreSQL (budget ≤ 30 ms), the query count of plan_create for 4-, 12- and 26-week plans (must be equal), and
the median time of one session log with its replan on a 26-week plan (budget ≤ 50 ms) with the number of decision
rows (PlanChange) it wrote.

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

from accounts.models import User  # noqa: E402
from programs.clinical.contract import intake_from_dict  # noqa: E402
from programs.models import Intake  # noqa: E402
from programs.services.generation import generate  # noqa: E402
from programs.services.intakes import intake_record  # noqa: E402
from programs.services.logs import session_log_record  # noqa: E402
from programs.services.plans import plan_create  # noqa: E402

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
        generate(intake, start=START, weeks=12)

    pure()
    print(f"pure generation, 12 weeks: median {median_ms(pure, 500):.3f} ms over 500 runs (budget 2 ms)")

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.services import user_create

        runner = user_create(email="bench@example.test", password=None)
        stored = intake_record(runner=runner, data=INTAKE)

        def persist() -> None:
            plan_create(intake=stored, start=START, weeks=12)

        persist()
        print(
            f"generate + persist on {connection.vendor}, 12 weeks: median {median_ms(persist, 100):.2f} ms "
            "over 100 runs (budget 30 ms)"
        )
        counts = {}
        for weeks in (4, 12, 26):
            with CaptureQueriesContext(connection) as queries:
                plan_create(intake=stored, start=START, weeks=weeks)
            counts[weeks] = len(queries)
        verdict = "equal" if len(set(counts.values())) == 1 else "NOT EQUAL"
        print(
            "plan_create queries: "
            + ", ".join(f"{w} weeks: {n}" for w, n in counts.items())
            + f" ({verdict}; plus one COPY of the prescriptions on PostgreSQL, which query capture does not see)"
        )
        log_with_replan(runner, stored)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def log_with_replan(runner: User, stored: Intake, runs: int = 50) -> None:
    """Each run logs the first strength session of a fresh 26-week plan at pain 6/10 (over the limit of 5), so
    every run regresses every exercise of that session and rewrites their coming sessions. Timed without query
    capture (which slows every query down); one more run counts the queries."""
    from programs.models import PlanChange, PlannedSession

    def fresh() -> tuple[PlannedSession, list[dict[str, object]]]:
        plan = plan_create(intake=stored, start=START, weeks=26)
        session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
        assert session is not None
        entries: list[dict[str, object]] = [
            {"prescription": p.pk, "pain_during": 6, "pain_after": 6, "completed_as_prescribed": True}
            for p in session.prescriptions.all()
        ]
        return session, entries

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have: the earlier measurements filled the tables
    timings, rows = [], []
    for run in range(runs + 1):
        session, entries = fresh()
        began = time.perf_counter()
        session_log_record(session=session, runner=runner, entries=entries)
        if run:  # the first run warms the process caches
            timings.append((time.perf_counter() - began) * 1000)
            rows.append(PlanChange.objects.filter(plan_id=session.plan_id).count())
    session, entries = fresh()
    with CaptureQueriesContext(connection) as captured:
        session_log_record(session=session, runner=runner, entries=entries)
    print(
        f"session log + replan on {connection.vendor}, 26 weeks, pain over the limit: median "
        f"{statistics.median(timings):.2f} ms over {runs} runs (budget 50 ms); "
        f"{statistics.median(rows):.0f} PlanChange rows and {len(captured)} queries per log"
    )


if __name__ == "__main__":
    main()
