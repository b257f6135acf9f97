"""Today for a runner: their own date, in their time zone (UTC when they have none or a name zoneinfo does not know).
Every page, API endpoint, e-mail and task asks this."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from programs.reminders.times import zone_or_utc


def local_today(timezone_name: str | None) -> dt.date:
    """Today in this IANA time zone (UTC when there is none, or a name zoneinfo does not know)."""
    return timezone.localdate(timezone=zone_or_utc(timezone_name))


def runner_today(runner: User) -> dt.date:
    """Today where the runner is: a plan's dates are theirs. A physio reading the plan may be elsewhere, and API and
    feed requests skip the middleware that sets the zone for pages, so nothing reads the active zone for this."""
    profile = getattr(runner, "runner_profile", None)  # a physio has none (the missing row is an AttributeError)
    return local_today(profile.timezone if profile is not None else None)
