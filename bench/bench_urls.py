"""The product's URLs plus `/bench/bare/`: a plain Django view returning a fixed small JSON body, through the same
middleware as every other request. The baseline bench/api_today.py measures the API against."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from rehabplan.urls import urlpatterns as product_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "service": "rehabplan"})


urlpatterns = [path("bench/bare/", bare), *product_urlpatterns]
