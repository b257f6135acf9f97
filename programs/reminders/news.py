"""News that is not tied to a reminder time, added to the reminder outbox (docs/reminders.md): what changed in a
runner's coming days and why, at most once a day, and a physio's hourly digest of the patients who need attention.
The dispatcher sends these rows once they are due, like the others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.urls import reverse

from accounts.models import RunnerProfile, User
from exercises.models import Exercise
from programs.choices import PlanChangeKind, ReminderKind
from programs.choices import ReminderStatus as Status
from programs.clinical.words import RUNNING_NAME, reason_in_words
from programs.models import Plan, PlanChange, Reminder
from programs.reminders.dispatch import absolute_url, reminder_settings
from programs.reminders.schedule import outside_quiet_hours, plan_change_due, send_instant
from programs.reminders.times import wall_time

# What the runner is told about; other decisions (a progression, a swap they made) show on their plan page only.
NEWSWORTHY_CHANGES = frozenset(
    {
        PlanChangeKind.PAUSE,
        PlanChangeKind.REGRESS,
        PlanChangeKind.RED_FLAG,
        PlanChangeKind.OVERRIDE,
        PlanChangeKind.PROGRAM,
        PlanChangeKind.ASSIGN,
        PlanChangeKind.CLEARANCE,
    }
)


def reminders_plan_changed(*, plan: Plan, changes: Iterable[PlanChange], now: dt.datetime) -> Reminder | None:
    """Tell the runner what changed in their coming days and why, at most once a day: news arriving while today's
    message is still waiting joins it; news after it went out waits for tomorrow's. Call inside the transaction
    that records the changes, so the message exists exactly when they do."""
    news = [c for c in changes if c.kind in NEWSWORTHY_CHANGES and c.reason]
    if not news:
        return None
    profile = RunnerProfile.objects.filter(user_id=plan.runner_id).first()
    if profile is None:
        return None
    reasons = _reasons_with_names(news)
    choices = reminder_settings(profile)
    today = wall_time(now, choices.zone).date()
    if not choices.plan_changes or not choices.sending_on(today):
        return None
    delay = dt.timedelta(minutes=settings.REMINDER_PLAN_CHANGE_DELAY_MINUTES)
    tomorrow = today + dt.timedelta(days=1)
    for day, due_at in (
        (today, plan_change_due(now, choices, delay)),
        (tomorrow, outside_quiet_hours(send_instant(tomorrow, choices.at, choices.zone), choices)),
    ):
        Reminder.objects.bulk_create(
            [
                Reminder(
                    user_id=plan.runner_id,
                    kind=ReminderKind.PLAN_CHANGED,
                    local_date=day,
                    due_at=due_at,
                    payload={"plan_id": plan.pk, "reasons": []},
                )
            ],
            ignore_conflicts=True,
        )
        waiting = (
            Reminder.objects.select_for_update()
            .filter(user_id=plan.runner_id, kind=ReminderKind.PLAN_CHANGED, local_date=day, slot=0)
            .first()
        )
        if waiting is not None and waiting.status == Status.PENDING:
            known = waiting.payload.get("reasons", [])
            waiting.payload = {
                "plan_id": plan.pk,
                "reasons": known + [r for r in reasons if r not in known],
                "red_flag": waiting.payload.get("red_flag", False)
                or any(c.kind == PlanChangeKind.RED_FLAG for c in news),
            }
            waiting.save(update_fields=["payload", "updated_at"])
            return waiting
    return None


def _reasons_with_names(changes: Sequence[PlanChange]) -> list[str]:
    """Each decision's reason, led by what it is about ("Nordic hamstring curl: …"): in a message the reason stands
    alone, without the plan page around it."""
    slugs = {c.exercise for c in changes if c.exercise and c.exercise != "running"}
    names = dict(Exercise.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    names["running"] = RUNNING_NAME
    return [
        f"{names[c.exercise]}: {reason_in_words(c.reason)}" if c.exercise in names else reason_in_words(c.reason)
        for c in changes
    ]


def physio_digests_queue(*, now: dt.datetime) -> int:
    """Hourly: one digest per physio about the patients who need attention, when that list is not the one they were
    last sent. The rows are due now; the dispatcher hands them to a send task within the minute."""
    from programs.selectors.patients import patient_rows

    physios = User.objects.filter(role="physio", is_active=True, digest_enabled=True, patient_links__status="active")
    queued = 0
    for physio in physios.distinct():
        patients = [
            {
                "name": row.name,
                "flags": [flag.label for flag in row.flags],
                "url": absolute_url(reverse("programs:patient-detail", args=[row.id])),
            }
            for row in patient_rows(physio, today=now.date())
            if row.flags
        ]
        if not patients:
            continue
        last = (
            Reminder.objects.filter(user=physio, kind=ReminderKind.PHYSIO_DIGEST)
            .exclude(status=Status.SKIPPED)
            .order_by("-due_at")
            .values_list("payload", flat=True)
            .first()
        )
        if last is not None and last.get("patients") == patients:
            continue
        queued += len(
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        user=physio,
                        kind=ReminderKind.PHYSIO_DIGEST,
                        local_date=now.date(),
                        slot=now.hour,
                        due_at=now,
                        payload={"patients": patients},
                    )
                ],
                ignore_conflicts=True,
            )
        )
    return queued
