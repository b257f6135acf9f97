"""The physio's patient page as the physio reads it: the log tables word doses as the runner's pages do and sort by
their headings without JavaScript, and what the rules wrote to the runner reads in the third person."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any, cast

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.clinical.edits import ProgramEdits
from programs.models import Plan, PlannedSession, Prescription
from programs.services.logs import session_log_record
from programs.services.program_edits import plan_program_edit
from tests.pages import at, main_text
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _strength(plan: Plan, n: int = 0) -> PlannedSession:
    return list(
        PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False)
        .distinct()
        .order_by("date")
    )[n]


def _entry(p: Prescription, *, pain: int, sets: int | None = None, as_prescribed: bool = True) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "prescription": p.pk,
        "pain_during": pain,
        "pain_after": pain,
        "completed_as_prescribed": as_prescribed,
    }
    if p.dose.get("sets"):
        entry["sets_done"] = p.dose["sets"] if sets is None else sets
    return entry


def _log(session: PlannedSession, runner: User, entries: list[dict[str, Any]]) -> None:
    with at(session.date, hour=18):
        session_log_record(session=session, runner=runner, entries=entries)


def _page(client: Client, user: User, url: str, on: dt.date) -> str:
    client.force_login(user)
    with at(on):
        response = cast(HttpResponse, client.get(url))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _patient_url(runner: User) -> str:
    return reverse("programs:patient-detail", args=[runner.pk])


def _log_rows(page: str) -> list[dict[str, str]]:
    """The session-log table's rows as {column heading: cell text}."""
    table = page[page.index('aria-labelledby="session-logs"') :]
    table = table[: table.index("</table>")]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[1], flags=re.S):
        cells = re.findall(r'data-label="([^"]+)">(.*?)</t[hd]>', row, flags=re.S)
        rows.append({label: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip() for label, text in cells})
    return rows


def test_the_log_table_words_each_dose_as_the_runners_day_page_does(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    session = _strength(plan)
    items = list(session.prescriptions.select_related("exercise").order_by("position"))
    multi_set = next(p for p in items if (p.dose.get("sets") or 0) >= 2)
    entries = [_entry(p, pain=1, sets=1 if p == multi_set else None, as_prescribed=p != multi_set) for p in items]
    _log(session, runner, entries)
    day = session.date + dt.timedelta(days=1)

    runner_page = _page(client, runner, reverse("programs:plan-day", args=[plan.pk, session.date]), day)
    strength = next(a for a in runner_page.split('<article class="session">') if a.lstrip().startswith("<h2>Strength"))
    doses = dict(re.findall(r"<strong>([^<]+)</strong>: ([^<·]+?)(?:, \d+ times a day)? · stop if pain", strength))
    rows = {row["Exercise"]: row for row in _log_rows(_page(client, physio, _patient_url(runner), day))}

    assert set(rows) == {p.exercise.name for p in items} and set(doses) == set(rows)
    for p in items:
        row = rows[p.exercise.name]
        assert row["Prescribed"] == doses[p.exercise.name].strip()
        if p != multi_set:
            assert row["Done"] == row["Prescribed"], "done as prescribed reads as the prescription"
    one_set = rows[multi_set.exercise.name]
    assert one_set["Done"].startswith("1 × ") and one_set["Done"][4:] == one_set["Prescribed"].split(" × ", 1)[1]
    assert "sets" not in " ".join(r["Done"] for r in rows.values())  # never "1 sets × 10 2 s"


def test_the_log_tables_sort_by_their_headings_without_javascript(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    first, second = _strength(plan, 0), _strength(plan, 1)
    _log(first, runner, [_entry(p, pain=3) for p in first.prescriptions.all()])
    _log(second, runner, [_entry(p, pain=1) for p in second.prescriptions.all()])
    day = second.date + dt.timedelta(days=1)
    url = _patient_url(runner)

    newest_first = _log_rows(_page(client, physio, url, day))
    assert newest_first[0]["Date"].startswith(f"{second.date:%a} {second.date.day}")
    page = _page(client, physio, url, day)
    assert 'href="?sort=-pain_during#session-logs"' in page  # a plain link: pains highest first
    by_pain = _log_rows(_page(client, physio, f"{url}?sort=-pain_during", day))
    assert [r["Pain during"] for r in by_pain] == sorted((r["Pain during"] for r in by_pain), reverse=True)
    assert by_pain[0]["Date"].startswith(f"{first.date:%a} {first.date.day}")
    assert 'aria-sort="descending"' in _page(client, physio, f"{url}?sort=-pain_during", day)
    by_pain_up = _log_rows(_page(client, physio, f"{url}?sort=pain_during&day_sort=stiffness", day))
    assert (by_pain_up[0]["Pain during"], by_pain_up[-1]["Pain during"]) == ("1/10", "3/10")
    assert _log_rows(_page(client, physio, f"{url}?sort=bogus", day)) == newest_first  # a stale link: the default


def test_a_physio_reads_the_rules_wording_about_the_runner_not_to_them(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    first = _strength(plan)
    _log(first, runner, [_entry(p, pain=9) for p in first.prescriptions.all()])  # severe: paused, attention
    day = first.date + dt.timedelta(days=1)
    with at(day):
        plan_program_edit(plan=plan, physio=physio, edits=ProgramEdits(max_runs=2), note="Fewer runs.", start=day)

    page = main_text(_page(client, physio, _patient_url(runner), day).encode())
    runner_page = main_text(_page(client, runner, reverse("programs:plan-changes", args=[plan.pk]), day).encode())

    assert "far above your limit" in runner_page and "far above their limit" in page  # the same decision
    assert "Decided by the plan's rules" in page and "Program changed by a physio" in page
    assert "Their ache came on gradually" in page
    for phrase in (
        "your limit",
        "your plan's rules",
        "by your physio",
        "Your ache",
        "your running",
        "your usual",
        "once you have",
    ):
        assert phrase not in page, phrase
