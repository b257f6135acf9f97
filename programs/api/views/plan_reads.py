"""Reading a plan over the API: the plan in full under the user's scope, its ETag facts, and today, one day or one
week of it, each revalidated by its ETag without reading the plan again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, serializers, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from accounts.access_log import record_access
from accounts.authentication import ApiTokenAuthentication, CachedApiTokenAuthentication
from accounts.cached_access import may_read
from accounts.models import AccessedData
from programs.api import etags
from programs.api.etags import PlanMeta
from programs.api.serializers.plans import (
    DayReadSerializer,
    TodaySerializer,
    WeekReadSerializer,
)
from programs.models import Plan
from programs.selectors import plans as selectors
from programs.selectors.plan_json import Links, day_json, links_for, week_json
from programs.selectors.units import day_shown
from rehabplan import api_cache
from rehabplan.api import etag_matches, request_user

# The reads served from the API's read cache (`PlanReads`), by their actions' names.
CACHED_READS = frozenset({"retrieve", "today", "days", "weeks"})
PLAN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The plan's id.")
ETAG_RESPONSES = {304: OpenApiResponse(description="Not modified: the copy whose ETag was sent is current.")}
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False, description="The ETag of the copy you hold."
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The plan's ETag (GET plans/{id}/) as you read it: the change is refused (412) if the plan changed.",
)
PLAN_CHANGED_RESPONSES = {
    412: OpenApiResponse(description="The plan changed since the If-Match copy: nothing was saved. {detail, revision}")
}


def _short(date: dt.date) -> str:
    return f"{date:%a} {date.day} {date:%b %Y}"


class PlanReads(viewsets.GenericViewSet[Plan]):
    """How the plan endpoints read a plan: in full, or only its ETag facts when the client holds a copy. The four
    reads (the plan, today, a day, a week) answer from the API's read cache when it is warm (rehabplan/api_cache.py):
    the token, the plan's facts and the rendered body, so a warm read asks the database nothing."""

    def get_authenticators(self) -> list[BaseAuthentication]:
        authenticators = super().get_authenticators()
        request = getattr(self, "request", None)
        if getattr(self, "swagger_fake_view", False) or request is None:  # the schema names the one token scheme
            return authenticators
        if self.action_map.get(request.method.lower()) not in CACHED_READS:
            return authenticators
        return [CachedApiTokenAuthentication() if type(a) is ApiTokenAuthentication else a for a in authenticators]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action in CACHED_READS:  # the plan's facts come with the token, in one round trip to the cache
            request.api_cache_also = (api_cache.plan_key(int(kwargs["pk"])),)  # type: ignore[attr-defined]
        super().initial(request, *args, **kwargs)

    def _plan(self, pk: str) -> Plan:
        """The plan in full under the user's scope, with its pinned versions and its runner's time zone (one query)."""
        plan = (
            selectors.plans_visible_to(request_user(self.request))
            .select_related("runner__runner_profile")
            .filter(pk=int(pk))
            .first()
        )
        if plan is None:
            raise Http404
        return plan

    def _links(self, plan: Plan) -> Links:
        return links_for(plan, request_user(self.request))

    def _meta(self, pk: str) -> PlanMeta:
        meta = etags.plan_meta(request_user(self.request), int(pk))
        if meta is None:
            raise Http404
        return meta

    def _read(self, pk: str) -> tuple[PlanMeta, Plan | None]:
        """The plan's ETag facts; the plan itself only when the client holds no copy and the facts were not cached (a
        revalidation reads one row, and a changed plan is then read in full). Cached facts name the plan's runner,
        whom the reader must be or follow through an active care link, as `Plan.objects.for_user` says. A physio's
        read is recorded in the runner's access log."""
        user = request_user(self.request)
        plan = None
        meta = etags.cached_meta(int(pk), getattr(self.request, "api_cache_found", None))
        if meta is None:
            plan = None if self.request.headers.get("If-None-Match") else self._plan(pk)
            meta = self._meta(pk) if plan is None else etags.meta_of(plan, timezone_of(plan), units_of(plan))
            etags.remember_meta(meta)
        elif not may_read(user, meta.runner_id):
            raise Http404
        record_access(actor=user, runner_id=meta.runner_id, what=AccessedData.PLAN)
        return meta, plan

    def _body(
        self, meta: PlanMeta, etag: str, resource: str, key: object, build: Callable[[], dict[str, Any]]
    ) -> HttpResponse:
        """The rendered body from the read cache, else built (`build`, which may read the plan and raise a 404),
        rendered and kept under the plan's revision (a later revision is another key) and whether the reader is the
        runner or their physio (`links_for`: the links in it differ)."""
        viewer = "runner" if request_user(self.request).pk == meta.runner_id else "physio"
        cache_key = api_cache.body_key(
            meta.id, meta.revision, resource, key, meta.units, viewer, etags.REPRESENTATION_VERSION
        )
        content = api_cache.get(cache_key)
        if not isinstance(content, bytes):
            content = JSONRenderer().render(build())
            api_cache.put(cache_key, content)
        return etags.with_cache_headers(HttpResponse(content, content_type=JSONRenderer.media_type), etag)


