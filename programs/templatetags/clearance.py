"""The runner's line about a physio's clearance of their red flags, read from what the plan stores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

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
    """The plan's clearance, or None while none is recorded or a newer red flag is open (it needs its own)."""
    stored: dict[str, Any] | None = getattr(plan, "clinician_clearance", None)
    if not stored or getattr(plan, "referral", None):
        return None
    cleared_at = dt.datetime.fromisoformat(stored["cleared_at"])
    return Clearance(
        # Clearances recorded before the name was kept with them carry the physio's e-mail only.
        physio_name=stored.get("physio_name") or stored.get("physio") or "your physio",
        cleared_on=timezone.localtime(cleared_at).date(),
        note=_sentence(stored.get("note", "")),
        start=dt.date.fromisoformat(stored["start"]),
        plan_was_stopped=bool((stored.get("referral") or {}).get("stops_plan", True)),
    )
