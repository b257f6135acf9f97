"""A physio's patient detail page and the message thread with each runner (physio and runner side)."""

from __future__ import annotations

from django.urls import URLPattern, path

from programs.views import patient_detail, patients
from programs.views import threads as messages

urlpatterns: list[URLPattern] = [
    path("patients/digest/", patients.physio_digest, name="physio-digest"),
    path("patients/<int:runner_id>/", patient_detail.patient_detail, name="patient-detail"),
    path("patients/<int:runner_id>/messages/", patient_detail.patient_messages, name="patient-messages"),
    path("messages/", messages.runner_messages, name="runner-messages"),
    path("messages/<int:physio_id>/", messages.runner_message_send, name="runner-message-send"),
]
