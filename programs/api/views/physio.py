"""Physios' program work: their own templates, assigning a plan to a patient, a dose override, a clearance, a
plan's program edits.

Physios only (a runner gets 403, an anonymous client 401). A patient is a runner with an active care link to the
physio (`CareLink.objects.of_physio`, the one care-link rule, read through `Plan.objects.of_patients` and
`selectors.patients.linked_patient_or_404` as the physio's pages do): anyone else's runner, plan or prescription is 404,
never another physio's row. Writes go through `programs.services.templates`, `.assign` and `.care`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.access_log import record_access
from accounts.models import AccessedData, User
from programs.api import etags
from programs.api.serializers.physio import (
    ClearanceResultSerializer,
    ClearanceSerializer,
    PlanAssignSerializer,
    PlanProgramEditSerializer,
    PlanProgramSerializer,
    PrescriptionOverriddenSerializer,
    PrescriptionOverrideSerializer,
    PrescriptionSerializer,
    ProgramTemplateSerializer,
    TemplateFromPlanSerializer,
)
from programs.api.serializers.plans import PlanDetailSerializer, PlanSummarySerializer
from programs.api.views.plan_reads import IF_MATCH, PLAN_CHANGED_RESPONSES
from programs.clinical.edits import edits_from_dict
from programs.models import Plan, Prescription, ProgramTemplate
from programs.selectors import plans as selectors
from programs.selectors.patients import linked_patient_or_404
from programs.selectors.plan_json import links_for, plan_json
from programs.selectors.today import runner_today
from programs.services.assign import plan_assign
from programs.services.care import SessionLoggedError, plan_clinician_clear, prescription_override
from programs.services.program_edits import plan_program_edit, template_from_plan
from programs.services.templates import template_create, template_delete, template_update
from rehabplan.api import IsPhysio, error_body, request_user
from rehabplan.api_schema import WholeBodyPatchSchema

PHYSIO_ONLY = [permissions.IsAuthenticated, IsPhysio]
ERROR = OpenApiResponse(description="The error shape: {detail, errors}.")


def _id(what: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {what}'s id.")


def _plain(exc: DjangoValidationError, *fields: str) -> exceptions.ValidationError:
    """A service's refusal that no field of the request caused, as one plain sentence (`detail`)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {}
    for field in fields:
        if field in errors:
            return exceptions.ValidationError({"non_field_errors": errors[field]})
    return exceptions.ValidationError(errors or {"non_field_errors": exc.messages})


# ---------------------------------------------------------------- templates


@extend_schema_view(
    list=extend_schema(summary="Your program templates"),
    create=extend_schema(summary="Make a template"),
    retrieve=extend_schema(summary="One of your templates", parameters=[_id("template")]),
    update=extend_schema(summary="Replace a template", parameters=[_id("template")]),
    partial_update=extend_schema(summary="Change a template", parameters=[_id("template")]),
    destroy=extend_schema(
        summary="Delete a template (plans made from it stay as they are)", parameters=[_id("template")]
    ),
)
class TemplateViewSet(viewsets.ModelViewSet[ProgramTemplate]):
    """A physio's own templates; another physio's are not found (404)."""

    serializer_class = ProgramTemplateSerializer
    permission_classes = PHYSIO_ONLY
    search_fields = ("name",)
    ordering_fields = ("name", "created_at", "updated_at")
    ordering = ("name", "id")
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[ProgramTemplate]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ProgramTemplate.objects.none()
        return ProgramTemplate.objects.filter(owner=request_user(self.request)).order_by("name", "id")

    def perform_create(self, serializer: BaseSerializer[ProgramTemplate]) -> None:
        serializer.instance = template_create(owner=request_user(self.request), **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[ProgramTemplate]) -> None:
        assert serializer.instance is not None
        serializer.instance = template_update(
            template=serializer.instance, by=request_user(self.request), **serializer.validated_data
        )

    def perform_destroy(self, instance: ProgramTemplate) -> None:
        template_delete(template=instance, by=request_user(self.request))


# ---------------------------------------------------------------- a patient's plans


