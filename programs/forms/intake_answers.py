"""The wizard's answers joined into one intake (the contract the API and the CLI take too), and the contract's field
errors traced back to the steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merge_contract(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The steps' parts as one intake: nested parts (symptoms come from two steps) are merged, not replaced."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def error_paths(errors: Any, prefix: str = "") -> list[tuple[str, str]]:
    """IntakeSerializer's nested errors as (dotted path, message); a non-field error belongs to its parent's path."""
    if isinstance(errors, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in errors.items():
            path = prefix if key in ("non_field_errors", "__all__") else f"{prefix}.{key}".lstrip(".")
            pairs += error_paths(value, path)
        return pairs
    if isinstance(errors, list | tuple):
        return [pair for error in errors for pair in error_paths(error, prefix)]
    return [(prefix, str(errors))]
