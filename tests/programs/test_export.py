"""Download all my data (`export-json`, `export-csv`): everything of the user's, nothing of anyone else's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programs.choices import ReminderKind, ReminderStatus
from programs.models import Plan, PlannedSession
from programs.outputs import export
from programs.services.logs import session_log_record
from tests.factories.programs import ReminderFactory
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


def _log_strength(plan: Plan, runner: User, nth: int = 0, notes: str = "") -> None:
    sessions = (
        PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False)
        .order_by("date")
        .distinct()
    )
    session = sessions[nth]
    entries = [
        {"prescription": p.pk, "pain_during": 2, "pain_after": 2, "notes": notes, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries, day={"next_morning_pain": 1})


@pytest.fixture
def two_runners(runner: User, other_runner: User, intake_data: dict[str, Any]) -> tuple[Plan, Plan]:
    plan = create_plan(runner, intake_data, weeks=4)
    _log_strength(plan, runner, notes='=HYPERLINK("http://evil")')
    other = create_plan(other_runner, intake_data, weeks=4)
    _log_strength(other, other_runner, notes="the other runner's secret note")
    return plan, other


def test_the_json_download_has_everything_of_the_runner(
    client: Client, runner: User, physio: User, two_runners: tuple[Plan, Plan]
) -> None:
    plan, other = two_runners
    client.force_login(runner)
    response = client.get(reverse("programs:export-json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rehabplan-my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == runner.email
    assert data["profile"]["timezone"] == "Europe/London"
    assert [i["version"] for i in data["intakes"]] == [1]
    assert [p["id"] for p in data["plans"]] == [plan.pk]
    assert data["plans"][0]["plan"]["weeks"][0]["days"], "the plan JSON of docs/design.md §3"
    assert len(data["session_logs"]) == 1 and data["session_logs"][0]["exercises"]
    assert all(e["pain_during"] == 2 for e in data["session_logs"][0]["exercises"])
    assert data["day_logs"] and data["plan_changes"]
    assert {link["physio"] for link in data["care_links"]} == {physio.email}
    body = response.content.decode()
    assert "the other runner's secret note" not in body and "other.runner@example.test" not in body
    assert str(other.pk) not in {str(p["id"]) for p in data["plans"]}


def test_the_csv_download_has_every_section_and_defuses_formulas(
    client: Client, runner: User, two_runners: tuple[Plan, Plan]
) -> None:
    client.force_login(runner)
    response = client.get(reverse("programs:export-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="rehabplan-my-data-' in response["Content-Disposition"]
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    titles = {row[0] for row in rows if len(row) == 1}
    assert {"Account", "Settings", "Intakes", "Plans", "Planned sessions", "Logged exercises", "Day logs"} <= titles
    assert {"Plan changes", "Care links", "Reminders"} <= titles
    notes = [cell for row in rows for cell in row if cell.startswith("'=HYPERLINK")]
    assert notes, "a note that looks like a formula is kept as text"
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert "the other runner's secret note" not in body and "other.runner@example.test" not in body


def test_the_export_runs_the_same_queries_for_one_log_or_many(runner: User, intake_data: dict[str, Any]) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    _log_strength(plan, runner, 0)
    with CaptureQueriesContext(connection) as one:
        export.account_export(runner)
    _log_strength(plan, runner, 1)
    _log_strength(plan, runner, 2)
    with CaptureQueriesContext(connection) as three:
        data = export.account_export(runner)
    assert len(data["session_logs"]) == 3
    assert len(three) == len(one) <= 16


def test_a_physio_downloads_their_own_data_not_their_patients(
    client: Client, runner: User, physio: User, two_runners: tuple[Plan, Plan]
) -> None:
    client.force_login(physio)
    data = json.loads(client.get(reverse("programs:export-json")).content)
    assert data["account"]["email"] == physio.email
    assert data["plans"] == [] and data["session_logs"] == [] and data["profile"] is None
    assert [link["runner"] for link in data["care_links"]] == [runner.email]


def test_reminders_are_exported_in_plain_words_with_their_local_date(client: Client, runner: User) -> None:
    def queue(kind: str, day: dt.date, status: str, sent: bool = False) -> None:
        due = dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC)
        ReminderFactory(
            user=runner,
            kind=kind,
            local_date=day,
            due_at=due,
            status=status,
            subject="Today: strength",
            sent_at=due if sent else None,
        )

    queue(ReminderKind.SESSION, dt.date(2026, 5, 4), ReminderStatus.SENT, sent=True)
    queue(ReminderKind.MORNING_CHECK, dt.date(2026, 5, 5), ReminderStatus.SKIPPED)
    queue(ReminderKind.MISSED_SESSION, dt.date(2026, 5, 6), ReminderStatus.FAILED)
    queue(ReminderKind.PLAN_CHANGED, dt.date(2026, 5, 7), ReminderStatus.PENDING)
    client.force_login(runner)

    data = json.loads(client.get(reverse("programs:export-json")).content)
    assert [(r["what"], r["for_date"], r["status"]) for r in data["reminders"]] == [
        ("Session reminder", "2026-05-04", "Sent"),
        ("Morning check", "2026-05-05", "Not sent"),
        ("Missed-session nudge", "2026-05-06", "Could not be sent"),
        ("Plan changed", "2026-05-07", "Waiting to be sent"),
    ]
    assert data["profile"]["quiet_hours_start"] == "22:00:00" and data["profile"]["remind_sessions"] is True

    rows = list(csv.reader(io.StringIO(client.get(reverse("programs:export-csv")).content.decode())))
    start = rows.index(["Reminders"])
    assert rows[start + 1] == ["what", "for_date", "status", "due_at", "sent_at", "subject"]
    assert rows[start + 2][:3] == ["Session reminder", "2026-05-04", "Sent"]
    assert rows[start + 2][4].startswith("2026-05-04T06:30")
    assert rows[start + 3][:3] == ["Morning check", "2026-05-05", "Not sent"]
    assert "skipped" not in {cell for row in rows[start:] for cell in row}, "no status codes"