@extend_schema_view(get=extend_schema(summary="A patient's plans, newest first", parameters=[_id("patient")]))
class PatientPlansView(generics.ListAPIView[Plan]):
    """A patient's plans, newest first, and a new plan assigned by their physio."""

    serializer_class = PlanSummarySerializer
    permission_classes = PHYSIO_ONLY
    ordering_fields = ("created_at", "start")
    ordering = ("-created_at", "-id")

    def _patient(self) -> User:
        return linked_patient_or_404(request_user(self.request), int(self.kwargs["pk"]))

    def get_queryset(self) -> QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Plan.objects.none()
        runner = self._patient()
        record_access(actor=request_user(self.request), runner_id=runner.pk, what=AccessedData.PLAN)
        return Plan.objects.filter(runner=runner).order_by("-created_at", "-id")

    @extend_schema(
        summary="Assign a plan to a patient",
        parameters=[_id("patient")],
        request=PlanAssignSerializer,
        responses={201: PlanDetailSerializer, 400: ERROR, 404: ERROR},
    )
    def post(self, request: Request, pk: str) -> Response:
        physio, runner = request_user(request), self._patient()
        context = {"request": request, "runner": runner, "today": runner_today(runner)}
        serializer = PlanAssignSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = plan_assign(
            physio=physio,
            runner=runner,
            start=data["start_date"],
            weeks=data.get("weeks"),
            pathway=data.get("pathway"),
            template=data.get("template"),
            intake=data.get("intake"),
            edits=edits_from_dict(data["edits"]) if "edits" in data else None,
        )
        plan = selectors.plans_visible_to(physio).get(pk=plan.pk)
        body = {**PlanSummarySerializer(plan).data, **plan_json(selectors.plan_read(plan), links_for(plan, physio))}
        return Response(body, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- a prescription and its override


class PrescriptionView(generics.GenericAPIView[Prescription]):
    """One prescribed exercise of a patient's plan; PATCH sets its dose by hand, with a note the runner reads."""

    serializer_class = PrescriptionSerializer
    permission_classes = PHYSIO_ONLY
    http_method_names = ["get", "patch", "head", "options"]
    schema = WholeBodyPatchSchema()  # a dose is set with its reason: both are required

    def get_queryset(self) -> QuerySet[Prescription]:
        plans = Plan.objects.of_patients(request_user(self.request))
        return Prescription.objects.filter(plan__in=plans).select_related("exercise", "session__plan", "session__log")

    @extend_schema(summary="A prescription of a patient's plan", parameters=[_id("prescription")])
    def get(self, request: Request, pk: str) -> Response:
        prescription = self.get_object()
        record_access(
            actor=request_user(request), runner_id=prescription.session.plan.runner_id, what=AccessedData.PLAN
        )
        return Response(PrescriptionSerializer(prescription).data)

    @extend_schema(
        summary="Set a prescription's dose by hand",
        parameters=[_id("prescription"), IF_MATCH],
        request=PrescriptionOverrideSerializer,
        responses={200: PrescriptionOverriddenSerializer, 400: ERROR, 404: ERROR, 409: ERROR, **PLAN_CHANGED_RESPONSES},
    )
    @etags.plan_write_checked()
    def patch(self, request: Request, pk: str) -> Response:
        prescription = self.get_object()
        serializer = PrescriptionOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = prescription_override(
                prescription=prescription,
                physio=request_user(request),
                dose=serializer.validated_data["dose"],
                reason=serializer.validated_data["note"],
                seen_revision=etags.seen_revision(request, prescription.session.plan),
            )
        except SessionLoggedError:
            body = error_body("This session is already logged: what was done stays as it was.")
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise _plain(exc, "prescription") from None
        prescription = self.get_object()
        prescription.override_decision = decision  # type: ignore[attr-defined]  # read by the serializer
        return Response(PrescriptionOverriddenSerializer(prescription).data)


# ---------------------------------------------------------------- clearance


class PlanClearanceView(generics.GenericAPIView[Plan]):
    """A physio who assessed the runner clears the plan's red flags: the plan goes on (or starts) from start_date."""

    serializer_class = ClearanceSerializer
    permission_classes = PHYSIO_ONLY

    def get_queryset(self) -> QuerySet[Plan]:
        return Plan.objects.of_patients(request_user(self.request)).select_related("runner__runner_profile")

    @extend_schema(
        summary="Clear a plan's red flags after an assessment",
        parameters=[_id("plan"), IF_MATCH],
        request=ClearanceSerializer,
        responses={200: ClearanceResultSerializer, 400: ERROR, 404: ERROR, **PLAN_CHANGED_RESPONSES},
    )
    @etags.plan_write_checked()
    def post(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        today = runner_today(plan.runner)
        serializer = ClearanceSerializer(data=request.data, context={"today": today})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            decision = plan_clinician_clear(
                plan=plan,
                physio=request_user(request),
                note=data["note"],
                start=data.get("start_date") or today,
                seen_revision=etags.seen_revision(request, plan),
            )
        except DjangoValidationError as exc:
            raise _plain(exc, "plan") from None
        plan.refresh_from_db()
        clearance: dict[str, Any] = plan.clinician_clearance or {}
        body = {
            "plan": plan.pk,
            "status": plan.status,
            "start_date": plan.start,
            "note": clearance.get("note", ""),
            "cleared_at": clearance.get("cleared_at"),
            "decision": decision,
        }
        return Response(ClearanceResultSerializer(body).data)


# ---------------------------------------------------------------- a plan's program edits


class PlanProgramView(generics.GenericAPIView[Plan]):
    """A patient's plan's program edits (programs.clinical.edits); PUT replaces them from a day on, as one decision
    with the physio's note. Logged sessions and everything before that day stay as they were."""

    serializer_class = PlanProgramEditSerializer
    permission_classes = PHYSIO_ONLY
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[Plan]:
        return Plan.objects.of_patients(request_user(self.request)).select_related("runner__runner_profile")

    @extend_schema(
        summary="A plan's program edits",
        parameters=[_id("plan")],
        responses={200: PlanProgramSerializer, 404: ERROR},
    )
    def get(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        record_access(actor=request_user(request), runner_id=plan.runner_id, what=AccessedData.PLAN)
        response = Response(PlanProgramSerializer({"plan": plan.pk, "edits": plan.program_edits or {}}).data)
        return etags.with_cache_headers(response, etags.plan_resource_etag(plan))

    @extend_schema(
        summary="Change a plan's program from a day on",
        parameters=[_id("plan"), IF_MATCH],
        request=PlanProgramEditSerializer,
        responses={200: PlanProgramSerializer, 400: ERROR, 404: ERROR, **PLAN_CHANGED_RESPONSES},
    )
    @etags.plan_write_checked()
    def put(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        today = runner_today(plan.runner)
        serializer = PlanProgramEditSerializer(data=request.data, context={"today": today})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            decision = plan_program_edit(
                plan=plan,
                physio=request_user(request),
                edits=edits_from_dict(data["edits"]),
                note=data["note"],
                start=data.get("start_date") or today,
                seen_revision=etags.seen_revision(request, plan),
            )
        except DjangoValidationError as exc:
            raise _plain(exc, "plan") from None
        body = {"plan": plan.pk, "edits": decision.after or {}, "decision": decision}
        response = Response(PlanProgramSerializer(body).data)
        return etags.with_cache_headers(response, etags.plan_resource_etag(decision.plan))


class PlanTemplateView(generics.GenericAPIView[Plan]):
    """Save a patient's plan's program as a template of the physio's own."""

    serializer_class = TemplateFromPlanSerializer
    permission_classes = PHYSIO_ONLY

    def get_queryset(self) -> QuerySet[Plan]:
        return Plan.objects.of_patients(request_user(self.request))

    @extend_schema(
        summary="Keep a plan's program as your template",
        parameters=[_id("plan")],
        request=TemplateFromPlanSerializer,
        responses={201: ProgramTemplateSerializer, 400: ERROR, 404: ERROR},
    )
    def post(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        record_access(actor=request_user(request), runner_id=plan.runner_id, what=AccessedData.PLAN)
        serializer = TemplateFromPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = template_from_plan(plan=plan, physio=request_user(request), **serializer.validated_data)
        return Response(ProgramTemplateSerializer(template).data, status=status.HTTP_201_CREATED)