class PlanDayReads(PlanReads):
    """Today, one day and one week of a plan, each with its own ETag."""

    @extend_schema(
        summary="Today in the plan (the runner's own date)",
        parameters=[PLAN_ID, IF_NONE_MATCH],
        responses={200: TodaySerializer, **ETAG_RESPONSES},
    )
    @action(detail=True, methods=["get"], url_path="today", filter_backends=[], pagination_class=None)
    def today(self, request: Request, pk: str) -> HttpResponseBase:
        meta, plan = self._read(pk)
        today = meta.today()
        etag = etags.plan_etag(meta, "today", f"{today.isoformat()}:{meta.units}")
        if etag_matches(request, etag):
            return etags.not_modified(etag)

        def build() -> dict[str, Any]:
            if today < meta.start or today > meta.end:
                starts = today < meta.start
                message = (
                    f"Your plan {'starts' if starts else 'ended'} on {_short(meta.start if starts else meta.end)}."
                )
                return _today(meta, today, None, message)
            read = plan or self._plan(pk)
            return _today(meta, today, _day_body(read, today, self._links(read)), "")

        return self._body(meta, etag, "today", today.isoformat(), build)

    @extend_schema(
        summary="One day of the plan",
        parameters=[PLAN_ID, OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH), IF_NONE_MATCH],
        responses={200: DayReadSerializer, **ETAG_RESPONSES},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"days/(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})",
        filter_backends=[],
        pagination_class=None,
    )
    def days(self, request: Request, pk: str, date: str) -> HttpResponseBase:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise serializers.ValidationError({"date": ["This is not a date: give it as YYYY-MM-DD."]}) from None
        meta, plan = self._read(pk)
        if not meta.start <= day <= meta.end:
            raise exceptions.NotFound(
                f"That day is not in this plan: it runs from {_short(meta.start)} to {_short(meta.end)}."
            )
        etag = etags.plan_etag(meta, "day", f"{day.isoformat()}:{meta.units}")
        if etag_matches(request, etag):
            return etags.not_modified(etag)

        def build() -> dict[str, Any]:
            read = plan or self._plan(pk)
            body = _day_body(read, day, self._links(read))
            if body is None:  # a plan that needs a clinician has no weeks
                raise exceptions.NotFound("This plan has no sessions until a clinician has cleared you.")
            return body

        return self._body(meta, etag, "day", day.isoformat(), build)

    @extend_schema(
        summary="One week of the plan",
        parameters=[PLAN_ID, OpenApiParameter("number", int, OpenApiParameter.PATH), IF_NONE_MATCH],
        responses={200: WeekReadSerializer, **ETAG_RESPONSES},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"weeks/(?P<number>[0-9]{1,3})",
        filter_backends=[],
        pagination_class=None,
    )
    def weeks(self, request: Request, pk: str, number: str) -> HttpResponseBase:
        meta, plan = self._read(pk)
        n = int(number)
        if not 1 <= n <= meta.weeks:
            raise exceptions.NotFound(f"This plan has weeks 1 to {meta.weeks}.")
        etag = etags.plan_etag(meta, "week", n)
        if etag_matches(request, etag):
            return etags.not_modified(etag)

        def build() -> dict[str, Any]:
            read = plan or self._plan(pk)
            stored = selectors.plan_week_read(read, n)
            if stored is None:  # a plan that needs a clinician has no weeks
                raise exceptions.NotFound("This plan has no sessions until a clinician has cleared you.")
            week = week_json(stored, self._links(read))
            return {
                "plan": read.pk,
                "start_date": week["days"][0]["date"],
                "end_date": week["days"][-1]["date"],
                **week,
                "exercises": _names(read, {item.exercise for s in stored.sessions for item in s.items}),
            }

        return self._body(meta, etag, "week", n, build)


def timezone_of(plan: Plan) -> str | None:
    profile = getattr(plan.runner, "runner_profile", None)
    return profile.timezone if profile is not None else None


def units_of(plan: Plan) -> str | None:
    profile = getattr(plan.runner, "runner_profile", None)
    return profile.units if profile is not None else None


def _names(plan: Plan, slugs: set[str]) -> dict[str, str]:
    specs = selectors.catalogue_for(plan).by_slug
    return {slug: specs[slug].name for slug in sorted(slugs) if slug in specs}


def _day_body(plan: Plan, date: dt.date, links: Links) -> dict[str, Any] | None:
    stored, distances = day_shown(plan, date, plan.runner)
    if stored.week is None:
        return None
    slugs = {item.exercise for s in stored.sessions for item in s.items}
    slugs |= {item.exercise for s in stored.sessions for item in s.warm_up}
    return {
        "plan": plan.pk,
        "week": stored.week.number,
        "phase": stored.week.phase,
        **day_json(stored, links),
        "unit": distances.shown,
        "logged": [s.kind for s in stored.sessions if s.logged],
        "exercises": _names(plan, slugs),
    }


def _today(meta: PlanMeta, date: dt.date, day: dict[str, Any] | None, message: str) -> dict[str, Any]:
    if day is None and not message:
        message = "This plan has no sessions until a clinician has cleared you."
    return {"plan": meta.id, "date": date, "day": day, "message": message}
