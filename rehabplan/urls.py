from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from programs.views import patients, today


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", today.home, name="home"),
    path("today/sessions/<int:session_id>/log/", today.session_log, name="session-log"),
    path("morning-check/", today.morning_check, name="morning-check"),
    path("patients/", patients.patient_list, name="patients"),
    path("", include("programs.patient_urls")),
    path("", include("programs.care_urls")),
    path("", include("programs.program_urls")),
    path("", include("programs.print_urls")),
    path("plans/", include("programs.urls")),
    path("intake/", include("programs.intake_urls")),
    path("progress/", include("programs.progress_urls")),
    path("", include("rehabplan.pwa")),
    path("", include("accounts.urls")),
    path("", include("accounts.invitation_urls")),
    path("", include("accounts.push_urls")),
    path("", include("programs.reminders.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("rehabplan.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
]
