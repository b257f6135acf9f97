"""Writes for accounts: users, care links, sign-in links, calendar links and API tokens.

What also writes programs' rows lives in programs: the runner's settings (they rule out queued reminders,
`programs.services.runner_settings`) and deleting an account (plans and logs first, `programs.services.account_deletion`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
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

LOGIN_LINK_SCOPE = "login-link"


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    role: str = Role.RUNNER,
    first_name: str = "",
    email_verified: bool = False,
    timezone_name: str = "",
) -> User:
    """A new account; a runner's profile starts in `timezone_name` (a valid IANA name, the browser's) or UTC."""
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        first_name=first_name,
        email_verified_at=timezone.now() if email_verified else None,
    )
    if role == Role.RUNNER:
        RunnerProfile.objects.create(user=user, **({"timezone": timezone_name} if timezone_name else {}))
    return user


def user_first_name_set(*, user: User, first_name: str) -> User:
    """The name physios see the person by; an empty one is refused (the e-mail address shows only for accounts that
    never gave one)."""
    first_name = first_name.strip()
    if not first_name:
        raise ValidationError({"first_name": "Enter your first name."})
    User.objects.filter(pk=user.pk).update(first_name=first_name)
    user.first_name = first_name
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


def login_link_lifetime() -> str:
    """How long a sign-in link works, in words ('15 minutes', '1 hour'): the e-mail and the pages read the setting."""
    seconds = int(settings.SESAME_MAX_AGE)
    if seconds >= 3600 and seconds % 3600 == 0:
        amount, unit = seconds // 3600, "hour"
    elif seconds >= 60:
        amount, unit = seconds // 60, "minute"
    else:
        amount, unit = seconds, "second"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


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
        f"It works once, for the next {login_link_lifetime()}. If you did not ask for it, you can ignore this e-mail: "
        "nobody can sign in without it.\n",
        None,
        [user.email],
    )
    return True


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> RunnerProfile:
    """A new subscription secret: the old calendar link stops working at once."""
    profile = RunnerProfile.objects.select_for_update().get(user=user)
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    return profile


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
            f"You already have {API_TOKENS_PER_USER} apps connected. Disconnect one you no longer use in Settings "
            "(Apps connected to your account), then try again."
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
