"""The exercise catalogue, read-only and public: what each exercise is, how to do it and its default dose."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request

from exercises.api import illustrations
from exercises.api.filters import ExerciseFilter
from exercises.api.serializers import ExerciseSerializer
from exercises.models import Exercise


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet[Exercise]):
    """Active exercises, by name; `?search=` matches the name. Anyone may read the catalogue (no account needed),
    and its illustrations."""

    serializer_class = ExerciseSerializer
    permission_classes = (permissions.AllowAny,)
    lookup_field = "slug"
    lookup_value_regex = "[a-z0-9_]{1,64}"
    filterset_class = ExerciseFilter
    search_fields = ("name",)
    ordering_fields = ("name", "category", "evidence_level")
    ordering = ("name",)

    def get_queryset(self) -> QuerySet[Exercise]:
        # Equipment and the variants come with the page: three queries whatever the page size.
        return (
            Exercise.objects.active()
            .select_related("easier", "harder")
            .prefetch_related("equipment")
            .order_by("name", "id")
        )

    @extend_schema(
        parameters=illustrations.PARAMETERS,
        responses=illustrations.RESPONSES,
        summary="The exercise's illustration (SVG)",
    )
    @action(
        detail=True,
        methods=["get"],
        content_negotiation_class=illustrations.PictureOrJsonError,
        filter_backends=[],
        pagination_class=None,
    )
    def illustration(self, request: Request, slug: str) -> HttpResponse:
        """The exercise drawn as a side-view figure, moving or one position still; no database read."""
        return illustrations.illustration_response(request, slug)
