"""/api/v1/: JSON only, documented by the OpenAPI schema at /api/schema/ (docs/api.md)."""

from __future__ import annotations

from django.urls import include, path, re_path

from rehabplan.api import api_not_found

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("accounts.api.care_urls")),
    path("", include("accounts.api.push_urls")),
    path("", include("exercises.api.urls")),
    path("", include("programs.api.urls")),
    path("", include("programs.api.log_urls")),
    path("", include("programs.api.physio_urls")),
    # [\s\S], not ".": a path may carry an encoded line break (%0A), which "." does not match.
    re_path(r"^[\s\S]*$", api_not_found),
]
