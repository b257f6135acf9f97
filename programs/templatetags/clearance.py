"""The runner's line about a physio's clearance of their red flags, read from what the plan stores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from accounts.care import display_name
from accounts.models import User

register = template.Library()


@dataclass(frozen=True)
class Clearance:
    physio_name: str
    cleared_on: dt.date
    note: str
    start: dt.date
    plan_was_stopped: bool


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


@register.simple_tag
def clearance_of(plan: Any) -> Clearance | None:
    """The plan's clearance, or None while none is recorded or a newer red flag is open (it needs its own).

    The plan stores the physio's e-mail; their name costs one query, made once per plan object and only for a
    cleared plan, so a page that includes this several times, or a plan never flagged, costs nothing more."""
    stored: dict[str, Any] | None = getattr(plan, "clinician_clearance", None)
    if not stored or getattr(plan, "referral", None):
        return None
    cached: Clearance | None = getattr(plan, "_clearance_line", None)
    if cached is not None:
        return cached
    physio = User.objects.filter(email__iexact=stored.get("physio", "")).only("email", "first_name", "last_name")
    found = physio.first()
    cleared_at = dt.datetime.fromisoformat(stored["cleared_at"])
    clearance = Clearance(
        physio_name=display_name(found) if found is not None else "your physio",
        cleared_on=timezone.localtime(cleared_at).date(),
        note=_sentence(stored.get("note", "")),
        start=dt.date.fromisoformat(stored["start"]),
        plan_was_stopped=bool((stored.get("referral") or {}).get("stops_plan", True)),
    )
    plan._clearance_line = clearance
    return clearance
