"""Building the bodies a client POSTs to logs/ and morning-checks/, for the API tests."""

from __future__ import annotations

import uuid
from typing import Any

from programs.models import Plan, PlannedSession
from tests.api.log_entries import entry_done


def first_session(plan: Plan, kind: str, after: PlannedSession | None = None) -> PlannedSession:
    sessions = PlannedSession.objects.filter(plan=plan, kind=kind, prescriptions__isnull=False).distinct()
    if after is not None:
        sessions = sessions.filter(date__gt=after.date)
    session = sessions.order_by("date").first()
    assert session is not None, f"the demo intake gives a {kind} session"
    return session


def log_body(session: PlannedSession, pain: int = 1, **extra: Any) -> dict[str, Any]:
    entries = [{"prescription": p.pk, **entry_done(p.dose, pain)} for p in session.prescriptions.order_by("position")]
    return {"client_id": str(uuid.uuid4()), "session": session.pk, "entries": entries, **extra}


def morning_body(**answers: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), **answers}
