"""API routes for physios' program work: templates, assigning plans, dose overrides, clearance, program edits."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, re_path
from rest_framework.routers import SimpleRouter

from programs.api.views.physio import (
    PatientPlansView,
    PlanClearanceView,
    PlanProgramView,
    PlanTemplateView,
    PrescriptionView,
    TemplateViewSet,
)

router = SimpleRouter()
router.register("templates", TemplateViewSet, basename="api-template")

# Ids up to 18 digits: anything longer is not a row of ours (404), never an integer overflow in the query.
urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    re_path(r"^patients/(?P<pk>[0-9]{1,18})/plans/$", PatientPlansView.as_view(), name="patient-plans"),
    re_path(r"^prescriptions/(?P<pk>[0-9]{1,18})/$", PrescriptionView.as_view(), name="prescription"),
    re_path(r"^plans/(?P<pk>[0-9]{1,18})/clearance/$", PlanClearanceView.as_view(), name="api-plan-clearance"),
    re_path(r"^plans/(?P<pk>[0-9]{1,18})/program/$", PlanProgramView.as_view(), name="plan-program"),
    re_path(r"^plans/(?P<pk>[0-9]{1,18})/template/$", PlanTemplateView.as_view(), name="plan-template"),
]
