"""A physio's patients: the list (adherence, pain, flags; filtered and sorted) and one patient with their latest logs.

Here, not in accounts: the rows are read from the patients' plans and logs (`programs.selectors.patients`). A physio
sees only runners who accepted an invitation and did not revoke it; anyone else's id is not found (404).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access_log import record_access
from accounts.models import AccessedData
from programs.api.serializers.patients import (
    PatientDetailSerializer,
    PatientQuerySerializer,
    PatientSerializer,
    patient_detail,
)
from programs.selectors import patients
from programs.selectors.patient_history import recent_days, recent_sessions
from rehabplan.api import IsPhysio, request_user
from rehabplan.api_schema import ERROR_400, ERROR_404, ID_PARAMETER


class PatientViewSet(viewsets.GenericViewSet):  # rows, not a model
    """A physio's actively linked runners, with adherence, pain and flags (programs.selectors.patients)."""

    permission_classes = [IsPhysio]
    serializer_class = PatientSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []  # sorted and filtered in Python: see PatientQuerySerializer

    @extend_schema(parameters=[PatientQuerySerializer], responses={200: PatientSerializer(many=True), 400: ERROR_400})
    def list(self, request: Request) -> Response:
        query = PatientQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = patients.patient_rows(request_user(request), today=timezone.localdate())
        rows = patients.filter_rows(
            rows, flag=query.validated_data.get("flag"), pathway=query.validated_data.get("pathway")
        )
        page = self.paginate_queryset(patients.sort_rows(rows, query.validated_data.get("ordering")))
        return self.get_paginated_response(PatientSerializer(page, many=True).data)

    @extend_schema(parameters=[ID_PARAMETER], responses={200: PatientDetailSerializer, 404: ERROR_404})
    def retrieve(self, request: Request, pk: str) -> Response:
        row = patients.patient_row(request_user(request), int(pk), today=timezone.localdate())
        if row is None:
            raise NotFound("No patient with this id shares their plan with you.")
        record_access(actor=request_user(request), runner_id=row.id, what=AccessedData.SESSION_LOGS)
        detail = patient_detail(row, recent_sessions(row.id), recent_days(row.id))
        return Response(PatientDetailSerializer(detail).data)
