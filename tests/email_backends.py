"""E-mail backends for tests (named in EMAIL_BACKEND) that raise as a real backend would, with no server needed."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class RaisingBackend(BaseEmailBackend):
    """Takes no message: every send raises what `error()` makes."""

    def error(self) -> Exception:
        raise NotImplementedError

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise self.error()


class RefusingBackend(RaisingBackend):
    """The mail server refuses the recipient for good (550 at RCPT): a delivery problem."""

    def error(self) -> Exception:
        return smtplib.SMTPRecipientsRefused({"runner@example.test": (550, b"No such user here")})


class BuggyBackend(RaisingBackend):
    """A mistake in our own code on the way to the server (here, a wrong argument's type)."""

    def error(self) -> Exception:
        return TypeError("can only concatenate str (not 'int') to str")
