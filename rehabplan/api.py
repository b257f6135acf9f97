"""What every API endpoint shares: one error shape, pagination, throttles, the physio permission.

Every error body is `{"detail": "<one sentence>", "errors": {"<field>": ["<message>", …]}}`; nested fields are
named with dots (`running.weekly_distance`), `errors` is `{}` when no field is at fault (docs/api.md).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from redis import RedisError
from rest_framework import exceptions, pagination, permissions, throttling
from rest_framework.request import Request
from rest_framework.response import Response

if TYPE_CHECKING:
    from rest_framework.views import APIView

    from accounts.models import RunnerProfile, User

logger = logging.getLogger(__name__)

VALIDATION_DETAIL = "Some fields need attention: see errors."
NOT_FOUND_DETAIL = "Not found: nothing with this id is yours to see."
# The largest row id: every primary key is a BigAutoField (settings.DEFAULT_AUTO_FIELD), a signed 64-bit integer. Id
# fields and filters accept up to this, so an id in range that is not there is a 404 and a larger one a 400, never a
# query that overflows.
MAX_ID = 2**63 - 1


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"a.b": [messages]}; a list item's index is a name part ("entries.0.pain")."""
    if isinstance(errors, dict):
        out: dict[str, list[str]] = {}
        for key, value in errors.items():
            # An error about a nested object as a whole belongs to that object's own name ("entries", not
            # "entries.non_field_errors"); at the top it stays "non_field_errors".
            general = key in ("non_field_errors", "__all__")
            name = (prefix.rstrip(".") or "non_field_errors") if general else f"{prefix}{key}"
            for field, messages in flat_errors(value, f"{name}.").items():
                out.setdefault(field, []).extend(messages)
        return out
    name = prefix.rstrip(".") or "non_field_errors"
    if isinstance(errors, list):
        if all(not isinstance(e, dict | list) for e in errors):
            return {name: [str(e) for e in errors]}
        out = {}
        for i, item in enumerate(errors):
            for field, messages in flat_errors(item, f"{prefix}{i}.").items():
                out.setdefault(field, []).extend(messages)
        return out
    return {name: [str(errors)]}


def error_body(detail: str, errors: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}, **extra}


class PreconditionFailed(exceptions.APIException):
    """A write from an older copy of what it changes (a stale If-Match): nothing was written. `extra` goes into the
    body beside `detail` (the plan's revision now)."""

    status_code = 412
    default_detail = "What you are changing has changed since you read it: read it again."

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.extra = extra


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        # Django's own sentence names the model ("No Plan matches the given query."); say it once, plainly.
        exc = exceptions.NotFound(NOT_FOUND_DETAIL)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    # Imported here: DRF's views module reads this module's throttle through api_settings when it is imported.
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flat_errors(exc.detail)
        only_general = list(errors) == ["non_field_errors"]
        detail = errors["non_field_errors"][0] if only_general and len(errors["non_field_errors"]) == 1 else None
        response.data = error_body(detail or VALIDATION_DETAIL, errors)
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, dict) else data
        response.data = error_body(str(detail), **getattr(exc, "extra", {}))
    return response


@csrf_exempt  # it changes nothing; without it a POST here got Django's HTML CSRF 403, not this JSON 404
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any /api/ path no endpoint answers: JSON, not the HTML 404 page."""
    return JsonResponse(error_body("There is no such API endpoint."), status=404)


def request_user(request: Request) -> User:
    """The signed-in user of a request behind IsAuthenticated, IsPhysio or IsRunner (never anonymous there)."""
    user = request.user
    assert user.is_authenticated
    return cast("User", user)


def own_runner_profile(request: Request) -> RunnerProfile:
    """The signed-in runner's profile, or a 404 for an account without one (the settings of accounts and programs)."""
    user = request_user(request)
    try:
        # Token authentication has already read the profile with the user (one query).
        return user.runner_profile
    except ObjectDoesNotExist:  # RunnerProfile.DoesNotExist, without importing models before the apps are ready
        raise exceptions.NotFound("This account has no runner settings.") from None


class ApiPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """The schema's `page_size`: a whole number from 1 to max_page_size, or a 400 (DRF alone falls back to 20)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            message = f"Give a whole number from 1 to {self.max_page_size}, or leave this out (20)."
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class CacheDownAllows(throttling.SimpleRateThrottle):
    """Throttle counters live in the cache (Redis in production). When it cannot be reached the request is let
    through and the outage logged: a runner logging a session must not get an error because Redis is down."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning("throttle cache unreachable, request allowed: %s", exc)
            return True


class WriteRateThrottle(CacheDownAllows, throttling.UserRateThrottle):
    """Writes (POST, PUT, PATCH, DELETE) per user or client address; reads are not counted."""

    scope = "writes"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ScopedRateThrottle(CacheDownAllows, throttling.ScopedRateThrottle):
    """Per-scope limits (log-in attempts), let through like the others when the cache is down."""


class IsPhysio(permissions.BasePermission):
    """Physio endpoints: anonymous → 401 (by authentication), a runner → 403."""

    message = "Only a physiotherapist's account can use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and getattr(request.user, "is_physio", False))


class IsRunner(permissions.BasePermission):
    """Runner-only endpoints (logging, the runner's own settings): a physio → 403."""

    message = "Only a runner's account can use this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and getattr(request.user, "is_runner", False))


def etag_matches(request: Request, etag: str) -> bool:
    """If-None-Match names this ETag (weak comparison, as RFC 9110 says for If-None-Match) or is `*`."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(header))
