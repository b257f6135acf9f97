"""While PostgreSQL is down or restarting, requests answer 503 with Retry-After instead of Django's 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down or restarting, every request that needs it answers 503 with Retry-After — the API's
    JSON error, a plain page otherwise — and logs one line, no traceback. Nothing is kept: the next request after
    PostgreSQL is back gets a fresh connection (CONN_HEALTH_CHECKS), so the app recovers by itself.

    Two places raise: loading the session and the user (forced here, inside the try, because an exception from a
    later middleware would already have become Django's 500), and the view (process_exception)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.user.is_authenticated  # noqa: B018 - evaluated for its database reads
        except DATABASE_OUTAGE_ERRORS as error:
            return database_unavailable(request, error)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_OUTAGE_ERRORS):
            return database_unavailable(request, exception)
        return None


DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE_DETAIL = "The service is briefly unavailable. Please try again in a moment."


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    logger.warning("Database unavailable, 503 for %s %s: %s", request.method, request.path, first_line)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE_DETAIL, "errors": {}}, status=503)
    else:
        response = render(request, "unavailable.html", {"detail": UNAVAILABLE_DETAIL}, status=503)
    response["Retry-After"] = str(retry_after)
    # The line above is this request's one record: Django's own "Service Unavailable" line would be a second.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
