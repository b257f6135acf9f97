"""Staff can read every plan, prescription, log and decision here, and change none of them: changes to a plan go
through the services (and so into its decision log) like everyone else's. Opening a runner's row is recorded in the
runner's access log (`accounts.admin.RunnerDataAdminMixin`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from accounts.admin import RunnerDataAdminMixin
from accounts.models import AccessedData
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


class PlanRowAdmin(RunnerDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A row of one plan: opening it reads the plan's runner's data."""

    access_what = AccessedData.PLAN

    def runner_id_of(self, obj: Any) -> int | None:
        return obj.plan.runner_id


@admin.register(Intake)
class IntakeAdmin(RunnerDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    access_what = AccessedData.INTAKE
    list_display = ["runner", "version", "created_at"]
    list_select_related = ["runner"]


@admin.register(Plan)
class PlanAdmin(RunnerDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    access_what = AccessedData.PLAN
    list_display = ["runner", "pathway", "status", "start", "weeks", "created_at"]
    list_filter = ["status", "pathway"]
    list_select_related = ["runner"]
    search_fields = ["runner__email"]
    inlines = [PlanChangeInline]


@admin.register(PlannedSession)
class PlannedSessionAdmin(PlanRowAdmin):
    list_display = ["plan", "date", "kind", "week_number"]
    list_select_related = ["plan__runner"]
    list_filter = ["kind"]
    inlines = [PrescriptionInline]


@admin.register(PlanChange)
class PlanChangeAdmin(PlanRowAdmin):
    list_display = ["plan", "kind", "exercise", "effective_from", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["plan__runner"]


@admin.register(SessionLog)
class SessionLogAdmin(RunnerDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    access_what = AccessedData.SESSION_LOGS
    list_display = ["session", "runner", "created_at"]
    list_select_related = ["session", "runner"]


@admin.register(DayLog)
class DayLogAdmin(RunnerDataAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    access_what = AccessedData.SESSION_LOGS


for model in (StageCheck, PlanStateChange):
    admin.site.register(model, type(f"{model.__name__}Admin", (PlanRowAdmin,), {}))
admin.site.register(PathwayVersion, type("PathwayVersionAdmin", (ReadOnlyAdminMixin, admin.ModelAdmin), {}))


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "local_date", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
