"""The plan API: pathways, intakes, plans and their today, days, weeks, decision log and archive.

Plans are read through `programs.selectors.plans` under the user's scope (`Plan.objects.for_user`: their own, or an active
patient's): anyone else gets 404. Plan, today, day and week reads carry an ETag (`programs.api.etags`); a matching
`If-None-Match` is answered with 304 after one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access_log import record_access
from accounts.models import AccessedData, User
from programs.api import etags
from programs.api.serializers.intake import IntakeSerializer
from programs.api.serializers.plans import (
    ErrorWithReferralSerializer,
    IntakeRecordSerializer,
    PathwaySerializer,
    PlanChangeSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanSummarySerializer,
    referral_dict,
)
from programs.api.views.plan_reads import (
    ETAG_RESPONSES,
    IF_MATCH,
    IF_NONE_MATCH,
    PLAN_CHANGED_RESPONSES,
    PLAN_ID,
    PlanDayReads,
    timezone_of,
)
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.screening import screen_answers
from programs.models import Intake, Plan, PlanChange
from programs.selectors import plans as selectors
from programs.selectors.decisions import plan_decisions
from programs.selectors.plan_json import plan_json
from programs.selectors.today import runner_today
from programs.services.archive import plan_archive
from programs.services.generation import pathways
from programs.services.intakes import intake_record
from programs.services.plans import plan_start
from rehabplan.api import VALIDATION_DETAIL, IsRunner, error_body, etag_matches, flat_errors, request_user
from rehabplan.api_fields import IdFilter, StrictFilterSet

# ---------------------------------------------------------------- pathways (public)


@extend_schema_view(
    list=extend_schema(summary="The pathways a plan can follow"),
    retrieve=extend_schema(summary="A pathway", parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH)]),
)
class PathwayViewSet(viewsets.GenericViewSet[Any]):
    """The pathway templates: when each is used, its phases and pain limit. Anyone may read them."""

    permission_classes = (permissions.AllowAny,)
    serializer_class = PathwaySerializer
    filter_backends: list[Any] = []
    lookup_field = "slug"
    lookup_value_regex = "[a-z0-9_]{1,64}"

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(sorted(pathways().values(), key=lambda p: p.slug))
        return self.get_paginated_response(PathwaySerializer(page, many=True).data)

    def retrieve(self, request: Request, slug: str) -> Response:
        pathway = pathways().get(slug)
        if pathway is None:
            raise exceptions.NotFound("There is no pathway with this name.")
        return Response(PathwaySerializer(pathway).data)


# ---------------------------------------------------------------- intakes (runner)


class IntakeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Intake]):
    """The runner's intakes, newest first. A new one is screened for red flags at once."""

    permission_classes = (permissions.IsAuthenticated, IsRunner)
    serializer_class = IntakeRecordSerializer
    filter_backends: list[Any] = []  # a runner's few intake versions: nothing to filter or sort

    def get_queryset(self) -> QuerySet[Intake]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a user
            return Intake.objects.none()
        return Intake.objects.for_runner(request_user(self.request)).latest_first()

    @extend_schema(
        request=IntakeSerializer,
        responses={201: IntakeRecordSerializer, 400: ErrorWithReferralSerializer},
        summary="Record a new intake",
    )
    def create(self, request: Request) -> Response:
        runner = request_user(request)
        today = runner_today(runner)
        serializer = IntakeSerializer(data=request.data, context={"start": today, "today": today})
        if not serializer.is_valid():
            # A red flag is never hidden behind a form error (docs/design.md §5): the referral comes with the errors.
            referral = screen_answers(request.data if isinstance(request.data, dict) else {})
            body = error_body(VALIDATION_DETAIL, flat_errors(serializer.errors), referral=referral_dict(referral))
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        intake = intake_record(runner=runner, data=serializer.data)
        return Response(self.get_serializer(intake).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- plans


class PlanFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    runner = IdFilter(field_name="runner_id", label="A patient's id.")

    class Meta:
        model = Plan
        fields = ("status", "runner")


@extend_schema_view(
    list=extend_schema(summary="Plans: your own, or your active patients'"),
    retrieve=extend_schema(
        summary="A plan: its summary and the plan JSON",
        parameters=[PLAN_ID, IF_NONE_MATCH],
        responses={200: PlanDetailSerializer, **ETAG_RESPONSES},
    ),
)
class PlanViewSet(mixins.ListModelMixin, PlanDayReads):
    """Plans the user may see. A runner creates one from an intake; the runner or their physio may archive it."""

    serializer_class = PlanSummarySerializer
    filterset_class = PlanFilter
    ordering_fields = ("created_at", "start")
    ordering = ("-created_at", "-id")
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a user
            return Plan.objects.none()
        return Plan.objects.for_user(request_user(self.request)).order_by("-created_at", "-id")

    def get_permissions(self) -> Sequence[Any]:
        if self.action == "create":
            return [permissions.IsAuthenticated(), IsRunner()]
        return super().get_permissions()

    def retrieve(self, request: Request, pk: str) -> HttpResponseBase:
        meta, plan = self._read(pk)
        etag = etags.plan_etag(meta, "plan")
        if etag_matches(request, etag):
            return etags.not_modified(etag)

        def build() -> dict[str, Any]:
            read = plan or self._plan(pk)
            return {**PlanSummarySerializer(read).data, **plan_json(selectors.plan_read(read), self._links(read))}

        return self._body(meta, etag, "plan", "", build)

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanDetailSerializer}, summary="Start a plan")
    def create(self, request: Request) -> Response:
        runner = request_user(request)
        serializer = PlanCreateSerializer(
            data=request.data, context={"request": request, "today": runner_today(runner)}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = plan_start(intake=data["intake"], start=data["start_date"], weeks=data["weeks"])
        plan = self._plan(str(plan.pk))
        body = {**PlanSummarySerializer(plan).data, **plan_json(selectors.plan_read(plan), self._links(plan))}
        etag = etags.plan_etag(etags.meta_of(plan, timezone_of(plan)), "plan")
        return etags.with_cache_headers(Response(body, status=status.HTTP_201_CREATED), etag)

    # -- archive

    @extend_schema(
        request=None,
        responses={200: PlanSummarySerializer, **PLAN_CHANGED_RESPONSES},
        summary="End the plan",
        parameters=[PLAN_ID, IF_MATCH],
    )
    @action(detail=True, methods=["post"], url_path="archive", filter_backends=[], pagination_class=None)
    @etags.plan_write_checked()
    def archive(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        plan = plan_archive(plan=plan, by=request_user(request), seen_revision=etags.seen_revision(request, plan))
        return etags.with_cache_headers(Response(PlanSummarySerializer(plan).data), etags.plan_resource_etag(plan))


# ---------------------------------------------------------------- the decision log


class PlanChangeFilter(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=PlanChangeKind.choices)

    class Meta:
        model = PlanChange
        fields = ("kind",)


@extend_schema(summary="The plan's decisions, newest first", parameters=[PLAN_ID])
class PlanChangeListView(generics.ListAPIView[PlanChange]):
    """Every decision about the plan (docs/plan-changes.md): what changed, why and who decided."""

    serializer_class = PlanChangeSerializer
    filterset_class = PlanChangeFilter
    filter_backends = [filters.DjangoFilterBackend]

    def get_queryset(self) -> QuerySet[PlanChange]:
        if getattr(self, "swagger_fake_view", False):
            return PlanChange.objects.none()
        self.plan = get_plan_or_404(request_user(self.request), self.kwargs["pk"])
        record_access(actor=request_user(self.request), runner_id=self.plan.runner_id, what=AccessedData.PLAN)
        return plan_decisions(self.plan)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        plan = getattr(self, "plan", None)
        if plan is not None:
            context["runner_id"] = plan.runner_id
            context["names"] = {slug: spec.name for slug, spec in selectors.catalogue_for(plan).by_slug.items()}
        return context


def get_plan_or_404(user: User, pk: str | int) -> Plan:
    plan = selectors.plans_visible_to(user).filter(pk=int(pk)).first()
    if plan is None:
        raise Http404
    return plan
