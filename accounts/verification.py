"""Proving an e-mail address, and signing up without telling anyone which addresses have accounts.

A new account starts unverified: its owner typed an address, nothing more. Opening a link sent to that address
verifies it (the sign-up's own link, a sign-in link or a password reset), and only a verified account can read or
accept what a physio addressed to it. Sign-up answers every address the same way ("check your e-mail"): a new one
gets its link, an existing one's owner gets a note that someone tried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.mail_limits import mail_allowed
from accounts.models import User
from accounts.services import user_create
from rehabplan.client_address import client_address


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Django's signed, expiring token (PASSWORD_RESET_TIMEOUT) with its own salt; it stops working once used,
    because the verification time is part of what is signed."""

    key_salt = "rehabplan.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


email_verification_tokens = EmailVerificationTokenGenerator()

# What a used, expired or mangled confirmation link gets, on the web page and over the API.
LINK_NO_LONGER_WORKS = "This link no longer works"
LINK_NO_LONGER_WORKS_WHY = (
    "A confirmation link works once, for a few days. This one has been used already, has expired, or was not copied "
    "in full. Log in, and ask for a new one where a confirmed address is needed."
)


def verification_path_args(user: User) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), email_verification_tokens.make_token(user)


def verification_link_send(*, user: User, link_for: Callable[[str, str], str]) -> None:
    """E-mail the link that verifies the user's address; `link_for(uidb64, token)` makes the absolute URL."""
    send_mail(
        "Confirm your e-mail address for RehabPlan",
        "Open this link to confirm that this is your e-mail address:\n\n"
        f"{link_for(*verification_path_args(user))}\n\n"
        "Until you do, nobody's invitation to follow your plan can reach you. "
        "If you did not create a RehabPlan account, ignore this e-mail.\n",
        None,
        [user.email],
    )


def user_for_verification(uidb64: str, token: str) -> User | None:
    """The unverified user a verification link names, if its token is right and still valid."""
    try:
        user = User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or user.email_verified or not email_verification_tokens.check_token(user, token):
        return None
    return user


def email_mark_verified(user: User) -> None:
    """The user has just opened a link sent to their address. Verifying twice keeps the first time."""
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=user.email_verified_at)


def signup_request_from(request: HttpRequest, cleaned: Mapping[str, Any]) -> None:
    """`signup_request` for a sign-up sent to this site (the web form or the API): the e-mailed links are this
    site's, and the mail limits count the request's client address."""
    signup_request(
        email=cleaned["email"],
        password=cleaned["password"],
        first_name=cleaned["first_name"],
        verification_link_for=lambda uid, token: request.build_absolute_uri(
            reverse("accounts:email-verify", args=[uid, token])
        ),
        password_reset_url=request.build_absolute_uri(reverse("accounts:password_reset")),
        client=client_address(request),
        timezone_name=cleaned["timezone"],
    )


def signup_request(
    *,
    email: str,
    password: str,
    first_name: str,
    verification_link_for: Callable[[str, str], str],
    password_reset_url: str,
    client: str,
    timezone_name: str = "",
) -> None:
    """Create an unverified runner and e-mail the link that verifies it, or, when the address has an account, tell
    its owner someone tried. Each way hashes one password and sends one e-mail (within the e-mail limits of
    `accounts.mail_limits`, which both ways count alike), so neither the answer nor its time says which happened."""
    send = mail_allowed(to=email, client=client)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = user_create(email=email, password=password, first_name=first_name, timezone_name=timezone_name)
        except IntegrityError:  # the same address signed up at the same moment: that one is now the existing account
            existing = User.objects.filter(email__iexact=email).first()
        else:
            if send:
                verification_link_send(user=user, link_for=verification_link_for)
            return
    make_password(password)  # the time a new account's password takes, so an existing address answers as slowly
    if existing is not None and send:
        _someone_tried_to_sign_up(existing, password_reset_url)


def _someone_tried_to_sign_up(user: User, password_reset_url: str) -> None:
    send_mail(
        "Someone tried to create a RehabPlan account with your address",
        "Someone, perhaps you, tried to create a RehabPlan account with this e-mail address, "
        "which already has one. No new account was made and yours has not changed.\n\n"
        "If it was you, log in as usual. Forgotten your password? Choose a new one here (it also signs out "
        f"everywhere else):\n\n{password_reset_url}\n\n"
        "If it was not you, you can ignore this e-mail.\n",
        None,
        [user.email],
    )
