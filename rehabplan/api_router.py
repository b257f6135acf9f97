"""/api/v1/: every endpoint of the API in one router, JSON only, documented by the OpenAPI schema at /api/schema/
(docs/api.md)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path
from rest_framework.routers import SimpleRouter

from accounts.api import care_views
from accounts.api import views as account_views
from accounts.api.access_log import AccessLogView
from accounts.api.push import PushSubscriptionsView
from accounts.api.signup import SignupView, VerifySendView, VerifyView
from exercises.api.views import ExerciseViewSet
from programs.api.views import logs as log_views
from programs.api.views import patients as patient_views
from programs.api.views import settings as settings_views
from programs.api.views.physio import (
    PatientPlansView,
    PlanClearanceView,
    PlanProgramView,
    PlanTemplateView,
    PrescriptionView,
    TemplateViewSet,
)
from programs.api.views.plans import IntakeViewSet, PathwayViewSet, PlanChangeListView, PlanViewSet
from rehabplan.api import api_not_found

router = SimpleRouter()
router.register("auth/tokens", account_views.ApiTokenViewSet, basename="api-token")
router.register("patients", patient_views.PatientViewSet, basename="api-patient")
router.register("invitations", care_views.InvitationViewSet, basename="api-invitation")
router.register("physios", care_views.MyPhysioViewSet, basename="api-physio")
router.register("messages", care_views.MessageViewSet, basename="api-message")
router.register("exercises", ExerciseViewSet, basename="exercise")
router.register("pathways", PathwayViewSet, basename="pathway")
router.register("intakes", IntakeViewSet, basename="intake")
router.register("plans", PlanViewSet, basename="plan")
router.register("logs", log_views.SessionLogViewSet, basename="api-log")
router.register("morning-checks", log_views.MorningCheckViewSet, basename="api-morning-check")
router.register("templates", TemplateViewSet, basename="api-template")

# Ids up to 18 digits: anything longer is not a row of ours (404), never an integer overflow in the query.
ID = r"(?P<pk>[0-9]{1,18})"

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", account_views.TokenView.as_view(), name="api-auth-token"),
    # Sign-up and its e-mailed link, for apps (the web's are accounts/urls.py): then log in at auth/token/.
    path("accounts/", SignupView.as_view(), name="api-signup"),
    path("accounts/verify/", VerifyView.as_view(), name="api-email-verify"),
    path("accounts/verify/send/", VerifySendView.as_view(), name="api-email-verify-send"),
    path("plans/<int:pk>/changes/", PlanChangeListView.as_view(), name="plan-changes"),
    *router.urls,
    path("profile/", settings_views.ProfileView.as_view(), name="api-profile"),
    path("me/digest/", settings_views.DigestView.as_view(), name="api-digest"),
    path("me/push-subscriptions/", PushSubscriptionsView.as_view(), name="api-push-subscriptions"),
    path("me/access-log/", AccessLogView.as_view(), name="api-access-log"),
    path("calendar-token/", account_views.CalendarTokenView.as_view(), name="api-calendar-token"),
    path("export/", settings_views.ExportView.as_view(), name="api-export"),
    path("account/", settings_views.AccountView.as_view(), name="api-account"),
    re_path(rf"^patients/{ID}/plans/$", PatientPlansView.as_view(), name="patient-plans"),
    re_path(rf"^prescriptions/{ID}/$", PrescriptionView.as_view(), name="prescription"),
    re_path(rf"^plans/{ID}/clearance/$", PlanClearanceView.as_view(), name="api-plan-clearance"),
    re_path(rf"^plans/{ID}/program/$", PlanProgramView.as_view(), name="plan-program"),
    re_path(rf"^plans/{ID}/template/$", PlanTemplateView.as_view(), name="plan-template"),
    # [\s\S], not ".": a path may carry an encoded line break (%0A), which "." does not match.
    re_path(r"^[\s\S]*$", api_not_found),
]
