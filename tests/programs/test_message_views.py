"""The runner's Messages page (`runner-messages`): a thread with each actively linked physio, newest first, and a
reply form for each; the physio writes from the patient page. Both go through accounts.care.message_send."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts import care
from accounts.models import Message, User
from tests.factories.accounts import CareLinkFactory, MessageFactory, PhysioFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

URL = "/messages/"


def _send_url(physio: User) -> str:
    return reverse("programs:runner-message-send", args=[physio.pk])


def _inbox(client: Client, user: User) -> HttpResponse:
    client.force_login(user)
    return cast(HttpResponse, client.get(URL))


def _second_physio(runner: User, name: str = "Sam") -> User:
    return cast(User, CareLinkFactory(runner=runner, physio=PhysioFactory(first_name=name, last_name="Ode")).physio)


def test_the_route_is_the_runner_messages_tab(client: Client, runner: User, physio: User) -> None:
    assert reverse("programs:runner-messages") == URL
    page = _inbox(client, runner).content.decode()
    assert f'<a href="{URL}" aria-current="page">Messages</a>' in page


def test_the_runner_reads_each_physios_thread_newest_first(client: Client, runner: User, physio: User) -> None:
    second = _second_physio(runner)
    care.message_send(author=physio, other_id=runner.pk, body="First from the physio")
    care.message_send(author=runner, other_id=physio.pk, body="My reply")
    care.message_send(author=physio, other_id=runner.pk, body="Second from the physio")
    care.message_send(author=second, other_id=runner.pk, body="Hello from Sam")
    response = _inbox(client, runner)
    assert response.status_code == 200
    text = main_text(response.content)
    assert f"With your physio, {physio.email}" in text and "With your physio, Sam Ode" in text
    first_thread = text[text.index(f"With your physio, {physio.email}") :]
    assert (
        first_thread.index("Second from the physio")
        < first_thread.index("My reply")
        < first_thread.index("First from the physio")
    )
    assert "Hello from Sam" not in text[: text.index("With your physio, Sam Ode")]
    assert text.count("New") == 3  # the physios' messages, not the runner's own


def test_opening_the_page_marks_the_physios_messages_read_once(client: Client, runner: User, physio: User) -> None:
    theirs = care.message_send(author=physio, other_id=runner.pk, body="Read me")
    mine = care.message_send(author=runner, other_id=physio.pk, body="Mine")
    assert "New" in main_text(_inbox(client, runner).content)
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is not None and mine.read_at is None
    assert "New" not in main_text(_inbox(client, runner).content)


def test_the_runner_replies_and_the_physio_sees_it_on_the_patient_page(
    client: Client, runner: User, physio: User
) -> None:
    client.force_login(runner)
    response = client.post(_send_url(physio), {"body": "Bridges felt fine today."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{URL}#physio-{physio.pk}"
    message = Message.objects.get()
    assert (message.physio, message.runner, message.author) == (physio, runner, runner)
    client.force_login(physio)
    page = main_text(client.get(reverse("programs:patient-detail", args=[runner.pk])).content)
    assert "Bridges felt fine today." in page


@pytest.mark.parametrize(("body", "error"), [("", "Write something to send."), ("y" * 5001, "5000 characters")])
def test_a_bad_reply_is_a_400_keeping_the_text_in_its_own_thread(
    client: Client, runner: User, physio: User, body: str, error: str
) -> None:
    second = _second_physio(runner)
    client.force_login(runner)
    response = client.post(_send_url(second), {"body": body})
    assert response.status_code == 400
    text = main_text(response.content)
    assert error in text
    assert text.index(error) > text.index("With your physio, Sam Ode")  # under the thread it was written in
    if body:
        assert body in response.content.decode()
    assert not Message.objects.exists()


def test_writing_to_a_physio_who_is_not_linked_is_a_404(
    client: Client, runner: User, physio: User, other_physio: User
) -> None:
    client.force_login(runner)
    assert client.post(_send_url(other_physio), {"body": "hello"}).status_code == 404
    assert client.post(_send_url(other_physio), {"body": ""}).status_code == 404
    care.care_link_revoke(runner=runner, physio_id=physio.pk)
    assert client.post(_send_url(physio), {"body": "after revoking"}).status_code == 404
    assert not Message.objects.exists()


def test_a_revoked_physios_thread_is_closed(client: Client, runner: User, physio: User) -> None:
    care.message_send(author=physio, other_id=runner.pk, body="Before the revoke")
    care.care_link_revoke(runner=runner, physio_id=physio.pk)
    text = main_text(_inbox(client, runner).content)
    assert "Before the revoke" not in text
    assert "You are not sharing your plan with a physio" in text


def test_without_a_physio_the_page_says_how_sharing_works(client: Client, runner: User) -> None:
    text = main_text(_inbox(client, runner).content)
    assert "You are not sharing your plan with a physio" in text
    assert "When your physio invites you, you get an e-mail with a link" in text


def test_a_physio_is_sent_to_their_patients_and_cannot_post_here(
    client: Client, runner: User, physio: User, other_runner: User
) -> None:
    response = _inbox(client, physio)
    assert response.status_code == 302 and response.headers["Location"] == reverse("programs:patients")
    assert client.post(reverse("programs:runner-message-send", args=[runner.pk]), {"body": "hi"}).status_code == 404
    assert not Message.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, physio: User) -> None:
    for response in (client.get(URL), client.post(_send_url(physio), {"body": "hi"})):
        assert response.status_code == 302 and reverse("accounts:login") in response.headers["Location"]
    assert not Message.objects.exists()


def test_the_page_runs_a_fixed_number_of_queries(
    client: Client, runner: User, physio: User, django_assert_max_num_queries: Any
) -> None:
    physios = [physio, _second_physio(runner), _second_physio(runner, "Kim")]
    for n in range(30):
        author = physios[n % 3] if n % 2 else runner
        MessageFactory(physio=physios[n % 3], runner=runner, author=author, body=f"note {n}")
    client.force_login(runner)
    # Session and user, the zone middleware's profile, the links, the messages, marking read (with its savepoint).
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    assert main_text(response.content).count("note ") == 30
