"""Writes for accounts: the only code that creates, changes and deletes users, profiles and care links."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from sesame.utils import get_query_string  # type: ignore[import-untyped]  # django-sesame ships no types

from accounts.models import (
    ApiToken,
    CareLink,
    CareLinkStatus,
    Role,
    RunnerProfile,
    User,
    api_token_digest,
    new_calendar_token,
)
from accounts.reminder_settings import KIND_SWITCHES, ReminderChoices, reminder_choice_problems
from programs.models import ExerciseLog, Intake, Plan, Reminder, ReminderKind, ReminderStatus, SessionLog, StageCheck
from programs.selectors.plans import local_today

LOGIN_LINK_SCOPE = "login-link"


@transaction.atomic
def user_create(*, email: str, password: str | None, role: str = Role.RUNNER, first_name: str = "") -> User:
    user = User.objects.create_user(email=email, password=password, role=role, first_name=first_name)
    if role == Role.RUNNER:
        RunnerProfile.objects.create(user=user)
    return user


@transaction.atomic
def care_link_activate(*, physio: User, runner: User) -> CareLink:
    """Link a physio to a runner with the runner's consent recorded now (the invite flow comes with the physio side)."""
    link, _ = CareLink.objects.update_or_create(
        physio=physio,
        runner=runner,
        status__in=[CareLinkStatus.INVITED, CareLinkStatus.ACTIVE],
        defaults={"status": CareLinkStatus.ACTIVE, "consented_at": timezone.now()},
    )
    return link


def login_link_send(*, email: str, link_for: Callable[[str], str]) -> bool:
    """E-mail a one-tap sign-in link to the active account with this address, if there is one.

    `link_for(query_string)` makes the absolute URL. Returns whether a link went out; callers never tell the visitor,
    so the form cannot be used to find out who has an account."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return False
    link = link_for(get_query_string(user, scope=LOGIN_LINK_SCOPE))
    send_mail(
        "Your RehabPlan sign-in link",
        "Tap this link to sign in to RehabPlan:\n\n"
        f"{link}\n\n"
        "It works once, for the next 15 minutes. If you did not ask for it, you can ignore this e-mail: "
        "nobody can sign in without it.\n",
        None,
        [user.email],
    )
    return True


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
    _queued_reminders_ruled_out(profile).update(status=ReminderStatus.SKIPPED, updated_at=timezone.now())
    # Imported here: programs.services imports this module (unsubscribing turns a kind off through it).
    from programs.reminders.dispatch import reminders_reschedule_after_commit

    reminders_reschedule_after_commit(user.pk)
    return profile


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


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> RunnerProfile:
    """A new subscription secret: the old calendar link stops working at once."""
    profile = RunnerProfile.objects.select_for_update().get(user=user)
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    return profile


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the user and every row of their personal data.

    Logs are history and their foreign keys to sessions and prescriptions PROTECT them from a replan, so the deletion
    runs bottom-up: exercise logs, session logs, plans (with weeks, sessions, prescriptions, checks and decisions),
    intakes, then the user, whose deletion cascades to the profile, day logs, reminders, care links and API tokens.
    A physio's answers to a patient's stage checklist belong to the patient's record and are not deleted for them.
    """
    if StageCheck.objects.filter(answered_by=user).exclude(plan__runner=user).exists():
        raise ValidationError(
            "You answered stage checklists in your patients' plans. These are part of their records, so this "
            "account cannot be deleted here; please contact us."
        )
    ExerciseLog.objects.filter(Q(session_log__runner=user) | Q(prescription__plan__runner=user)).delete()
    SessionLog.objects.filter(Q(runner=user) | Q(session__plan__runner=user)).delete()
    Plan.objects.filter(runner=user).delete()
    Intake.objects.filter(runner=user).delete()
    user.delete()


# Enough for every phone, script and clinic system a person uses; a cap keeps a leaked password from filling the table.
API_TOKENS_PER_USER = 50
API_TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length or 100


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token and its key. Only the key's digest is stored: the key is returned here, once.

    Refuses (ValidationError) when the user already holds API_TOKENS_PER_USER tokens."""
    name = name.strip()
    if len(name) > API_TOKEN_NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {API_TOKEN_NAME_MAX} characters or fewer."})
    # Lock the user's row so two logins at the same moment cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.for_user(user).count() >= API_TOKENS_PER_USER:
        raise ValidationError(
            f"You already have {API_TOKENS_PER_USER} API tokens. Revoke one you no longer use in Settings, "
            "then try again."
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=api_token_digest(key), prefix=key[:8])
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's API tokens: requests with its key fail from now on (the row is deleted, so nothing is
    left to match the key). Another user's token, or one already gone, is left alone; returns whether one went."""
    deleted, _ = ApiToken.objects.for_user(user).filter(pk=token_id).delete()
    return bool(deleted)
