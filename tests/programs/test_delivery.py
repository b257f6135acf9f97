"""Delivering a reminder (programs/reminders/delivery.py) to real things: Django's locmem outbox for what an e-mail
carries, a real SMTP server on 127.0.0.1 that answers 451, 550 or drops the connection, and a real HTTP push
service on 127.0.0.1 that reads what pywebpush posts (VAPID signature, encrypted body) and answers 201, 410 or 500.
"""

from __future__ import annotations

import http.server
import json
import smtplib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import http_ece
import pytest
from aiosmtpd.controller import Controller
from django.core import mail, signing
from django.urls import resolve
from py_vapid import Vapid02

from accounts.models import PushSubscription, User
from programs.choices import ReminderKind
from programs.reminders.delivery import (
    KIND_NAMES,
    Outcome,
    PushTarget,
    Sender,
    email_outcome,
    unsubscribe_request,
    unsubscribe_url,
)
from programs.reminders.messages import Message
from tests.factories.accounts import PushSubscriptionFactory
from tests.integration.rig import free_port
from tests.push import BrowserKeys, browser_keys, vapid_keys

pytestmark = pytest.mark.django_db

MESSAGE = Message(
    subject="Today: your hamstring session",
    text="Today, Monday 23 November:\n- Nordic hamstring curl: 2 sets of 5\n\nOpen Today: https://rehab.test/",
    push_title="Today's session",
    push_body="Nordic hamstring curl: 2 sets of 5",
    url="https://rehab.test/",
)


# ---------------------------------------------------------------------- e-mail: what it carries (locmem)


def test_the_email_carries_one_click_unsubscribe_headers_and_a_footer_with_the_link(
    runner: User, settings: Any
) -> None:
    settings.SITE_URL = "https://rehab.test"
    with Sender() as sender:
        outcome = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[])

    assert outcome == Outcome("sent")
    [sent] = mail.outbox
    link = unsubscribe_url(user_id=runner.pk, kind="session")
    assert link.startswith("https://rehab.test/reminders/unsubscribe/")
    assert sent.to == [runner.email]
    assert sent.subject == MESSAGE.subject
    assert sent.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The message's own text first, then a plain footer saying why it came and how to stop it.
    assert sent.body.startswith(MESSAGE.text)
    footer = sent.body[len(MESSAGE.text) :]
    assert "You get these because your RehabPlan account has session reminders turned on." in footer
    assert f"Stop these e-mails: {link}" in footer
    assert "in Settings: https://rehab.test/settings/" in footer
    # The headers survive into the MIME message a mail server receives.
    raw = sent.message()
    assert raw["List-Unsubscribe"] == f"<{link}>"


def test_every_kind_of_reminder_has_words_for_the_footer_and_the_unsubscribe_page() -> None:
    assert set(KIND_NAMES) == set(ReminderKind.values)
    assert all("_" not in words for words in KIND_NAMES.values())


def test_a_physios_digest_footer_points_to_the_patient_list(physio: User, settings: Any) -> None:
    settings.SITE_URL = "https://rehab.test"
    with Sender() as sender:
        sender.send(user_id=physio.pk, email=physio.email, kind="physio_digest", message=MESSAGE, push=[])

    [sent] = mail.outbox
    assert "has the hourly e-mail about patients who need attention turned on" in sent.body
    assert "in your patient list: https://rehab.test/patients/" in sent.body


@pytest.mark.parametrize("kind", ["session", "morning_check", "missed_session", "plan_changed", "physio_digest"])
def test_the_unsubscribe_link_is_signed_for_the_person_and_kind_and_opens_the_unsubscribe_page(kind: str) -> None:
    link = unsubscribe_url(user_id=42, kind=kind)
    path = link.split("://", 1)[1].split("/", 1)[1]
    match = resolve("/" + path)
    assert match.url_name == "reminders-unsubscribe"
    wanted = unsubscribe_request(match.kwargs["token"])
    assert wanted is not None
    assert (wanted.user_id, wanted.kind) == (42, kind)


