"""The named reads of programs' rows (Plan.objects.for_user(u), …): each owns its filter and joins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from accounts.models import CareLink, User
from programs.choices import PlanStatus, ReminderStatus

if TYPE_CHECKING:  # the models use these querysets: at run time the names are only annotations
    from programs.models import Intake, Plan, PlanChange, PlannedSession, Reminder  # noqa: F401 - named in strings


class IntakeQuerySet(models.QuerySet["Intake"]):
    def for_runner(self, runner: User) -> IntakeQuerySet:
        return self.filter(runner=runner)

    def latest_first(self) -> IntakeQuerySet:
        return self.order_by("-version")


class PlanQuerySet(models.QuerySet["Plan"]):
    def for_user(self, user: User) -> PlanQuerySet:
        """Plans the user may see: their own, or, for a physio, their patients' (accounts.CareLink.objects.patients_of)."""
        return self.filter(Q(runner=user) | Q(runner__in=CareLink.objects.patients_of(user)))

    def of_patients(self, physio: User) -> PlanQuerySet:
        """Plans of the runners actively linked to this physio (`CareLink.objects.of_physio`, the one care-link rule):
        what every physio page and endpoint that reaches a plan starts from, so none lets a revoked link through."""
        return self.filter(runner__in=CareLink.objects.patients_of(physio))

    def printable(self) -> PlanQuerySet:
        """With what its PDF reads besides the plan's rows: the runner, their profile (units) and the pinned versions
        (their stored data is parsed once per process when first used)."""
        return self.select_related("runner__runner_profile", "catalogue_version", "pathway_version").defer(
            "catalogue_version__data", "pathway_version__data"
        )

    def current_for_runner(self, runner: User) -> Plan | None:
        """The runner's plan in use: the newest that has not ended."""
        return self.filter(runner=runner).exclude(status=PlanStatus.ENDED).order_by("-created_at", "-id").first()


class PlannedSessionQuerySet(models.QuerySet["PlannedSession"]):
    def for_runner(self, runner: User) -> PlannedSessionQuerySet:
        """Sessions of the runner's own plans, with the plan (another runner's session is not found)."""
        return self.filter(plan__runner=runner).select_related("plan")


class PlanChangeQuerySet(models.QuerySet["PlanChange"]):
    def newest_first(self) -> PlanChangeQuerySet:
        return self.select_related("author", "cause_log__session").order_by("-created_at", "-id")


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def due(self, now: object) -> ReminderQuerySet:
        return self.filter(status=ReminderStatus.PENDING, due_at__lte=now)
