"""Staff can read every plan, prescription, log and decision here, and change none of them: changes to a plan go
through the services (and so into its decision log) like everyone else's."""

from __future__ import annotations

from django.contrib import admin

from programs.models import (
    DayLog,
    Intake,
    PathwayVersion,
    Plan,
    PlanChange,
    PlannedSession,
    PlanStateChange,
    Prescription,
    Reminder,
    SessionLog,
    StageCheck,
)
from rehabplan.admin import ReadOnlyAdminMixin


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


_CHANGE_FIELDS = ("created_at", "kind", "exercise", "effective_from", "reason", "author")
_PRESCRIPTION_FIELDS = (
    "position",
    "exercise",
    "dose",
    "pain_limit",
    "slot",
    "step",
    "replaces",
    "overridden",
    "reason",
)


class PlanChangeInline(ReadOnlyInline):
    model = PlanChange
    fields = readonly_fields = _CHANGE_FIELDS


class PrescriptionInline(ReadOnlyInline):
    model = Prescription
    fields = readonly_fields = _PRESCRIPTION_FIELDS


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["runner", "version", "created_at"]
    list_select_related = ["runner"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["runner", "pathway", "status", "start", "weeks", "created_at"]
    list_filter = ["status", "pathway"]
    list_select_related = ["runner"]
    search_fields = ["runner__email"]
    inlines = [PlanChangeInline]


@admin.register(PlannedSession)
class PlannedSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["plan", "date", "kind", "week_number"]
    list_select_related = ["plan__runner"]
    list_filter = ["kind"]
    inlines = [PrescriptionInline]


@admin.register(PlanChange)
class PlanChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["plan", "kind", "exercise", "effective_from", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["plan__runner"]


@admin.register(SessionLog)
class SessionLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["session", "runner", "created_at"]
    list_select_related = ["session", "runner"]


for model in (DayLog, StageCheck, PlanStateChange, PathwayVersion):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdminMixin, admin.ModelAdmin), {}))


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "local_date", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