def test_an_altered_or_foreign_token_is_not_read() -> None:
    token = unsubscribe_url(user_id=42, kind="session").rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_request(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert unsubscribe_request(signing.Signer(salt="another.purpose").sign_object([42, "session"])) is None
    assert unsubscribe_request(signing.Signer(salt="reminders.unsubscribe").sign_object([42, "no_such_kind"])) is None
    assert unsubscribe_request(signing.Signer(salt="reminders.unsubscribe").sign_object({"u": 42})) is None
    assert unsubscribe_request("not-a-token") is None


# ---------------------------------------------------------------------- e-mail: a real SMTP server


@dataclass
class ScriptedSmtp:
    """An SMTP server's handler that answers each message as told: "ok", "451" or "550" (at DATA), "450-rcpt" or
    "550-rcpt" (at RCPT), or "drop" (closes the connection at MAIL, without a word). Then "ok" once the script
    runs out. Records which connection (client port) each accepted message came on."""

    script: list[str] = field(default_factory=list)
    accepted: list[tuple[str, int]] = field(default_factory=list)  # (subject line, client port)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _current: str = "ok"

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]) -> str:
        with self._lock:
            self._current = self.script.pop(0) if self.script else "ok"
        if self._current == "drop":
            server.transport.abort()
            return "250 OK"  # never reaches the client
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if self._current == "450-rcpt":
            return "450 Mailbox busy, try again later"
        if self._current == "550-rcpt":
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._current == "451":
            return "451 Local error in processing, try again later"
        if self._current == "550":
            return "550 Message rejected as spam"
        subject = next(line for line in envelope.content.decode().splitlines() if line.startswith("Subject:"))
        with self._lock:
            self.accepted.append((subject, session.peer[1]))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings: Any) -> Iterator[ScriptedSmtp]:
    handler = ScriptedSmtp()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


def _message(n: int) -> Message:
    return Message(subject=f"Reminder {n}", text=f"Text {n}", push_title="t", push_body="b", url="https://rehab.test/")


def _send_all(runner: User, count: int) -> list[Outcome]:
    with Sender() as sender:
        return [
            sender.send(user_id=runner.pk, email=runner.email, kind="session", message=_message(n), push=[])
            for n in range(count)
        ]


def test_a_batch_goes_over_one_smtp_connection(runner: User, smtp: ScriptedSmtp) -> None:
    outcomes = _send_all(runner, 3)

    assert [o.status for o in outcomes] == ["sent", "sent", "sent"]
    assert [subject for subject, _port in smtp.accepted] == [f"Subject: Reminder {n}" for n in range(3)]
    assert len({port for _subject, port in smtp.accepted}) == 1


def test_a_451_is_retry_and_the_connection_serves_the_next_message(runner: User, smtp: ScriptedSmtp) -> None:
    smtp.script = ["451", "ok"]
    first, second = _send_all(runner, 2)

    assert first.status == "retry"
    assert "451" in first.error
    assert second == Outcome("sent")
    assert [subject for subject, _port in smtp.accepted] == ["Subject: Reminder 1"]


@pytest.mark.parametrize("answer", ["550", "550-rcpt"])
def test_a_5xx_is_failed_with_the_servers_words(runner: User, smtp: ScriptedSmtp, answer: str) -> None:
    smtp.script = [answer]
    first, second = _send_all(runner, 2)

    assert first.status == "failed"
    assert "550" in first.error
    assert second == Outcome("sent")


def test_a_4xx_refusal_of_the_recipient_is_retry(runner: User, smtp: ScriptedSmtp) -> None:
    # Greylisting and full mailboxes answer 450 at RCPT: temporary (RFC 5321), whatever smtplib's exception is called.
    smtp.script = ["450-rcpt"]
    [outcome] = _send_all(runner, 1)

    assert outcome.status == "retry"
    assert "450" in outcome.error


def test_a_dropped_connection_is_reopened_once_and_the_message_still_goes(runner: User, smtp: ScriptedSmtp) -> None:
    smtp.script = ["ok", "drop"]  # the server hangs up when the second message starts
    outcomes = _send_all(runner, 3)

    assert [o.status for o in outcomes] == ["sent", "sent", "sent"]
    assert [subject for subject, _port in smtp.accepted] == [f"Subject: Reminder {n}" for n in range(3)]
    first_connection, *reopened = [port for _subject, port in smtp.accepted]
    assert len(set(reopened)) == 1
    assert first_connection not in reopened


