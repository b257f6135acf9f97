from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from accounts.access_log import record_access
from accounts.models import AccessActor, AccessedData, AccessKind, CareLink, DataAccess, RunnerProfile, User
from rehabplan.admin import ReadOnlyAdminMixin


class RunnerDataAdminMixin:
    """An admin of rows that belong to a runner: opening one is a read by staff in the runner's access log, saving or
    deleting it a change (`accounts.access_log`). Rows of non-runner accounts record nothing."""

    access_what: ClassVar[AccessedData]

    def runner_id_of(self, obj: Any) -> int | None:
        return getattr(obj, "runner_id", None)

    def _record(self, request: HttpRequest, obj: Any, kind: AccessKind) -> None:
        user = request.user
        assert isinstance(user, User)  # the admin is behind staff login
        record_access(
            actor=user, runner_id=self.runner_id_of(obj), what=self.access_what, kind=kind, actor_kind=AccessActor.STAFF
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            self._record(request, obj, AccessKind.READ)
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._record(request, obj, AccessKind.CHANGE)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        runner_id = self.runner_id_of(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        if runner_id is not None:
            self._record(request, obj, AccessKind.CHANGE)


@admin.register(User)
class UserAdmin(RunnerDataAdminMixin, BaseUserAdmin):
    access_what = AccessedData.ACCOUNT
    ordering = ["email"]
    list_display = ["email", "role", "first_name", "last_name", "is_staff"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "role")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)

    def runner_id_of(self, obj: Any) -> int | None:
        return obj.pk if obj.pk is not None and obj.is_runner else None


@admin.register(RunnerProfile)
class RunnerProfileAdmin(RunnerDataAdminMixin, admin.ModelAdmin):
    access_what = AccessedData.PROFILE
    list_display = ["user", "timezone", "reminder_time", "reminders_enabled", "units"]
    list_select_related = ["user"]

    def runner_id_of(self, obj: Any) -> int | None:
        return obj.user_id


@admin.register(CareLink)
class CareLinkAdmin(admin.ModelAdmin):
    list_display = ["physio", "runner", "status", "consented_at"]
    list_filter = ["status"]
    list_select_related = ["physio", "runner"]


@admin.register(DataAccess)
class DataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access log is evidence: staff read it and change nothing (the runner's account deletion removes it)."""

    list_display = ["at", "runner", "actor_name", "actor_kind", "kind", "what"]
    list_filter = ["actor_kind", "kind", "what"]
    list_select_related = ["runner"]
    search_fields = ["runner__email", "actor_name"]
