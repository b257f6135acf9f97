"""The API's one JSON parser: bounded in size and nesting before the body is decoded.

Python's json module recurses once per nesting level, so about a thousand `[` (2 KB) reach the interpreter's
recursion limit; a body is therefore measured first (read no further than the limit) and its nesting counted with
regular expressions, which cost little even at the size limit, and only then decoded. No request this API takes
nests deeper than a handful of levels (docs/api.md, "Limits").
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions, parsers, status
from rest_framework.utils import json

# Escapes are dropped first, so a string is then plainly quote to quote (both patterns run in linear time): the
# brackets inside strings are text, not nesting.
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class RequestBodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def too_large_detail(limit: int) -> str:
    return f"The request body is larger than this API accepts ({limit} bytes)."


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a bare value); brackets inside strings don't count."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", _ESCAPE.sub("", text)))
    if not brackets:
        return 0
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def bounded_loads(body: bytes, encoding: str = "utf-8", *, strict: bool = True) -> Any:
    """A JSON body decoded, or ParseError (400) when it is not JSON or nests deeper than API_MAX_JSON_DEPTH."""
    try:
        text = codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError, TypeError) as exc:
        raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
    max_depth: int = settings.API_MAX_JSON_DEPTH
    if nesting_depth(text) > max_depth:
        raise exceptions.ParseError(f"JSON parse error - arrays and objects nest deeper than {max_depth} levels.")
    try:
        return json.loads(text, parse_constant=json.strict_constant if strict else None)
    except (ValueError, RecursionError) as exc:
        raise exceptions.ParseError(f"JSON parse error - {exc}") from exc


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body over API_MAX_BODY_BYTES (413) or nested over API_MAX_JSON_DEPTH (400)."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        if stream is None:
            return None
        limit: int = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestBodyTooLarge(too_large_detail(limit))
        # DRF's own choice of charset, which refuses the codecs that would decompress the body.
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        return bounded_loads(body, encoding, strict=self.strict)
