"""Plan generation and replan budgets, on PostgreSQL with DEBUG off (as in production).

Prints, each against its budget, and exits 1 when one is missed:
- the median of the pure generation of a 12-week plan (≤ 2 ms);
- the median of generate + persist (`plan_create`, commit included) of a 26-week plan (≤ 30 ms), and of a 12-week one;
- the queries of `plan_create` for 6-, 12- and 26-week plans (must be equal);
- the median of one session log with its replan (`session_log_record`) on a 6- and a 26-week plan (each ≤ 50 ms,
  and the 26-week one within 1.5× the 6-week one), with their queries (must be equal) and decision rows.
Other work on the machine moves every figure: the load average is printed before the measurements.

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
# Production-like: DEBUG off (no query log kept), on the local services of this one machine.
os.environ.update(
    DEBUG="0",
    SECRET_KEY="bench-only-secret-key-not-used-anywhere-else-0123456789",  # noqa: S106 - a throwaway database
    ALLOW_LOCAL_SERVICES="1",
    CACHE_URL="locmemcache://",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
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


PURE_BUDGET_MS = 2.0
PERSIST_BUDGET_MS = 30.0
LOG_BUDGET_MS = 50.0
LOG_RATIO_BUDGET = 1.5  # a 26-week plan's log + replan against a 6-week plan's
LENGTHS = (6, 12, 26)


class Verdicts:
    """Each figure is printed against its budget as it is checked; `missed` says whether any was over."""

    def __init__(self) -> None:
        self.missed = False

    def check(self, ok: bool, line: str) -> None:
        self.missed |= not ok
        print(f"{'ok  ' if ok else 'MISS'} {line}", flush=True)


def main() -> int:
    if connection.vendor != "postgresql":
        print(f"These budgets are for PostgreSQL; DATABASE_URL points at {connection.vendor}.")
        return 1
    one, five, fifteen = os.getloadavg()
    print(f"DEBUG={int(settings.DEBUG)}, {connection.vendor}; load average before: {one:.2f} {five:.2f} {fifteen:.2f}")
    verdicts = Verdicts()
    intake = intake_from_dict(INTAKE)

    def pure() -> None:
        generate(intake, start=START, weeks=12)

    pure()
    pure_ms = median_ms(pure, 500)
    verdicts.check(
        pure_ms <= PURE_BUDGET_MS,
        f"pure generation, 12 weeks: median {pure_ms:.3f} ms over 500 runs (budget {PURE_BUDGET_MS:g} ms)",
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.services import user_create

        runner = user_create(email="bench@example.test", password=None)
        stored = intake_record(runner=runner, data=INTAKE)
        for weeks in (26, 12):

            def persist(weeks: int = weeks) -> None:
                plan_create(intake=stored, start=START, weeks=weeks)

            persist()
            persist_ms = median_ms(persist, 100)
            line = f"generate + persist on {connection.vendor}, {weeks} weeks: median {persist_ms:.2f} ms over 100 runs"
            if weeks == 26:
                verdicts.check(persist_ms <= PERSIST_BUDGET_MS, f"{line} (budget {PERSIST_BUDGET_MS:g} ms)")
            else:
                print(f"     {line}")
        counts = {}
        for weeks in LENGTHS:
            with CaptureQueriesContext(connection) as queries:
                plan_create(intake=stored, start=START, weeks=weeks)
            counts[weeks] = len(queries)
        verdicts.check(
            len(set(counts.values())) == 1,
            "plan_create queries: "
            + ", ".join(f"{w} weeks: {n}" for w, n in counts.items())
            + " (budget: equal; plus one COPY of the prescriptions, which query capture does not see)",
        )
        log_with_replan(runner, stored, verdicts)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if verdicts.missed else 0


def log_with_replan(runner: User, stored: Intake, verdicts: Verdicts, runs: int = 50) -> None:
    """Each run logs the first strength session of a fresh plan at pain 6/10 (over the limit of 5), so every run
    regresses every exercise of that session and rewrites their coming sessions. Timed without query capture (which
    slows every query down); one more run counts the queries. The 6- and 26-week runs alternate, so a change in the
    machine's load falls on both."""
    from programs.models import PlanChange, PlannedSession

    def fresh(weeks: int) -> tuple[PlannedSession, list[dict[str, object]]]:
        plan = plan_create(intake=stored, start=START, weeks=weeks)
        session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
        assert session is not None
        entries: list[dict[str, object]] = [
            {"prescription": p.pk, "pain_during": 6, "pain_after": 6, "completed_as_prescribed": True}
            for p in session.prescriptions.all()
        ]
        return session, entries

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have: the earlier measurements filled the tables
    lengths = (6, 26)
    timings: dict[int, list[float]] = {weeks: [] for weeks in lengths}
    rows: dict[int, list[int]] = {weeks: [] for weeks in lengths}
    for run in range(runs + 1):
        for weeks in lengths:
            session, entries = fresh(weeks)
            began = time.perf_counter()
            session_log_record(session=session, runner=runner, entries=entries)
            if run:  # the first run warms the process caches
                timings[weeks].append((time.perf_counter() - began) * 1000)
                rows[weeks].append(PlanChange.objects.filter(plan_id=session.plan_id).count())
    queries = {}
    for weeks in LENGTHS:
        session, entries = fresh(weeks)
        with CaptureQueriesContext(connection) as captured:
            session_log_record(session=session, runner=runner, entries=entries)
        queries[weeks] = len(captured)
    medians = {weeks: statistics.median(timings[weeks]) for weeks in lengths}
    for weeks in lengths:
        verdicts.check(
            medians[weeks] <= LOG_BUDGET_MS,
            f"session log + replan on {connection.vendor}, {weeks} weeks, pain over the limit: median "
            f"{medians[weeks]:.2f} ms over {runs} runs (budget {LOG_BUDGET_MS:g} ms); "
            f"{statistics.median(rows[weeks]):.0f} PlanChange rows",
        )
    ratio = medians[26] / medians[6]
    verdicts.check(
        ratio <= LOG_RATIO_BUDGET,
        f"session log + replan, 26 weeks against 6 weeks: {ratio:.2f}× (budget {LOG_RATIO_BUDGET:g}×)",
    )
    verdicts.check(
        len(set(queries.values())) == 1,
        "session log + replan queries: "
        + ", ".join(f"{w} weeks: {n}" for w, n in queries.items())
        + " (budget: equal)",
    )


if __name__ == "__main__":
    sys.exit(main())
