"""How a reminder reaches a person: e-mail (the outcome that counts), then Web Push to each phone that allowed it.

A `Sender` serves a whole batch: one SMTP connection and one HTTP session for the push services. Nothing here
raises for a delivery problem (the mail server's answer, the network, the push service); the outcome says whether to
try again later ("retry") or give up ("failed"). Anything else is a bug in our own code and is left to raise, so it
reaches the task's log with its traceback instead of becoming a reminder marked failed.
Also the signed one-click unsubscribe link that every e-mail carries, and what following it does.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

import requests
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid  # type: ignore[import-untyped]  # py-vapid ships no types
from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]  # nor does pywebpush

from accounts.models import PushSubscription, Role, RunnerProfile, User
from programs.choices import ReminderStatus
from programs.models import Reminder
from programs.reminders.choices import KIND_SWITCHES
from programs.reminders.messages import Message
from programs.services.runner_settings import physio_digest_set

logger = logging.getLogger(__name__)

PHYSIO_DIGEST = "physio_digest"
# What each kind of message is called in a sentence, in the e-mail footer and on the unsubscribe page.
KIND_NAMES = {
    "session": "session reminders",
    "morning_check": "morning check reminders",
    "missed_session": "reminders after a missed session",
    "plan_changed": "messages when your plan changes",
    PHYSIO_DIGEST: "the hourly e-mail about patients who need attention",
}
UNSUBSCRIBE_SALT = "reminders.unsubscribe"
# Django waits forever on a silent SMTP server unless told otherwise, and a send task must not hang.
SMTP_TIMEOUT_SECONDS = 30
PUSH_TIMEOUT_SECONDS = 10
# A phone that is off for a while still gets the day's reminder when it comes back, but not a stale one tomorrow.
PUSH_TTL_SECONDS = 12 * 60 * 60
ERROR_TEXT_MAX = 500
GONE_STATUSES = (404, 410)  # the push service says the subscription no longer exists

# Errors that mean "not now": the reminder is worth sending again later.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
)
# The server's own answer to a command: smtplib has reset the transaction, so the connection serves the next message.
# Any other OSError (every SMTPException is one) leaves the connection in doubt: it is closed and opened afresh.
REPLY_ERRORS: tuple[type[OSError], ...] = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
# A connection the server closed under us, worth reopening at once.
DROPPED_CONNECTION_ERRORS: tuple[type[OSError], ...] = (smtplib.SMTPServerDisconnected, ConnectionError)


@dataclass(frozen=True)
class PushTarget:
    id: int
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Outcome:
    status: Literal["sent", "retry", "failed"]  # retry = a named transient error (SMTP 4xx, disconnect, timeout)
    error: str = ""


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_MAX]


def email_outcome(exc: OSError) -> Outcome:
    """What a delivery problem means for the reminder: a 4xx reply, a dropped connection or a timeout is worth
    another try; a 5xx reply or any other error of the server or the network is not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # RFC 5321: a 4xx at RCPT (a full mailbox, greylisting) is temporary too.
        codes = [code for code, _reply in exc.recipients.values()]
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        return Outcome("retry" if temporary else "failed", _error_text(exc))
    if isinstance(exc, TRANSIENT_ERRORS):
        return Outcome("retry", _error_text(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        return Outcome("retry" if 400 <= exc.smtp_code < 500 else "failed", _error_text(exc))
    return Outcome("failed", _error_text(exc))


@dataclass(frozen=True)
class ChoicesPlace:
    """Where the person turns a kind of message back on: a runner's Settings, a physio's patient list."""

    url_name: str
    words: str


def choices_place(kind: str) -> ChoicesPlace:
    if kind == PHYSIO_DIGEST:
        return ChoicesPlace("programs:patients", "your patient list")
    return ChoicesPlace("programs:settings", "Settings")


def email_footer(*, kind: str, unsubscribe: str) -> str:
    place = choices_place(kind)
    return (
        f"\n\n-- \nYou get these because your RehabPlan account has {KIND_NAMES[kind]} turned on.\n"
        f"Stop these e-mails: {unsubscribe}\n"
        f"Change what RehabPlan sends you in {place.words}: {settings.SITE_URL}{reverse(place.url_name)}\n"
    )


def push_payload(message: Message) -> str:
    return json.dumps({"title": message.push_title, "body": message.push_body, "url": message.url})


def _not_sent(exc: OSError) -> Outcome:
    """The outcome of an e-mail that did not go, logged with the traceback: the row keeps only the error's words."""
    outcome = email_outcome(exc)
    logger.warning("reminder e-mail not sent (%s): %s", outcome.status, outcome.error, exc_info=exc)
    return outcome


class Sender:
    """Context manager: one SMTP connection for a whole batch, reopened once for a message if the server drops it."""

    def __init__(self) -> None:
        self._email: BaseEmailBackend | None = None
        self._email_open = False
        self._push_session: requests.Session | None = None
        self._vapid: Any = None

    def __enter__(self) -> Sender:
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT_SECONDS
        self._email = get_connection(timeout=timeout)
        if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
            try:
                self._vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
            except ValueError:  # not base64, or not a P-256 key
                logger.exception("VAPID_PRIVATE_KEY cannot be read: reminders go by e-mail only")
            else:
                self._push_session = requests.Session()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._email_close()
        if self._push_session is not None:
            self._push_session.close()
            self._push_session = None

    def send(self, *, user_id: int, email: str, kind: str, message: Message, push: Sequence[PushTarget]) -> Outcome:
        """E-mail first, then each phone. A push never changes the outcome; it is skipped when the e-mail is to be
        tried again, so a retried reminder does not buzz the phone twice."""
        unsubscribe = unsubscribe_url(user_id=user_id, kind=kind)
        outcome = self._send_email(email=email, kind=kind, message=message, unsubscribe=unsubscribe)
        if outcome.status != "retry":
            for target in push:
                self._push(target, message)
        return outcome

    # ------------------------------------------------------------------ e-mail

    def _send_email(self, *, email: str, kind: str, message: Message, unsubscribe: str) -> Outcome:
        assert self._email is not None, "use Sender as a context manager"
        mail = EmailMessage(
            subject=message.subject,
            body=message.text + email_footer(kind=kind, unsubscribe=unsubscribe),
            to=[email],
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            connection=self._email,
        )
        was_open = self._email_open
        try:
            self._deliver(mail)
        except REPLY_ERRORS as exc:
            return _not_sent(exc)
        except OSError as exc:  # every SMTPException is one
            self._email_close()
            if not (was_open and isinstance(exc, DROPPED_CONNECTION_ERRORS)):
                return _not_sent(exc)
            # The server dropped a connection this batch had open (idle too long, or a per-connection limit).
            return self._deliver_again(mail)
        return Outcome("sent")

    def _deliver_again(self, mail: EmailMessage) -> Outcome:
        try:
            self._deliver(mail)
        except OSError as exc:
            if not isinstance(exc, REPLY_ERRORS):
                self._email_close()
            return _not_sent(exc)
        return Outcome("sent")

    def _deliver(self, mail: EmailMessage) -> None:
        assert self._email is not None
        if not self._email_open:
            self._email.open()
            self._email_open = True
        self._email.send_messages([mail])

    def _email_close(self) -> None:
        if self._email is None:
            return
        self._email_open = False
        try:
            self._email.close()
        except OSError:  # already gone: nothing to tidy up
            logger.debug("closing the e-mail connection failed", exc_info=True)

    # ------------------------------------------------------------------ web push

    def _push(self, target: PushTarget, message: Message) -> None:
        if self._vapid is None:
            return
        try:
            webpush(
                subscription_info={"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}},
                data=push_payload(message),
                vapid_private_key=self._vapid,
                # A new dict each time: pywebpush writes the audience (the push service's origin) into it.
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                timeout=PUSH_TIMEOUT_SECONDS,
                ttl=PUSH_TTL_SECONDS,
                requests_session=self._push_session,
            )
        except WebPushException as exc:
            if exc.status_code in GONE_STATUSES:
                PushSubscription.objects.filter(pk=target.id).delete()
                logger.info("push subscription %s is gone (%s): deleted", target.id, exc.status_code)
            else:
                logger.warning("push to subscription %s failed: %s", target.id, _error_text(exc), exc_info=True)
        except OSError as exc:  # requests' errors (unreachable, timed out) are OSErrors
            logger.warning("push to subscription %s failed: %s", target.id, _error_text(exc), exc_info=True)


# ---------------------------------------------------------------------- unsubscribing


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    kind: str


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    if kind not in KIND_NAMES:
        raise ValueError(f"unknown reminder kind {kind!r}")
    # No timestamp (Signer, not dumps): the link never expires, and a person's link for a kind is always the same.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([user_id, kind])


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    """Absolute and signed; it never expires, as an old e-mail's link must still work."""
    path = reverse("programs:reminders-unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)])
    return f"{settings.SITE_URL}{path}"


def unsubscribe_request(token: str) -> UnsubscribeRequest | None:
    """Who and what a link's token stops; None when it is not one of ours (altered, cut short, made up)."""
    try:
        user_id, kind = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in KIND_NAMES:
        return None
    return UnsubscribeRequest(user_id=user_id, kind=kind)


def reminders_unsubscribe(*, user_id: int, kind: str) -> None:
    """Turns that kind of message off for the person and drops any of it already queued (marked skipped, kept as
    history), then recomputes their next reminder once this commits. An account since deleted: nothing to do."""
    if kind not in KIND_NAMES:
        raise ValueError(f"unknown reminder kind {kind!r}")
    with transaction.atomic():
        if kind == PHYSIO_DIGEST:
            physio = User.objects.filter(pk=user_id, role=Role.PHYSIO).first()
            if physio is not None:
                physio_digest_set(user=physio, enabled=False)
        else:
            RunnerProfile.objects.filter(user_id=user_id).update(**{KIND_SWITCHES[kind]: False})
            Reminder.objects.filter(user_id=user_id, kind=kind, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.SKIPPED, updated_at=timezone.now()
            )
        # Imported here: the reminder engine imports this module to deliver what it schedules.
        from programs.reminders.dispatch import reminders_reschedule_after_commit

        reminders_reschedule_after_commit(user_id)
