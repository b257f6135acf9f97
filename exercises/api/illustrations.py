"""GET exercises/{slug}/illustration/: the exercise's drawing as an SVG file, cached a day by anyone (it is the
same picture for everybody and carries nothing personal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from exercises.models import Exercise
from exercises.pictures import SIDES, Picture, frames, picture, position_names
from rehabplan.api import etag_matches
from rehabplan.api_schema import ApiErrorSerializer

SVG = "image/svg+xml"
CACHE_CONTROL = "public, max-age=86400"
MOVING = "moving"

PARAMETERS = [
    OpenApiParameter("side", str, enum=SIDES, description="The leg shown working: `right` (the default) or `left`."),
    OpenApiParameter(
        "frame",
        str,
        enum=(MOVING, *position_names()),
        description="`moving` (the default: the figure moves through its positions), or one position standing "
        "still: `start`, `end`, or another position of this exercise (not every exercise has every one).",
    ),
    OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, description="The ETag of the copy you hold."),
]
RESPONSES = {
    (200, SVG): OpenApiResponse(
        OpenApiTypes.BINARY, description="The drawing, an SVG document with its text alternative."
    ),
    304: OpenApiResponse(description="Not modified: the copy whose ETag was sent is current."),
    400: OpenApiResponse(ApiErrorSerializer, description="An unknown `side` or `frame`: see `errors`."),
    404: OpenApiResponse(ApiErrorSerializer, description="No such exercise, or it has no illustration yet."),
}


class PictureOrJsonError(BaseContentNegotiation):
    """The picture is SVG whatever the client accepts; an error is the API's JSON error body."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))  # the API's JSON renderer, for an error body
        return renderer, renderer.media_type


def illustration_response(request: Request, slug: str) -> HttpResponse:
    drawn = _picture(request, slug)
    if etag_matches(request, drawn.etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(drawn.svg.encode(), content_type=SVG)
    response.headers["ETag"] = drawn.etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _picture(request: Request, slug: str) -> Picture:
    names = frames(slug)
    if not names:
        known = Exercise.objects.active().filter(slug=slug).exists()  # only when there is no picture to serve
        raise exceptions.NotFound("This exercise has no illustration yet." if known else "There is no such exercise.")
    side = request.query_params.get("side", "right")
    frame = request.query_params.get("frame", MOVING)
    errors: dict[str, Any] = {}
    if side not in SIDES:
        errors["side"] = ["Give right or left, or leave this out (right)."]
    if frame != MOVING and frame not in names:
        errors["frame"] = [f"Give {', '.join((MOVING, *names))}, or leave this out ({MOVING})."]
    if errors:
        raise exceptions.ValidationError(errors)
    drawn = picture(slug, "left" if side == "left" else "right", None if frame == MOVING else frame)
    assert drawn is not None  # the exercise has poses and the frame is one of them
    return drawn
