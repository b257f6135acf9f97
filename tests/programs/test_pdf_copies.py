"""A plan's PDF is drawn once for what it shows and then served from the cache (programs.outputs.pdf_copies): a second
download of the same revision draws nothing, a changed plan or runner's units is a new copy, and with a shared cache
(Redis, as in production) a Celery task draws it while the download waits on a page that reloads. Drawings are
counted from the log line each one writes; the caches are real (the process's own, and the local Redis)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import AccessActor, AccessedData, AccessKind, DataAccess, RunnerProfile, User
from programs.models import Plan
from programs.outputs import pdf_copies
from programs.services.revisions import plan_revision_bump
from tests.conftest import LOCAL_REDIS
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, 2)


@pytest.fixture
def drawings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=pdf_copies.__name__)
    return caplog


def _drawn(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for record in caplog.records if record.name == pdf_copies.__name__ and "drawn" in record.message)


def _download(client: Client, plan: Plan) -> Any:
    return client.get(reverse("programs:plan-pdf", args=[plan.pk]))


def _key(plan: Plan) -> str:
    return pdf_copies.pdf_key(Plan.objects.printable().get(pk=plan.pk))


def test_a_second_download_of_the_same_plan_draws_nothing(
    client: Client, runner: User, plan: Plan, drawings: pytest.LogCaptureFixture
) -> None:
    client.force_login(runner)
    first = _download(client, plan)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert _drawn(drawings) == 1
    assert cache.get(_key(plan)) == first.content

    second = _download(client, plan)
    assert second.status_code == 200 and second.content == first.content
    assert _drawn(drawings) == 1


def test_a_changed_plan_is_drawn_again(
    client: Client, runner: User, plan: Plan, drawings: pytest.LogCaptureFixture
) -> None:
    client.force_login(runner)
    _download(client, plan)
    before = _key(plan)

    plan_revision_bump(plan.pk)
    assert _key(plan) != before
    assert _download(client, plan).status_code == 200
    assert _drawn(drawings) == 2
    assert _download(client, plan).status_code == 200
    assert _drawn(drawings) == 2


def test_the_runners_units_are_part_of_the_copy(
    client: Client, runner: User, plan: Plan, drawings: pytest.LogCaptureFixture
) -> None:
    client.force_login(runner)
    _download(client, plan)
    profile = RunnerProfile.objects.get(user=runner)
    RunnerProfile.objects.filter(pk=profile.pk).update(units="mi" if profile.units == "km" else "km")

    assert _download(client, plan).status_code == 200
    assert _drawn(drawings) == 2


def test_the_physios_download_is_the_runners_copy_and_still_a_read_in_the_access_log(
    client: Client, runner: User, physio: User, plan: Plan, drawings: pytest.LogCaptureFixture
) -> None:
    client.force_login(runner)
    mine = _download(client, plan).content
    client.force_login(physio)
    theirs = _download(client, plan)

    assert theirs.status_code == 200 and theirs.content == mine
    assert _drawn(drawings) == 1
    entries = list(DataAccess.objects.of_runner(runner).values_list("actor_kind", "kind", "what"))
    assert entries == [(AccessActor.PHYSIO, AccessKind.READ, AccessedData.PLAN)]


@pytest.mark.parametrize("outsider", ["other_runner", "other_physio"])
def test_a_kept_copy_is_still_a_404_for_anyone_else(
    client: Client, runner: User, plan: Plan, outsider: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(runner)
    assert _download(client, plan).status_code == 200
    client.force_login(request.getfixturevalue(outsider))
    assert _download(client, plan).status_code == 404


def test_with_a_shared_cache_a_worker_draws_it_while_the_download_waits(
    redis_cache: str, eager_tasks: None, client: Client, runner: User, plan: Plan, drawings: pytest.LogCaptureFixture
) -> None:
    client.force_login(runner)
    waiting = _download(client, plan)
    # The task ran as a worker would (eagerly here): the copy is in Redis, the web request drew nothing itself.
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "Preparing your PDF" in page
    assert _drawn(drawings) == 1
    assert cache.get(_key(plan), b"").startswith(b"%PDF")

    ready = _download(client, plan)
    assert ready.status_code == 200 and ready.content == cache.get(_key(plan))
    assert _drawn(drawings) == 1

    plan_revision_bump(plan.pk)
    assert _download(client, plan).status_code == 202
    assert _download(client, plan).status_code == 200
    assert _drawn(drawings) == 2


def test_the_drawing_is_queued_once_until_it_is_done_or_its_time_runs_out(redis_cache: str, plan: Plan) -> None:
    printable = Plan.objects.printable().get(pk=plan.pk)
    assert pdf_copies.drawing_claimed(printable)
    assert not pdf_copies.drawing_claimed(printable)
    stored = f"{redis_cache}:1:{pdf_copies.pdf_key(printable)}:drawing"  # Django's key: prefix, version, key
    assert 0 < redis.Redis.from_url(LOCAL_REDIS).ttl(stored) <= pdf_copies.DRAWING_SECONDS
