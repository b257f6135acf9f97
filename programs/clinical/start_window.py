"""The days a plan, a clearance or a change of program may start on, and what a person is told otherwise.

Pure. The physio's pages, the forms, the serializers and the services all ask here, so the API and the pages never
draw the line on different days or explain it in different words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from programs.clinical.config import START_DAYS_AHEAD
from programs.clinical.words import start_window_message


@dataclass(frozen=True)
class StartWindow:
    """From `earliest` to `latest`, both included, around the runner's `today`."""

    today: dt.date
    earliest: dt.date
    latest: dt.date

    def problem(self, start: dt.date) -> str | None:
        """None when `start` is inside the window; otherwise what to choose instead, in words for the person choosing."""
        if self.earliest <= start <= self.latest:
            return None
        return start_window_message(start, earliest=self.earliest, latest=self.latest, today=self.today)


def start_window(today: dt.date, *, days_back: int = 0) -> StartWindow:
    """The window from `days_back` days before the runner's `today` to a year ahead. What is past stays as it was,
    so only a runner's own new plan looks back at all (`OWN_PLAN_DAYS_BACK`)."""
    return StartWindow(
        today=today,
        earliest=today - dt.timedelta(days=days_back),
        latest=today + dt.timedelta(days=START_DAYS_AHEAD),
    )
