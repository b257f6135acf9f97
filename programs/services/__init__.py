"""The one write path for programs (docs/design.md §1): HTML views, API views, commands and tasks call these.

Each service is keyword-only and atomic. Inputs are already validated by a serializer or form; services
enforce the rules that need the database (ownership, care links, what is history and may not change).
Split by concern: generation (what the generator is fed), intakes, plans (create, replan, upgrade), logs, care
(what a physio does) and reminders.
"""

from __future__ import annotations

from ..versions import catalogue_of, pathway_of
from .archive import plan_archive
from .assign import plan_assign, program_preview
from .care import plan_clinician_clear, prescription_override
from .generation import (
    PinnedInputs,
    catalogue,
    catalogue_version_latest,
    current_inputs,
    generate,
    generate_for,
    pathway_version_current,
    pathways,
    pinned_inputs,
    rules_config,
)
from .intakes import intake_record
from .logs import completed_as_prescribed, day_log_record, session_log_record, stage_check_record
from .plans import (
    plan_create,
    plan_replan,
    plan_replan_on,
    plan_start,
    plan_start_from_intake,
    plan_upgrade,
    plans_replan_for_today,
)
from .program_edits import plan_program_edit, plan_program_preview, template_from_plan
from .reminder_news import physio_digests_queue, reminders_plan_changed
from .reminder_sending import reminders_send
from .reminders import reminders_dispatch, reminders_reschedule, reminders_reschedule_after_commit
from .swaps import exercise_swap

__all__ = [
    "PinnedInputs",
    "catalogue",
    "catalogue_of",
    "catalogue_version_latest",
    "completed_as_prescribed",
    "current_inputs",
    "day_log_record",
    "exercise_swap",
    "generate",
    "generate_for",
    "intake_record",
    "pathway_of",
    "pathway_version_current",
    "pathways",
    "physio_digests_queue",
    "pinned_inputs",
    "plan_archive",
    "plan_assign",
    "plan_clinician_clear",
    "plan_create",
    "plan_program_edit",
    "plan_program_preview",
    "plan_replan",
    "plan_replan_on",
    "plan_start",
    "plan_start_from_intake",
    "plan_upgrade",
    "plans_replan_for_today",
    "prescription_override",
    "program_preview",
    "reminders_dispatch",
    "reminders_plan_changed",
    "reminders_reschedule",
    "reminders_reschedule_after_commit",
    "reminders_send",
    "rules_config",
    "session_log_record",
    "stage_check_record",
    "template_from_plan",
]
