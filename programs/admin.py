from __future__ import annotations

from django.contrib import admin

from .models import DayLog, Intake, Plan, PlanChange, PlannedSession, Prescription, Reminder, SessionLog, StageCheck


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["runner", "version", "created_at"]
    list_select_related = ["runner"]
    # An intake is a record of what the runner said: never edited after the fact.
    readonly_fields = ["runner", "version", "data", "created_at"]


class PlanChangeInline(admin.TabularInline):
    model = PlanChange
    extra = 0
    fields = ["created_at", "kind", "date", "session_kind", "exercise", "before", "after", "reason", "author"]
    readonly_fields = fields
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["runner", "pathway", "status", "start", "weeks", "created_at"]
    list_filter = ["status", "pathway"]
    list_select_related = ["runner"]
    search_fields = ["runner__email"]
    readonly_fields = ["intake", "state", "created_at"]
    inlines = [PlanChangeInline]


class PrescriptionInline(admin.TabularInline):
    model = Prescription
    extra = 0
    autocomplete_fields = ["exercise"]


@admin.register(PlannedSession)
class PlannedSessionAdmin(admin.ModelAdmin):
    list_display = ["plan", "date", "kind", "week_number"]
    list_select_related = ["plan__runner"]
    list_filter = ["kind"]
    inlines = [PrescriptionInline]


@admin.register(SessionLog)
class SessionLogAdmin(admin.ModelAdmin):
    list_display = ["session", "runner", "created_at"]
    list_select_related = ["session", "runner"]


admin.site.register(DayLog)
admin.site.register(StageCheck)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["runner", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["runner"]
