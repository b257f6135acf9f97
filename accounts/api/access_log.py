"""The runner's access log over the API: which physio or staff member read or changed their data, newest first
(`accounts.access_log`). Times are in the runner's own time zone."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access_log import ACCESS_LOG_DAYS, access_entry, recent_accesses, runner_zone
from accounts.models import AccessKind, DataAccess
from rehabplan.api import IsRunner, request_user


class AccessEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(help_text="When, in your own time zone.")
    who = serializers.CharField(help_text='Who, in words: "Your physio Alex Smith", "RehabPlan staff member Sam".')
    what = serializers.CharField(help_text='What of your data, in words: "your plan", "your intake answers"…')
    kind = serializers.ChoiceField(choices=AccessKind.choices, help_text="`read` or `change`.")
    summary = serializers.CharField(help_text='The entry as one sentence: "Your physio Alex Smith read your plan."')


@extend_schema(
    summary="Who has seen your data",
    description=f"Each time a physio or a RehabPlan staff member read or changed your data in the last "
    f"{ACCESS_LOG_DAYS} days, newest first. Reading the same data again within a few minutes is one entry.",
)
class AccessLogView(generics.ListAPIView[DataAccess]):
    permission_classes = [IsRunner]
    serializer_class = AccessEntrySerializer
    filter_backends: list[Any] = []  # newest first, paginated: nothing to filter or sort

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DataAccess.objects.none()
        return recent_accesses(request_user(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        runner = request_user(request)
        zone = runner_zone(runner)
        page = self.paginate_queryset(self.get_queryset())
        entries = [access_entry(entry, zone) for entry in page or []]
        with timezone.override(zone):  # DRF writes times in the current time zone
            return self.get_paginated_response(AccessEntrySerializer(entries, many=True).data)
