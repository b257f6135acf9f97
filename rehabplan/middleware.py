"""Dates on every page are the runner's own: "today" is today where they are, not on the server."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from programs.reminders.times import zone_or_utc


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
