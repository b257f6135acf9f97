"""/api/v1/messages/: the thread of an actively linked physio and runner, newest first, written by either."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import CareLink, CareLinkStatus, Message, User
from tests.factories.accounts import CareLinkFactory

URL = "/api/v1/messages/"


def test_physio_and_runner_write_and_read_one_thread(
    physio: User, runner: User, physio_api: APIClient, runner_api: APIClient
) -> None:
    first = physio_api.post(URL, {"patient": runner.pk, "body": "How did the bridges feel?"})
    second = runner_api.post(URL, {"physio": physio.pk, "body": "  Fine, a bit tight.  "})

    assert first.status_code == second.status_code == 201
    assert first.json()["author"] == "physio"
    assert second.json()["author"] == "runner"
    assert second.json()["body"] == "Fine, a bit tight."
    assert second.json()["patient"]["id"] == runner.pk
    for client, params in ((physio_api, {"patient": runner.pk}), (runner_api, {"physio": physio.pk}), (runner_api, {})):
        body = client.get(URL, params).json()
        assert [m["body"] for m in body["results"]] == ["Fine, a bit tight.", "How did the bridges feel?"]


def test_a_physio_sees_each_patients_thread_apart(physio: User, runner: User, physio_api: APIClient) -> None:
    other = CareLinkFactory(physio=physio).runner
    physio_api.post(URL, {"patient": runner.pk, "body": "to runner"})
    physio_api.post(URL, {"patient": other.pk, "body": "to other"})

    assert [m["body"] for m in physio_api.get(URL, {"patient": other.pk}).json()["results"]] == ["to other"]
    assert physio_api.get(URL).json()["count"] == 2


def test_outsiders_get_404_naming_the_field(
    physio: User,
    runner: User,
    physio_api: APIClient,
    other_physio_api: APIClient,
    other_runner_api: APIClient,
    other_physio: User,
) -> None:
    physio_api.post(URL, {"patient": runner.pk, "body": "private"})

    for client, field, other in (
        (other_physio_api, "patient", runner.pk),
        (other_runner_api, "physio", physio.pk),
        (physio_api, "patient", 2**31 - 1),
    ):
        for response in (client.get(URL, {field: other}), client.post(URL, {field: other, "body": "hello"})):
            assert response.status_code == 404
            body = response.json()
            assert list(body["errors"]) == [field]
            assert "private" not in response.content.decode()
    assert other_physio_api.get(URL).json()["count"] == 0
    assert other_runner_api.get(URL).json()["count"] == 0
    assert Message.objects.count() == 1


def test_a_revoked_link_closes_the_thread_at_once(
    physio: User, runner: User, physio_api: APIClient, runner_api: APIClient
) -> None:
    physio_api.post(URL, {"patient": runner.pk, "body": "hello"})
    runner_api.delete(f"/api/v1/physios/{physio.pk}/")

    assert physio_api.get(URL, {"patient": runner.pk}).status_code == 404
    assert physio_api.post(URL, {"patient": runner.pk, "body": "still there?"}).status_code == 404
    assert physio_api.get(URL).json()["count"] == 0
    assert CareLink.objects.get(physio=physio, runner=runner).status == CareLinkStatus.REVOKED


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"patient": "PATIENT", "body": ""}, ["body"]),
        ({"patient": "PATIENT", "body": "   "}, ["body"]),
        ({"patient": "PATIENT", "body": "x" * 5001}, ["body"]),
        ({"patient": "PATIENT"}, ["body"]),
        ({"body": "hello"}, ["patient"]),
        ({"patient": "abc", "body": "hello"}, ["patient"]),
        ({"patient": 2**63, "body": "hello"}, ["patient"]),  # past the largest id a row can have
        ({"patient": 0, "body": "hello"}, ["patient"]),
        ({"patient": "PATIENT", "physio": 1, "body": "hello"}, ["physio"]),
    ],
)
def test_invalid_messages_are_400(physio_api: APIClient, runner: User, body: dict[str, Any], fields: list[str]) -> None:
    body = {k: runner.pk if v == "PATIENT" else v for k, v in body.items()}
    response = physio_api.post(URL, body)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == fields
    assert Message.objects.count() == 0


def test_a_message_of_5000_characters_is_fine(physio: User, runner_api: APIClient) -> None:
    assert runner_api.post(URL, {"physio": physio.pk, "body": "x" * 5000}).status_code == 201


def test_bad_list_parameters_are_400(physio_api: APIClient, runner_api: APIClient) -> None:
    assert list(physio_api.get(URL, {"patient": "abc"}).json()["errors"]) == ["patient"]
    assert physio_api.get(URL, {"patient": 2**63}).status_code == 400  # past the largest id a row can have
    # An id a row could have (ids are 64-bit) that names no patient of theirs: not found, as for any outsider.
    assert physio_api.get(URL, {"patient": 2**40}).status_code == 404
    assert runner_api.get(URL, {"physio": -1}).status_code == 400


def test_anonymous_gets_401(anon_api: APIClient) -> None:
    assert anon_api.get(URL).status_code == 401
    assert anon_api.post(URL, {"patient": 1, "body": "x"}).status_code == 401


def test_the_list_is_paginated_in_bounded_queries(
    physio: User, runner: User, physio_api: APIClient, django_assert_max_num_queries: Any
) -> None:
    Message.objects.bulk_create(Message(physio=physio, runner=runner, author=physio, body=str(i)) for i in range(25))
    with django_assert_max_num_queries(4):  # the token, the count, the page with both people
        body = physio_api.get(URL, {"patient": runner.pk}).json()
    assert (body["count"], len(body["results"])) == (25, 20)
    assert body["results"][0]["body"] == "24"
