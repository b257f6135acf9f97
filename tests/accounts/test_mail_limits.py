"""E-mail limits: sign-in links, password resets and invitations send at most so many e-mails an hour to one address
and for one client, answer as if they had sent, and count in the shared cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import redis
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.care import INVITATIONS_OVER_LIMIT
from accounts.models import Invitation, User
from tests.api.conftest import client_for
from tests.conftest import LOCAL_REDIS, PINNED_NOW
from tests.factories.accounts import RunnerFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

PER_ADDRESS = 5
PER_CLIENT = 20


@pytest.fixture(autouse=True)
def mail_limits(settings: Any) -> None:
    settings.MAIL_PER_ADDRESS_PER_HOUR = PER_ADDRESS
    settings.MAIL_PER_CLIENT_PER_HOUR = PER_CLIENT


def _ask_for_link(client: Client, email: str, **extra: str) -> Any:
    return client.post(reverse("accounts:login-link"), {"link-email": email}, **extra)


def _ask_for_reset(client: Client, email: str) -> Any:
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_twenty_sign_in_link_requests_send_five_emails_and_answer_alike(client: Client, runner: User) -> None:
    answers = [_ask_for_link(client, runner.email, REMOTE_ADDR=f"192.0.2.{n + 1}") for n in range(20)]
    assert len(mail.outbox) == PER_ADDRESS
    assert {response.status_code for response in answers} == {200}
    assert len({main_text(response.content) for response in answers}) == 1, "the same page sent or not"


def test_twenty_password_resets_send_five_emails_and_answer_alike(client: Client, runner: User) -> None:
    answers = [_ask_for_reset(client, runner.email) for _ in range(20)]
    assert len(mail.outbox) == PER_ADDRESS
    assert {(response.status_code, response["Location"]) for response in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }


def test_links_and_resets_share_the_addresss_count(client: Client, runner: User) -> None:
    for _ in range(4):
        _ask_for_link(client, runner.email)
        _ask_for_reset(client, runner.email.upper())
    assert len(mail.outbox) == PER_ADDRESS


def test_one_client_asking_for_many_addresses_is_limited_and_others_are_not(client: Client) -> None:
    runners = [RunnerFactory(email=f"many{n}@example.test") for n in range(PER_CLIENT + 5)]
    for runner in runners:
        _ask_for_link(client, runner.email)
    assert len(mail.outbox) == PER_CLIENT
    _ask_for_link(Client(REMOTE_ADDR="198.51.100.7"), runners[-1].email)
    assert len(mail.outbox) == PER_CLIENT + 1
    assert mail.outbox[-1].to == [runners[-1].email]


def test_made_up_forwarded_for_headers_do_not_reset_the_clients_count(client: Client) -> None:
    runners = [RunnerFactory(email=f"spoof{n}@example.test") for n in range(PER_CLIENT + 5)]
    for n, runner in enumerate(runners):
        _ask_for_link(client, runner.email, HTTP_X_FORWARDED_FOR=f"10.0.{n}.1")
    assert len(mail.outbox) == PER_CLIENT


def test_the_count_starts_again_after_an_hour(client: Client, runner: User) -> None:
    for _ in range(PER_ADDRESS + 2):
        _ask_for_link(client, runner.email)
    assert len(mail.outbox) == PER_ADDRESS
    with time_machine.travel(PINNED_NOW + dt.timedelta(minutes=61), tick=False):
        _ask_for_link(client, runner.email)
    assert len(mail.outbox) == PER_ADDRESS + 1


def test_a_physios_invitations_are_limited_with_a_clear_error(physio: User) -> None:
    api = client_for(physio)
    answers = [api.post("/api/v1/invitations/", {"email": f"invitee{n}@example.test"}) for n in range(PER_CLIENT + 1)]
    assert [response.status_code for response in answers] == [201] * PER_CLIENT + [400]
    assert answers[-1].json()["detail"] == INVITATIONS_OVER_LIMIT
    assert len(mail.outbox) == PER_CLIENT == Invitation.objects.count()


def test_one_address_gets_at_most_five_invitations_an_hour(client: Client, physio: User, other_physio: User) -> None:
    for _ in range(PER_ADDRESS):
        response = client_for(other_physio).post("/api/v1/invitations/", {"email": "popular@example.test"})
        assert response.status_code == 201
    client.force_login(physio)
    response = client.post(reverse("programs:invitation-list"), {"email": "popular@example.test"})
    assert response.status_code == 400 and INVITATIONS_OVER_LIMIT in main_text(response.content)
    assert len(mail.outbox) == PER_ADDRESS


def test_the_counts_live_in_the_shared_cache(redis_cache: str, client: Client, runner: User) -> None:
    for _ in range(PER_ADDRESS + 2):
        _ask_for_link(client, runner.email)
    assert len(mail.outbox) == PER_ADDRESS
    # What another worker or host reads: the count in Redis itself, not in this process.
    counts = {
        key.decode().split(":", 2)[2].split(":")[1]: int(redis.Redis.from_url(LOCAL_REDIS).get(key) or 0)
        for key in redis.Redis.from_url(LOCAL_REDIS).scan_iter(f"{redis_cache}:*")
    }
    assert counts == {"to": PER_ADDRESS + 2, "from": PER_ADDRESS + 2}


@pytest.mark.parametrize("existing", [True, False], ids=["existing address", "new address"])
def test_twenty_sign_ups_for_one_address_send_five_emails_and_answer_alike(
    client: Client, runner: User, existing: bool
) -> None:
    email = runner.email if existing else "someone.new@example.test"
    data = {"first_name": "Jo", "email": email, "password": "a long new passphrase 42"}
    answers = [client.post(reverse("accounts:signup"), data, REMOTE_ADDR=f"192.0.2.{n + 1}") for n in range(20)]
    assert len(mail.outbox) == PER_ADDRESS
    assert {response.status_code for response in answers} == {200}
    assert len({main_text(response.content) for response in answers}) == 1, "the same page sent or not"
