"""Deleting an account: a person's plans and logs are programs' rows, so the deletion starts here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from programs.models import ExerciseLog, Intake, Plan, SessionLog, StageCheck
from programs.services.plan_cache import runner_plans_cache_replace


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the user and every row of their personal data.

    Logs are history and their foreign keys to sessions and prescriptions PROTECT them from a replan, so the deletion
    runs bottom-up: exercise logs, session logs, plans (with weeks, sessions, prescriptions, checks and decisions),
    intakes, then the user, whose deletion cascades to the profile, day logs, reminders, care links and API tokens.
    A physio's answers to a patient's stage checklist belong to the patient's record and are not deleted for them.
    """
    if StageCheck.objects.filter(answered_by=user).exclude(plan__runner=user).exists():
        raise ValidationError(
            "You answered stage checklists in your patients' plans. These are part of their records, so this "
            "account cannot be deleted here; please contact us."
        )
    ExerciseLog.objects.filter(Q(session_log__runner=user) | Q(prescription__plan__runner=user)).delete()
    SessionLog.objects.filter(Q(runner=user) | Q(session__plan__runner=user)).delete()
    runner_plans_cache_replace(user.pk)  # the API's read cache: the plans' facts go, and nothing replaces them
    Plan.objects.filter(runner=user).delete()
    Intake.objects.filter(runner=user).delete()
    user.delete()
