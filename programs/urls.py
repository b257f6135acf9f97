"""The programs app's pages: Today, the plan, the intake, Progress, messages, printing, the runner's Settings (with
the calendar feed, export and deletion), and the physio's side."""

from __future__ import annotations

import datetime as dt

from django.urls import path, register_converter

from programs.reminders import views as reminders
from programs.views import (
    care,
    intake,
    patient_detail,
    patients,
    plans,
    printing,
    program_editor,
    progress,
    settings,
    templates,
    threads,
    today,
)


class IsoDateConverter:
    """One URL per day: YYYY-MM-DD, given to the view as a date. A date that does not exist (2026-02-30) matches no
    URL, so it is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # a ValueError here means "no match"

    def to_url(self, value: str | dt.date) -> str:
        return value.isoformat() if isinstance(value, dt.date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "programs"
urlpatterns = [
    # The runner's day
    path("", today.home, name="home"),
    path("today/sessions/<int:session_id>/log/", today.session_log, name="session-log"),
    path("morning-check/", today.morning_check, name="morning-check"),
    # The plan
    path("plans/week/", plans.plan_current_week, name="current-week"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/weeks/<int:number>/", plans.plan_week, name="plan-week"),
    path("plans/<int:plan_id>/days/<isodate:date>/", plans.plan_day, name="plan-day"),
    path("plans/<int:plan_id>/changes/", plans.plan_changes, name="plan-changes"),
    path("plans/<int:plan_id>/prescriptions/<int:prescription_id>/swap/", plans.plan_swap, name="plan-swap"),
    path("plans/<int:plan_id>/print/", printing.plan_print, name="plan-print"),
    path("plans/<int:plan_id>/program.pdf", printing.plan_pdf_download, name="plan-pdf"),
    # The intake
    path("intake/", intake.start, name="intake-start"),
    path("intake/see-a-clinician/", intake.referral, name="intake-referral"),
    path("intake/<slug:slug>/", intake.step, name="intake-step"),
    path("progress/", progress.progress, name="progress"),
    # Messages between a runner and their physios
    path("messages/", threads.runner_messages, name="runner-messages"),
    path("messages/<int:physio_id>/", threads.runner_message_send, name="runner-message-send"),
    path("reminders/unsubscribe/<str:token>/", reminders.reminders_unsubscribe_view, name="reminders-unsubscribe"),
    # Settings: the runner's choices, calendar link, API tokens, their data, deleting the account
    path("settings/", settings.runner_settings, name="settings"),
    path("settings/name/", settings.first_name_update, name="first-name-update"),
    path("settings/calendar/new-link/", settings.calendar_token_regenerate, name="calendar-token-regenerate"),
    path("settings/api-tokens/new/", settings.api_token_create, name="api-token-create"),
    path("settings/api-tokens/<int:token_id>/revoke/", settings.api_token_revoke, name="api-token-revoke"),
    path("settings/export.json", settings.export_json, name="export-json"),
    path("settings/export.csv", settings.export_csv, name="export-csv"),
    path("settings/delete/", settings.account_delete, name="account-delete"),
    path("calendar/<slug:token>.ics", settings.calendar_feed_view, name="calendar-feed"),
    # The physio's side
    path("patients/", patients.patient_list, name="patients"),
    path("patients/digest/", patients.physio_digest, name="physio-digest"),
    path("patients/invitations/", care.invitation_list, name="invitation-list"),
    path("patients/invitations/<int:invitation_id>/withdraw/", care.invitation_withdraw, name="invitation-withdraw"),
    path("patients/<int:runner_id>/", patient_detail.patient_detail, name="patient-detail"),
    path("patients/<int:runner_id>/messages/", patient_detail.patient_messages, name="patient-messages"),
    path("patients/<int:runner_id>/assign/", program_editor.program_assign, name="program-assign"),
    path("patients/<int:runner_id>/plans/<int:plan_id>/edit/", program_editor.program_edit, name="program-edit"),
    path(
        "patients/<int:runner_id>/plans/<int:plan_id>/save-template/",
        templates.template_from_plan,
        name="template-from-plan",
    ),
    path("patients/<int:runner_id>/plans/<int:plan_id>/clearance/", care.plan_clearance, name="plan-clearance"),
    path("templates/", templates.template_list, name="template-list"),
    path("templates/<int:template_id>/", templates.template_edit, name="template-edit"),
    path("templates/<int:template_id>/delete/", templates.template_delete, name="template-delete"),
]
