"""The OpenAPI schema's view of what every endpoint shares: the one error body (rehabplan/api.py) on every error
an operation can answer with, so a client reads one shape and the schema says so."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

# Built inline: a serializer class cannot declare a field named `errors`, which is the name of its own property.
ApiErrorSerializer = inline_serializer(
    name="ApiError",
    fields={
        "detail": serializers.CharField(help_text="One plain sentence saying what went wrong."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text='Messages by field ("field" or "parent.child"); empty when no field is at fault.',
        ),
    },
)

# What several operations declare in their own words: a row's id in the path, invalid input, and not found.
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)
ERROR_400 = OpenApiResponse(ApiErrorSerializer, description="Invalid input: see `errors`.")
ERROR_404 = OpenApiResponse(ApiErrorSerializer, description="Not found, or not linked with you.")

COMMON_ERRORS = {
    "400": "Invalid input: `detail` says what, `errors` which fields.",
    "401": "Not signed in: send `Authorization: Bearer <key>` (or a session cookie).",
    "403": "Signed in, but this account's role cannot use this endpoint.",
    "404": "Not found, or not yours to see.",
    "429": "Too many requests: wait for the seconds in the Retry-After header.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in COMMON_ERRORS.items():
            documented = responses.get(code)
            if documented is None:
                responses[code] = self._get_response_for_code(OpenApiResponse(ApiErrorSerializer, description), code)
            elif not documented.get("content"):  # described by a view without a body: the body is still the one
                described = OpenApiResponse(ApiErrorSerializer, documented.get("description") or description)
                responses[code] = self._get_response_for_code(described, code)
        return responses


class BodyOnDeleteSchema(AutoSchema):
    """Documents a DELETE's JSON body, which drf-spectacular leaves out (it documents bodies of PUT, PATCH, POST)."""

    def _get_request_body(self, direction: str = "request") -> Any:
        method = self.method
        self.method = "POST" if method == "DELETE" else method
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method


class WholeBodyPatchSchema(ApiAutoSchema):
    """Documents a PATCH whose body must be whole (a dose and its reason), with its required fields required:
    drf-spectacular marks every PATCH body's fields optional."""

    def _get_request_body(self, direction: str = "request") -> Any:
        method = self.method
        self.method = "PUT" if method == "PATCH" else method
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method