def test_a_connection_dropped_again_after_reopening_is_retry(runner: User, smtp: ScriptedSmtp) -> None:
    smtp.script = ["ok", "drop", "drop", "ok"]
    outcomes = _send_all(runner, 3)

    assert [o.status for o in outcomes] == ["sent", "retry", "sent"]
    assert "SMTPServerDisconnected" in outcomes[1].error
    assert [subject for subject, _port in smtp.accepted] == ["Subject: Reminder 0", "Subject: Reminder 2"]


def test_no_smtp_server_listening_is_retry(runner: User, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    [outcome] = _send_all(runner, 1)

    assert outcome.status == "retry"
    assert "ConnectionRefusedError" in outcome.error


def test_a_server_that_never_answers_is_retry_after_the_timeout(runner: User, settings: Any) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 0.3
        [outcome] = _send_all(runner, 1)

    assert outcome.status == "retry"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (smtplib.SMTPServerDisconnected("gone"), "retry"),
        (smtplib.SMTPConnectError(554, b"no service"), "retry"),
        (smtplib.SMTPDataError(421, b"closing"), "retry"),
        (smtplib.SMTPSenderRefused(552, b"too big", "a@b.test"), "failed"),
        (smtplib.SMTPRecipientsRefused({"a@b.test": (550, b"unknown")}), "failed"),
        (smtplib.SMTPRecipientsRefused({"a@b.test": (451, b"later"), "c@d.test": (550, b"no")}), "failed"),
        (ConnectionResetError(), "retry"),
        (TimeoutError(), "retry"),
        (smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server"), "failed"),
    ],
)
def test_what_each_error_means(error: OSError, status: str) -> None:
    outcome = email_outcome(error)
    assert outcome.status == status
    assert type(error).__name__ in outcome.error


def test_a_refusal_is_failed_and_logged_with_its_traceback(
    runner: User, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = "tests.email_backends.RefusingBackend"
    [outcome] = _send_all(runner, 1)

    assert outcome.status == "failed"
    assert "SMTPRecipientsRefused" in outcome.error
    [record] = [r for r in caplog.records if r.name == "programs.reminders.delivery"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], smtplib.SMTPRecipientsRefused)


