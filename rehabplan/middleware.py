"""What every request passes through: the runner's time zone, the API's body limit, no caching of signed-in pages.

Dates on every page are the runner's own: "today" is today where they are, not on the server.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from programs.reminders.times import zone_or_utc
from rehabplan.api import error_body
from rehabplan.parsers import too_large_detail

API_PREFIX = "/api/"
SIGNED_IN_CACHE_CONTROL = "private, no-store"


class RunnerTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        name = None
        if user.is_authenticated:
            try:
                name = user.runner_profile.timezone
            except ObjectDoesNotExist:
                name = None
        if name:
            timezone.activate(zone_or_utc(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ApiBodyLimitMiddleware:
    """An API request whose declared body is over API_MAX_BODY_BYTES is answered with the API's JSON 413 before
    anything reads it (Django's own limit answers an HTML 400, and only once the body is read)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            limit: int = settings.API_MAX_BODY_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return JsonResponse(error_body(too_large_detail(limit)), status=413)
        return self.get_response(request)


class SignedInNoStoreMiddleware:
    """What a signed-in person sees is theirs: `Cache-Control: private, no-store` on every response to a signed-in
    request (pages and API alike) that has not chosen its own caching (the API's ETag reads keep `private, no-cache`,
    downloads `no-store`). Neither a shared cache nor the browser's back button keeps health data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: the API signs its token clients in inside the view, on this same request.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = SIGNED_IN_CACHE_CONTROL
        return response
