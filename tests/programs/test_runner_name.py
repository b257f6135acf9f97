"""The runner's first name: the physio sees patients by it (the e-mail address for an account without one), and the
runner changes it in Settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories.accounts import CareLinkFactory, RunnerFactory
from tests.pages import at, main_text
from tests.programs.plans import START

pytestmark = pytest.mark.django_db

NAME_FORM = "/settings/name/"


def _patients(client: Client, physio: User) -> str:
    client.force_login(physio)
    with at(START + dt.timedelta(days=2)):
        return main_text(client.get(reverse("programs:patients")).content)


def test_the_physio_sees_patients_by_first_name_and_unnamed_ones_by_e_mail(
    client: Client, physio: User, runner: User
) -> None:
    User.objects.filter(pk=runner.pk).update(first_name="Robin")
    unnamed = RunnerFactory(email="no.name@example.test", first_name="")
    CareLinkFactory(physio=physio, runner=unnamed)

    page = _patients(client, physio)

    assert "Robin" in page and runner.email not in page
    assert "no.name@example.test" in page
    response = client.get(reverse("programs:patient-detail", args=[runner.pk]))
    assert response.status_code == 200 and "<h1>Robin</h1>" in response.content.decode()


def test_the_runner_changes_their_name_in_settings_and_the_physio_sees_the_new_one(
    client: Client, physio: User, runner: User
) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:settings")).content.decode()
    assert 'name="name-first_name"' in page and 'autocomplete="given-name"' in page

    response = client.post(NAME_FORM, {"name-first_name": "  Robin "})

    assert response.status_code == 302 and response["Location"] == reverse("programs:settings") + "#name"
    runner.refresh_from_db()
    assert runner.first_name == "Robin"
    assert "Your name is saved." in main_text(client.get(reverse("programs:settings")).content)
    assert "Robin" in _patients(client, physio)


def test_an_empty_name_is_a_field_error_and_keeps_the_old_one(client: Client, runner: User) -> None:
    User.objects.filter(pk=runner.pk).update(first_name="Robin")
    client.force_login(runner)

    response = client.post(NAME_FORM, {"name-first_name": "   "})

    assert response.status_code == 400
    assert "Enter your first name." in main_text(response.content)
    runner.refresh_from_db()
    assert runner.first_name == "Robin"


def test_a_physio_has_no_runner_name_form(client: Client, physio: User) -> None:
    client.force_login(physio)
    assert client.post(NAME_FORM, {"name-first_name": "Pat"}).status_code == 404
