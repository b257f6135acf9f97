"""What the rules return, and the date helpers they share. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Action = Literal[
    "progress",
    "hold",
    "regress",
    "pause",
    "resume",
    "missed",
    "phase_hold",
    "phase_advance",
    "speed_work_cleared",
    "running_hold",
    "load_hold",
    "load_resume",
    "red_flag",
    "review_advised",
    "check_advised",
]


@dataclass(frozen=True)
class Decision:
    exercise: str | None  # the slot it is about, or None for the whole plan or running
    action: Action
    reason: str


def day_text(d: dt.date) -> str:
    """'Mon 5 Jan', as a runner writes a date."""
    return f"{d:%a} {d.day} {d:%b}"


def iso_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
