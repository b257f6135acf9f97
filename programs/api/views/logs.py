"""Logging over the API, for runners: session and run logs, morning checks. Both idempotent on `client_id`.

A phone that lost its connection sends the same log again: a POST whose `client_id` is already stored answers
with the stored log (201, the same body) and stores nothing, whatever the rest of the body says. Writes go through
`programs.services.logs`, the same path as Today's forms.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from programs.api.serializers.logs import (
    DayLogSerializer,
    MorningCheckInSerializer,
    MorningCheckOutSerializer,
    SessionLogInSerializer,
    SessionLogOutSerializer,
)
from programs.clinical.types import REHAB_KINDS
from programs.models import DayLog, ExerciseLog, Plan, PlanChange, SessionLog
from programs.selectors import plans as selectors
from programs.selectors.today import runner_today
from programs.services.logs import GONE, LOGGED, LOGGING_CLOSED, day_log_record, session_log_record
from rehabplan.api import IsRunner, error_body, request_user
from rehabplan.api_fields import IdFilter, StrictFilterSet

CLIENT_ID_TAKEN = "This id was already used for something else: make a new one for each log."
NO_PLAN = "You have no plan yet: answer the intake first."
LOGGABLE_KINDS = sorted({*REHAB_KINDS, "run"})


def _client_id(data: Any) -> uuid.UUID | None:
    """The body's client_id when it is one, to look a retry up before validating anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("client_id"), str):
        return None
    try:
        return uuid.UUID(data["client_id"])
    except ValueError:
        return None


def _conflict(exc: DjangoValidationError) -> Response | None:
    """A log the client cannot fix by editing it (already logged, the plan closed, the session replanned away):
    409 in the error shape, so an offline queue knows to drop it."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    codes = {error.code for field_errors in errors.values() for error in field_errors}
    if not codes & {LOGGED, LOGGING_CLOSED, GONE}:
        return None
    fields = {name: [str(m) for e in field_errors for m in e.messages] for name, field_errors in errors.items() if name}
    return Response(error_body(exc.messages[0], fields), status=status.HTTP_409_CONFLICT)


class SessionLogFilter(StrictFilterSet):
    date_from = filters.DateFilter(field_name="session__date", lookup_expr="gte", label="Sessions on or after")
    date_to = filters.DateFilter(field_name="session__date", lookup_expr="lte", label="Sessions on or before")
    plan = IdFilter(field_name="session__plan_id", label="Plan id")
    kind = filters.ChoiceFilter(field_name="session__kind", choices=[(k, k) for k in LOGGABLE_KINDS])


def session_logs_of(runner: User) -> QuerySet[SessionLog]:
    """The runner's logs, newest session first, with their session and entries (three queries for any number)."""
    entries = ExerciseLog.objects.select_related("prescription__exercise").order_by("prescription__position", "pk")
    return (
        SessionLog.objects.filter(runner=runner)
        .select_related("session")
        .prefetch_related(Prefetch("exercise_logs", queryset=entries))
        .order_by("-session__date", "-pk")
    )


def decisions_of(logs: Sequence[SessionLog]) -> dict[int, list[PlanChange]]:
    """The decisions each log caused, in the order made (selectors.decisions.changes_caused_by_sessions, for many logs)."""
    by_log: dict[int, list[PlanChange]] = {log.pk: [] for log in logs}
    if by_log:
        for change in PlanChange.objects.filter(cause_log_id__in=by_log).order_by("created_at", "pk"):
            by_log[change.cause_log_id].append(change)  # type: ignore[index]
    return by_log


