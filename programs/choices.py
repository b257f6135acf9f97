"""The fixed choices of programs' rows: a plan's status, the kinds of decision in its log, a reminder's kind and
status."""

from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    NEEDS_CLINICIAN = "needs_clinician", "Needs a clinician"
    ENDED = "ended", "Ended"


class PlanChangeKind(models.TextChoices):
    """What a decision did. `before`/`after` have one schema per kind, documented in docs/plan-changes.md."""

    PROGRESS = "progress", "Progressed"
    HOLD = "hold", "Held"
    REGRESS = "regress", "Stepped back"
    PAUSE = "pause", "Paused"
    RESUME = "resume", "Resumed"
    SWAP = "swap", "Exercise swapped"
    OVERRIDE = "override", "Changed by your physio"
    RUNNING = "running", "Running changed"
    STAGE_ADVANCE = "stage_advance", "Next stage"
    STAGE_HOLD = "stage_hold", "Stage extended"
    RED_FLAG = "red_flag", "Red flag"
    CLEARANCE = "clearance", "Cleared by a clinician"
    UPGRADE = "upgrade", "Moved to a newer program version"
    UPDATE = "update", "Sessions updated"
    ASSIGN = "assign", "Assigned by your physio"
    END = "end", "Plan ended"
    PROGRAM = "program", "Program changed by your physio"


class ReminderKind(models.TextChoices):
    SESSION = "session", "Session reminder"
    MORNING_CHECK = "morning_check", "Morning check"
    MISSED_SESSION = "missed_session", "Missed-session nudge"
    PLAN_CHANGED = "plan_changed", "Plan changed"
    PHYSIO_DIGEST = "physio_digest", "Patients needing attention"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
