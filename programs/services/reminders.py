"""The reminder outbox: send what is due, each row claimed once so two workers never send it twice."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.core.mail import send_mail
from django.db.models import F

from ..models import Reminder, ReminderStatus

logger = logging.getLogger(__name__)


REMINDER_MAX_ATTEMPTS = 3
REMINDER_BATCH = 200


def _reminder_claim(reminder_id: int) -> bool:
    """Claim one row with a conditional UPDATE, so two workers (or two beats) never send it twice."""
    claimed = Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SENDING, attempts=F("attempts") + 1
    )
    return claimed == 1


def reminders_dispatch_due(*, now: dt.datetime) -> int:
    """Send every pending reminder whose time has come; failed sends go back to pending, up to 3 attempts."""
    sent = 0
    due_ids = list(Reminder.objects.due(now).order_by("due_at").values_list("pk", flat=True)[:REMINDER_BATCH])
    for reminder_id in due_ids:
        if not _reminder_claim(reminder_id):
            continue
        reminder = Reminder.objects.select_related("user").get(pk=reminder_id)
        try:
            send_mail(reminder.subject, reminder.body, None, [reminder.user.email])
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("reminder %s not sent: %s", reminder_id, exc)
            status = ReminderStatus.FAILED if reminder.attempts >= REMINDER_MAX_ATTEMPTS else ReminderStatus.PENDING
            Reminder.objects.filter(pk=reminder_id).update(status=status, last_error=str(exc)[:500])
            continue
        Reminder.objects.filter(pk=reminder_id).update(status=ReminderStatus.SENT, sent_at=now)
        sent += 1
    return sent
