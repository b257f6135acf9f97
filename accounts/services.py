"""Writes for accounts: the only code that creates users, profiles and care links."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import CareLink, CareLinkStatus, Role, RunnerProfile, User


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
