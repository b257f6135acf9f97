"""Settings → Notifications on this phone: the page's script posts the browser's push subscription here.

JSON in, JSON errors out (the script shows them); a session and the CSRF header, as for any form of the site.
The checks are the API's (accounts/api/push.py), so both say the same thing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST
from rest_framework import exceptions, serializers

from accounts.api.push import PushEndpointSerializer, PushSubscriptionSerializer
from accounts.models import User
from accounts.push import PushEndpointTaken, push_subscription_remove, push_subscription_save
from rehabplan.api import VALIDATION_DETAIL, error_body, flat_errors
from rehabplan.parsers import bounded_loads

NOT_SIGNED_IN = "You are signed out. Log in again, then turn notifications on."
NOT_JSON = "The browser sent something that is not a push subscription. Reload the page and try again."


def _checked(request: HttpRequest, form_class: type[serializers.Serializer[Any]]) -> dict[str, Any] | JsonResponse:
    """The body's validated data, or the JSON error response to send instead."""
    if not request.user.is_authenticated:
        return JsonResponse(error_body(NOT_SIGNED_IN), status=401)
    try:
        data = bounded_loads(request.body)  # bounded in nesting as the API's bodies are
    except exceptions.ParseError:
        return JsonResponse(error_body(NOT_JSON), status=400)
    form = form_class(data=data)
    if not form.is_valid():
        return JsonResponse(error_body(VALIDATION_DETAIL, flat_errors(form.errors)), status=400)
    return dict(form.validated_data)


@require_POST
def push_subscribe(request: HttpRequest) -> HttpResponse:
    checked = _checked(request, PushSubscriptionSerializer)
    if isinstance(checked, JsonResponse):
        return checked
    assert isinstance(request.user, User)
    try:
        push_subscription_save(
            user=request.user,
            endpoint=checked["endpoint"],
            p256dh=checked["keys"]["p256dh"],
            auth=checked["keys"]["auth"],
        )
    except PushEndpointTaken as taken:
        return JsonResponse(error_body(str(taken)), status=409)
    return HttpResponse(status=204)


@require_POST
def push_unsubscribe(request: HttpRequest) -> HttpResponse:
    checked = _checked(request, PushEndpointSerializer)
    if isinstance(checked, JsonResponse):
        return checked
    assert isinstance(request.user, User)
    push_subscription_remove(user=request.user, endpoint=checked["endpoint"])
    return HttpResponse(status=204)
