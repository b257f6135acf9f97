"""Serializer fields for JSON bodies that take only the JSON type the schema declares.

DRF's own fields coerce: "5" and 5.0 pass as an integer, "yes", "1" and 0 as a boolean, 7 as a string. The OpenAPI
schema says `type: integer` / `boolean` / `string`, and a generated client relies on it, so a body field accepts
exactly that. Query parameters are strings by nature: their serializers keep DRF's fields and declare a minimum.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rehabplan.api import MAX_ID


def _is_number(data: Any) -> bool:
    return isinstance(data, int | float | Decimal) and not isinstance(data, bool)


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        # 3.0 is an integer in JSON Schema; 3.5, "3" and true are not.
        if not _is_number(data) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        return super().to_internal_value(data)


class FloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if not _is_number(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, so a typo is an error rather than a change silently not made; its request
    schema says so (`additionalProperties: false`, and `minProperties` when `min_fields` is set)."""

    unknown_message = "Not a field here."
    min_fields = 0

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [self.unknown_message] for key in unknown})
        return dict(super().to_internal_value(data))


class StrictSerializerSchema(OpenApiSerializerExtension):
    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["additionalProperties"] = False
            if self.target.min_fields:
                schema["minProperties"] = self.target.min_fields
        return schema


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class CharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# ---------------------------------------------------------------- query parameters: strings, read as the schema says

EMPTY_PARAMETER = "Give a value, or leave this parameter out."


class IdFormField(forms.IntegerField):
    """Digits only: "1.0", " 1" or "+1" are refused, as `type: integer` in the query is written "1"."""

    def to_python(self, value: Any) -> int | None:
        if value is not None and not re.fullmatch(r"[0-9]+", str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A row id: a whole number in the database's range (another value is a 400, never a 500)."""

    field_class = IdFormField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """A filter sent with no value (`?plan=`) is a 400 naming it, as the schema allows no empty value; it was
    silently ignored before."""

    def is_valid(self) -> bool:
        valid = bool(super().is_valid())
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, EMPTY_PARAMETER)
                valid = False
        return valid


class QuerySerializer(serializers.Serializer[Any]):
    """Query parameters checked by a serializer: one sent empty is a 400 naming it, like a filter's."""

    def to_internal_value(self, data: Any) -> Any:
        empty: list[str] = [name for name in data if name in self.fields and data.get(name) == ""]
        if empty:
            raise serializers.ValidationError({name: [EMPTY_PARAMETER] for name in empty})
        return super().to_internal_value(data)
