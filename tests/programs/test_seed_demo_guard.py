"""`seed_demo` on a server with DEBUG off: refused unless asked, and never with the published demo password."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import User
from programs.management.commands.seed_demo import ADMIN_EMAIL, DEMO_PASSWORD, RUNNER_EMAIL

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--no-history", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=False)
def test_with_debug_off_it_refuses_unless_asked() -> None:
    with pytest.raises(CommandError, match="--allow-production"):
        _seed()
    assert not User.objects.exists()


@override_settings(DEBUG=False)
def test_with_debug_off_the_published_password_is_refused_even_when_asked() -> None:
    with pytest.raises(CommandError, match="published demo password"):
        _seed("--allow-production", "--password", DEMO_PASSWORD)
    assert not User.objects.exists()


@override_settings(DEBUG=False)
def test_asked_with_debug_off_it_makes_up_a_password_and_prints_it_once() -> None:
    out = _seed("--allow-production")

    printed = [line.rsplit(": ", 1)[1] for line in out.splitlines() if "password (shown once)" in line]
    assert len(printed) == 1 and printed[0] != DEMO_PASSWORD and len(printed[0]) >= 12
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_superuser and admin.check_password(printed[0]) and not admin.check_password(DEMO_PASSWORD)


@override_settings(DEBUG=False)
def test_asked_with_a_password_it_uses_that_one_and_replaces_a_published_one_left_behind() -> None:
    with override_settings(DEBUG=True):
        _seed()  # an earlier development run against this database
    assert User.objects.get(email=RUNNER_EMAIL).check_password(DEMO_PASSWORD)

    _seed("--allow-production", "--password", "the staging server's own passphrase")

    for user in User.objects.filter(email__endswith="@demo.rehabplan.test"):
        assert user.check_password("the staging server's own passphrase"), user.email


@override_settings(DEBUG=True)
def test_a_development_machine_keeps_the_published_logins_and_they_count_as_confirmed() -> None:
    _seed()
    runner = User.objects.get(email=RUNNER_EMAIL)
    assert runner.check_password(DEMO_PASSWORD) and runner.email_verified