def test_a_mistake_in_our_own_code_raises_rather_than_passing_for_a_delivery_problem(
    runner: User, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.email_backends.BuggyBackend"
    with pytest.raises(TypeError, match="can only concatenate"):
        _send_all(runner, 1)


# ---------------------------------------------------------------------- web push: a real (plain HTTP) push service


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService(http.server.ThreadingHTTPServer):
    """Answers every POST with `status` and keeps what arrived."""

    def __init__(self) -> None:
        self.status = 201
        self.received: list[Received] = []
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def endpoint(self, name: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/push/{name}"


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    thread = threading.Thread(target=service.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.shutdown()
        service.server_close()
        thread.join()


@pytest.fixture
def vapid(settings: Any) -> dict[str, str]:
    keys = vapid_keys()
    settings.VAPID_PUBLIC_KEY = keys["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = keys["VAPID_PRIVATE_KEY"]
    settings.VAPID_SUBJECT = "mailto:reminders@rehab.test"
    return keys


def _subscribe(user: User, service: PushService, name: str) -> tuple[PushTarget, BrowserKeys]:
    keys = browser_keys()
    row = PushSubscriptionFactory(user=user, endpoint=service.endpoint(name), p256dh=keys.p256dh, auth=keys.auth)
    return PushTarget(row.pk, row.endpoint, row.p256dh, row.auth), keys


def test_a_push_reaches_the_service_signed_and_encrypted_for_that_browser(
    runner: User, push_service: PushService, vapid: dict[str, str]
) -> None:
    target, keys = _subscribe(runner, push_service, "phone")
    with Sender() as sender:
        outcome = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[target])

    assert outcome == Outcome("sent")
    [request] = push_service.received
    assert request.path == "/push/phone"
    # VAPID (RFC 8292): signed by our private key, with our public key, for this push service's origin.
    authorization = request.headers["authorization"]
    assert authorization.startswith("vapid t=")
    assert f"k={vapid['VAPID_PUBLIC_KEY']}" in authorization
    assert Vapid02.verify(authorization)
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    claims = json.loads(signing.b64_decode(token.split(".")[1].encode()))
    assert claims["aud"] == push_service.endpoint("x").rsplit("/push/", 1)[0]
    assert claims["sub"] == "mailto:reminders@rehab.test"
    assert int(request.headers["ttl"]) > 0
    # The body is encrypted for the browser's keys (RFC 8291): only its private key and secret open it.
    assert request.headers["content-encoding"] == "aes128gcm"
    assert b"Nordic" not in request.body
    plain = http_ece.decrypt(request.body, private_key=keys.private_key, auth_secret=keys.auth_bytes)
    assert json.loads(plain) == {"title": MESSAGE.push_title, "body": MESSAGE.push_body, "url": MESSAGE.url}


def test_a_push_service_answering_410_deletes_that_subscription_and_the_reminder_still_counts(
    runner: User, push_service: PushService, vapid: dict[str, str]
) -> None:
    gone, _ = _subscribe(runner, push_service, "old-phone")
    kept, _ = _subscribe(runner, push_service, "new-phone")
    push_service.status = 410
    with Sender() as sender:
        outcome = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[gone])
    push_service.status = 201
    with Sender() as sender:
        sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[kept])

    assert outcome == Outcome("sent")
    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [kept.id]
    assert len(mail.outbox) == 2


def test_another_push_error_keeps_the_subscription_and_the_next_phone_is_still_tried(
    runner: User, push_service: PushService, vapid: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    first, _ = _subscribe(runner, push_service, "one")
    second, _ = _subscribe(runner, push_service, "two")
    push_service.status = 500
    with Sender() as sender:
        outcome = sender.send(
            user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[first, second]
        )

    assert outcome == Outcome("sent")
    assert [r.path for r in push_service.received] == ["/push/one", "/push/two"]
    assert PushSubscription.objects.count() == 2
    assert "push to subscription" in caplog.text


def test_an_unreachable_push_service_never_fails_the_reminder(runner: User, vapid: dict[str, str]) -> None:
    row = PushSubscriptionFactory(
        user=runner, endpoint=f"http://127.0.0.1:{free_port()}/push/x", p256dh=browser_keys().p256dh, auth="a" * 22
    )
    with Sender() as sender:
        outcome = sender.send(
            user_id=runner.pk,
            email=runner.email,
            kind="session",
            message=MESSAGE,
            push=[PushTarget(row.pk, row.endpoint, row.p256dh, row.auth)],
        )

    assert outcome == Outcome("sent")
    assert PushSubscription.objects.filter(pk=row.pk).exists()


def test_without_vapid_keys_nothing_is_pushed(runner: User, push_service: PushService, settings: Any) -> None:
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    target, _ = _subscribe(runner, push_service, "phone")
    with Sender() as sender:
        outcome = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[target])

    assert outcome == Outcome("sent")
    assert push_service.received == []


def test_an_email_to_be_retried_pushes_nothing_so_the_phone_buzzes_once(
    runner: User, push_service: PushService, vapid: dict[str, str], smtp: ScriptedSmtp
) -> None:
    target, _ = _subscribe(runner, push_service, "phone")
    smtp.script = ["451"]
    with Sender() as sender:
        retried = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[target])
        assert push_service.received == []
        again = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[target])

    assert (retried.status, again.status) == ("retry", "sent")
    assert len(push_service.received) == 1


def test_an_email_that_failed_for_good_still_pushes(
    runner: User, push_service: PushService, vapid: dict[str, str], smtp: ScriptedSmtp
) -> None:
    target, _ = _subscribe(runner, push_service, "phone")
    smtp.script = ["550-rcpt"]
    with Sender() as sender:
        outcome = sender.send(user_id=runner.pk, email=runner.email, kind="session", message=MESSAGE, push=[target])

    assert outcome.status == "failed"
    assert len(push_service.received) == 1
