"""A runner's settings and a physio's e-mail switch: the profile's choices, and the queued reminders they rule out.

Here, not in accounts, because a change of choices skips reminders in the outbox and reschedules the next one.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.forms import browser_timezone
from accounts.models import RunnerProfile, User
from programs.choices import ReminderKind, ReminderStatus
from programs.models import Reminder
from programs.reminders.choices import KIND_SWITCHES, ReminderChoices, reminder_choice_problems
from programs.reminders.dispatch import reminders_reschedule_after_commit
from programs.selectors.today import local_today
from programs.services.plan_cache import runner_plans_cache_replace


@transaction.atomic
def runner_settings_update(
    *,
    user: User,
    timezone_name: str,
    reminder_time: dt.time,
    reminders_enabled: bool,
    units: str,
    reminders_paused_until: dt.date | None,
    remind_sessions: bool,
    remind_morning_check: bool,
    remind_missed_sessions: bool,
    remind_plan_changes: bool,
    quiet_hours_start: dt.time | None,
    quiet_hours_end: dt.time | None,
) -> RunnerProfile:
    """Save a runner's settings, refusing (ValidationError by field) reminder choices that contradict each other.

    Queued reminders the new choices rule out are marked skipped (kept as history, never sent); the runner's next
    reminder is recomputed once the change is committed."""
    profile = RunnerProfile.objects.select_for_update().get(user=user)
    stored = ReminderChoices(
        reminder_time=profile.reminder_time,
        quiet_hours_start=profile.quiet_hours_start,
        quiet_hours_end=profile.quiet_hours_end,
        reminders_paused_until=profile.reminders_paused_until,
    )
    new = ReminderChoices(
        reminder_time=reminder_time,
        quiet_hours_start=quiet_hours_start,
        quiet_hours_end=quiet_hours_end,
        reminders_paused_until=reminders_paused_until,
    )
    # The pause is in the runner's days: "today" is theirs, in the zone they are saving.
    problems = reminder_choice_problems(new, stored=stored, today=local_today(timezone_name))
    choices = {
        "timezone": timezone_name,
        "reminder_time": reminder_time,
        "reminders_enabled": reminders_enabled,
        "units": units,
        "reminders_paused_until": reminders_paused_until,
        "remind_sessions": remind_sessions,
        "remind_morning_check": remind_morning_check,
        "remind_missed_sessions": remind_missed_sessions,
        "remind_plan_changes": remind_plan_changes,
        "quiet_hours_start": quiet_hours_start,
        "quiet_hours_end": quiet_hours_end,
    }
    moved = (profile.timezone, profile.units) != (timezone_name, units)
    for field, value in choices.items():
        setattr(profile, field, value)
    try:
        profile.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    profile.save(update_fields=list(choices))
    if moved:  # the plan reads' cached facts name the runner's today and units
        runner_plans_cache_replace(user.pk)
    _queued_reminders_ruled_out(profile).update(status=ReminderStatus.SKIPPED, updated_at=timezone.now())
    reminders_reschedule_after_commit(user.pk)
    return profile


def runner_timezone_from_browser(*, user: User, timezone_name: str) -> bool:
    """Take the zone the runner's browser reports while the profile still has the default UTC: a zone chosen in
    Settings is never overwritten. An unknown name is ignored. True when the zone changed."""
    if not timezone_name or timezone_name == "UTC" or not browser_timezone(timezone_name):
        return False
    changed = RunnerProfile.objects.filter(user=user, timezone="UTC").update(timezone=timezone_name)
    if changed:
        reminders_reschedule_after_commit(user.pk)
        runner_plans_cache_replace(user.pk)
    return bool(changed)


def _queued_reminders_ruled_out(profile: RunnerProfile) -> QuerySet[Reminder]:
    """The runner's pending reminders that their settings no longer allow: all of them with reminders off, else
    those of a kind turned off and those for a day within the pause."""
    pending = Reminder.objects.filter(user_id=profile.user_id, status=ReminderStatus.PENDING)
    if not profile.reminders_enabled:
        return pending
    ruled_out = Q(kind__in=[kind for kind, switch in KIND_SWITCHES.items() if not getattr(profile, switch)])
    if profile.reminders_paused_until is not None:
        ruled_out |= Q(local_date__lte=profile.reminders_paused_until)
    return pending.filter(ruled_out)


@transaction.atomic
def physio_digest_set(*, user: User, enabled: bool) -> User:
    """Turn a physio's hourly e-mail about patients who need attention on or off; off also drops any digest already
    queued (marked skipped, kept as history)."""
    if not user.is_physio:
        raise ValidationError("Only a physiotherapist's account gets the hourly e-mail about patients.")
    User.objects.filter(pk=user.pk).update(digest_enabled=enabled)
    user.digest_enabled = enabled
    if not enabled:
        Reminder.objects.filter(user=user, kind=ReminderKind.PHYSIO_DIGEST, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SKIPPED, updated_at=timezone.now()
        )
    return user