@extend_schema_view(
    list=extend_schema(summary="Your session and run logs, newest first"),
    retrieve=extend_schema(summary="One of your logs, with the decisions it caused"),
)
class SessionLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SessionLog]):
    permission_classes = [IsRunner]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = SessionLogFilter
    serializer_class = SessionLogOutSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[SessionLog]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return SessionLog.objects.none()
        return session_logs_of(request_user(self.request))

    def get_serializer(self, *args: Any, **kwargs: Any) -> BaseSerializer[Any]:
        logs = args[0] if args else []
        kwargs.setdefault("context", self.get_serializer_context())
        if isinstance(logs, SessionLog | list):
            kwargs["context"]["decisions"] = decisions_of(logs if isinstance(logs, list) else [logs])
        return super().get_serializer(*args, **kwargs)

    def _stored(self, log_id: int, code: int = status.HTTP_201_CREATED) -> Response:
        log = self.get_queryset().get(pk=log_id)
        return Response(self.get_serializer(log).data, status=code)

    @extend_schema(
        summary="Log a session or a run (idempotent on client_id)",
        request=SessionLogInSerializer,
        responses={
            201: SessionLogOutSerializer,
            400: OpenApiResponse(description="Field errors (`errors`), e.g. `entries.1.pain_during`."),
            409: OpenApiResponse(description="The session is already logged, or the plan is closed for logging."),
        },
    )
    def create(self, request: Request) -> Response:
        runner = request_user(request)
        client_id = _client_id(request.data)
        if client_id and (stored := SessionLog.objects.filter(runner=runner, client_id=client_id).first()):
            return self._stored(stored.pk)
        data = SessionLogInSerializer(data=request.data, context={"runner": runner, "today": runner_today(runner)})
        data.is_valid(raise_exception=True)
        valid = data.validated_data
        try:
            log = session_log_record(
                session=valid["session"],
                runner=runner,
                entries=valid["entries"],
                notes=valid["notes"],
                day=data.run_day_values(),
                client_id=valid["client_id"],
            )
        except DjangoValidationError as exc:
            if (response := _conflict(exc)) is not None:
                return response
            raise
        except IntegrityError:  # the id is another runner's log
            return Response(error_body(CLIENT_ID_TAKEN, {"client_id": [CLIENT_ID_TAKEN]}), status=400)
        return self._stored(log.pk)


class DayLogFilter(StrictFilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte", label="Days on or after")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte", label="Days on or before")


@extend_schema_view(
    list=extend_schema(summary="Your days: morning checks and runs, newest first"),
    retrieve=extend_schema(summary="One of your days"),
)
class MorningCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[DayLog]):
    permission_classes = [IsRunner]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DayLogFilter
    serializer_class = DayLogSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[DayLog]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DayLog.objects.none()
        return DayLog.objects.filter(runner=request_user(self.request)).order_by("-date")

    def _answer(self, day: DayLog, plan: Plan | None) -> Response:
        return Response(MorningCheckOutSerializer(day, context={"plan": plan}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send the morning check (idempotent on client_id); a red flag answered comes back with the referral",
        request=MorningCheckInSerializer,
        responses={
            201: MorningCheckOutSerializer,
            400: OpenApiResponse(description="Field errors (`errors`), e.g. `red_flags.0`; or no plan yet."),
        },
    )
    def create(self, request: Request) -> Response:
        runner = request_user(request)
        client_id = _client_id(request.data)
        if client_id and (stored := DayLog.objects.filter(runner=runner, client_id=client_id).first()):
            return self._answer(stored, selectors.runner_current_plan(runner))
        data = MorningCheckInSerializer(data=request.data, context={"today": runner_today(runner)})
        data.is_valid(raise_exception=True)
        plan = selectors.runner_current_plan(runner)
        if plan is None:
            return Response(error_body(NO_PLAN), status=status.HTTP_400_BAD_REQUEST)
        try:
            day = day_log_record(
                runner=runner,
                date=data.validated_data["date"],
                values=data.day_values(),
                client_id=data.validated_data["client_id"],
            )
        except IntegrityError:  # the id is another runner's check
            return Response(error_body(CLIENT_ID_TAKEN, {"client_id": [CLIENT_ID_TAKEN]}), status=400)
        plan.refresh_from_db(fields=["status", "referral"])  # the rules may have stopped it
        return self._answer(day, plan)
