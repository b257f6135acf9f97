from __future__ import annotations

from django.urls import path

from programs.views import intake

app_name = "intake"
urlpatterns = [
    path("", intake.start, name="start"),
    path("see-a-clinician/", intake.referral, name="referral"),
    path("<slug:slug>/", intake.step, name="step"),
]
