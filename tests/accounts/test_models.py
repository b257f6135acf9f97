from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError
from django.test import RequestFactory

from accounts.models import CareLink, CareLinkStatus, Role, RunnerProfile, User
from accounts.services import care_link_activate, user_create

pytestmark = pytest.mark.django_db


def test_the_project_uses_the_custom_user_model() -> None:
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User(), "username") or User().username is None


def test_login_is_by_email_and_case_insensitive() -> None:
    user_create(email="Ana.Runner@Example.TEST", password="a long enough secret", role=Role.RUNNER)
    stored = User.objects.get()
    assert stored.email == "ana.runner@example.test"
    # Every password check names its request: the login lockout counts per client address.
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="ANA.runner@example.test", password="a long enough secret") == stored
    assert authenticate(request, username="ana.runner@example.test", password="wrong") is None


def test_email_is_unique() -> None:
    user_create(email="a@example.test", password="x" * 12)
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="a@example.test", password="y" * 12)


def test_a_runner_gets_a_profile_and_a_physio_does_not() -> None:
    runner = user_create(email="r@example.test", password="x" * 12, role=Role.RUNNER)
    physio = user_create(email="p@example.test", password="x" * 12, role=Role.PHYSIO)
    assert runner.is_runner and not runner.is_physio
    assert physio.is_physio and not physio.is_runner
    assert RunnerProfile.objects.get(user=runner).units == "km"
    assert not RunnerProfile.objects.filter(user=physio).exists()


def test_superuser_needs_no_username() -> None:
    admin = User.objects.create_superuser(email="admin@example.test", password="x" * 12)
    assert admin.is_staff and admin.is_superuser


def test_a_user_without_email_is_refused() -> None:
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user(email="", password="x")


def test_care_link_activation_records_consent_once(runner: User, other_physio: User) -> None:
    first = care_link_activate(physio=other_physio, runner=runner)
    second = care_link_activate(physio=other_physio, runner=runner)
    assert first.pk == second.pk
    assert second.status == CareLinkStatus.ACTIVE and second.consented_at is not None
    assert CareLink.objects.active().filter(runner=runner).count() == 1


def test_an_active_care_link_without_consent_time_is_refused(runner: User, other_physio: User) -> None:
    with pytest.raises(IntegrityError):
        CareLink.objects.create(physio=other_physio, runner=runner, status=CareLinkStatus.ACTIVE)


def test_admin_lists_users(admin_client, runner: User) -> None:
    response = admin_client.get("/admin/accounts/user/")
    assert response.status_code == 200
    assert runner.email in response.content.decode()
