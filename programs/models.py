"""What a runner told us, what we prescribed, what they did, and every change we made and why.

Rows are written only by `programs.services`. Completed sessions and logs are never rewritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programs.choices import PlanChangeKind, PlanStatus, ReminderKind, ReminderStatus
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.querysets import (
    IntakeQuerySet,
    PlanChangeQuerySet,
    PlannedSessionQuerySet,
    PlanQuerySet,
    ReminderQuerySet,
)

if TYPE_CHECKING:
    pass

PAIN_SCALE = [MinValueValidator(0), MaxValueValidator(10)]


class Intake(models.Model):
    """One version of what the runner told us (docs/design.md §3). A new intake never overwrites an old one."""

    runner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intakes")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["runner", "version"], name="one_intake_per_runner_version")]
        ordering = ["runner_id", "-version"]

    def __str__(self) -> str:
        return f"Intake v{self.version} of {self.runner}"


class Plan(models.Model):
    runner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans")
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=20, choices=PlanStatus.choices)
    referral = models.JSONField(null=True, blank=True)
    pathway = models.CharField(max_length=64, blank=True)
    pathway_reason = models.TextField(blank=True)
    # The template and catalogue this plan was generated from: editing either never changes the plan by itself
    # (`plan_upgrade` moves it onto newer versions and records what changed).
    pathway_version = models.ForeignKey(
        "PathwayVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    catalogue_version = models.ForeignKey(
        "exercises.CatalogueVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    start = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    pain_limits = models.JSONField(null=True, blank=True)
    # The rules' decisions so far (programs.clinical.types.PlanState); generator(intake, state) reproduces the plan.
    state = models.JSONField(default=dict, blank=True)
    clinician_clearance = models.JSONField(null=True, blank=True)
    # A physio's changes to the program (programs.clinical.edits.ProgramEdits as a dict): exercises removed, added or
    # reordered, fixed doses, pain limit and running caps. Every regeneration applies them, so the rules keep them.
    program_edits = models.JSONField(default=dict, blank=True)
    # The rules config (programs.clinical.config.RulesConfig as state_json.config_to_dict) the plan was made with: a
    # changed default or REHAB_* variable applies to new plans, and to this one only through `plan_upgrade`.
    rules_config = models.JSONField(default=dict, blank=True)
    # Raised by every write to the plan or its sessions (services.revisions.plan_locked), so a client's cached copy
    # is revalidated from this one column (the API's ETag) without reading the plan again.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(weeks__gte=1, weeks__lte=MAX_PLAN_WEEKS), name="plan_weeks_1_to_52")
        ]

    def __str__(self) -> str:
        return f"{self.pathway or 'plan'} for {self.runner} from {self.start}"


class PlanWeek(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_weeks")
    number = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=64)
    target_distance = models.DecimalField(max_digits=6, decimal_places=1)
    unit = models.CharField(max_length=2)
    max_runs = models.PositiveSmallIntegerField()
    rest_days = models.PositiveSmallIntegerField()
    speed_work_allowed = models.BooleanField()
    running_reason = models.TextField(blank=True)
    running_source = models.TextField(blank=True, default="")  # where the week's rule comes from, for physios

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_week_per_number")]
        ordering = ["plan_id", "number"]

    def __str__(self) -> str:
        return f"week {self.number} ({self.phase})"


class PlannedSession(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sessions")
    week_number = models.PositiveSmallIntegerField()
    date = models.DateField()
    kind = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    # The warm-up that opens a strength session, as its exercises' slugs (programs.clinical.warm_up). Kept on the session, not
    # as prescriptions: it never progresses and is not logged; the read model rebuilds its items.
    warm_up = models.TextField(blank=True, default="")

    objects = PlannedSessionQuerySet.as_manager()

    class Meta:
        # Its index also serves every read by plan and date (its leading columns): no second index to keep up.
        constraints = [models.UniqueConstraint(fields=["plan", "date", "kind"], name="one_session_kind_per_plan_day")]
        ordering = ["plan_id", "date", "position"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.date}"


# A prescription's columns besides its exercise that a replan may change. The one list: the bulk UPDATE
# (programs.services.bulk_writes), the read model (programs.selectors.plans) and the sync's comparison
# (programs.services.plan_sync) each add the exercise their own way.
ITEM_COLUMNS = ("dose", "pain_limit", "reason", "source", "times_per_day", "slot", "step", "scheduled_step", "replaces")


class Prescription(models.Model):
    session = models.ForeignKey(PlannedSession, on_delete=models.CASCADE, related_name="prescriptions")
    # The session's plan, repeated so a plan's items are one index scan (a join through sessions turns into a
    # scan of every prescription once the table is large). No constraint of its own in the database: the session's
    # (above) already ties the row to a plan, and checking this copy too cost every new plan ~500 more checks at commit.
    # It is written only from the session's plan (programs.services.bulk_writes); Django still cascades deletes.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prescriptions", db_constraint=False)
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="prescriptions")
    position = models.PositiveSmallIntegerField()
    dose = models.JSONField()
    pain_limit = models.PositiveSmallIntegerField(validators=PAIN_SCALE)
    reason = models.TextField()
    source = models.TextField(blank=True, default="")  # where the exercise and its dose come from, for physios
    times_per_day = models.PositiveSmallIntegerField(default=1)
    # What the rules read back (programs.clinical.types.Item): the pathway exercise whose place this fills (adjustments are
    # keyed by it), its step on the progression before and after the rules' adjustment, and the exercise it
    # stands in for (an easier variant after a regression, or an alternative for missing equipment).
    slot = models.CharField(max_length=64)
    step = models.PositiveSmallIntegerField(default=0)
    scheduled_step = models.PositiveSmallIntegerField(default=0)
    replaces = models.CharField(max_length=64, blank=True)
    # A physio's hand-set dose; the rules never change an overridden prescription.
    overridden = models.BooleanField(default=False)

    class Meta:
        ordering = ["session_id", "position"]

    def __str__(self) -> str:
        return f"{self.exercise_id} {self.dose}"


class SessionLog(models.Model):
    """What the runner did in one planned session."""

    session = models.OneToOneField(PlannedSession, on_delete=models.PROTECT, related_name="log")
    runner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_logs")
    notes = models.TextField(blank=True)
    # Made by the client (a phone queueing logs offline, an API retry): the same id sent twice is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"log of {self.session}"


class ExerciseLog(models.Model):
    """One prescribed exercise as done: volume, pain during and after (0-10), RPE (0-10)."""

    session_log = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="exercise_logs")
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="logs")
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.JSONField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    laps = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # In the plan's unit, to the hundredth: a distance typed in the runner's other unit reads back as typed.
    distance = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    rpe = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    completed_as_prescribed = models.BooleanField()
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_log", "prescription"], name="one_log_per_prescription"),
            models.CheckConstraint(condition=Q(pain_during__lte=10) & Q(pain_after__lte=10), name="pain_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.prescription} done"


class DayLog(models.Model):
    """How the runner felt on a day: next-morning pain and stiffness, a flare, a run and how it felt, red-flag answers,
    and whether paused exercises could be tried without pain."""

    runner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="day_logs")
    date = models.DateField()
    next_morning_pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    stiffness = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    flare = models.BooleanField(default=False)
    tightness_after_running = models.BooleanField(null=True, blank=True)
    ran_distance = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)  # as a log's distance
    run_pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    red_flags = models.JSONField(default=list, blank=True, help_text="Red-flag questions answered yes that day.")
    pain_free_check = models.BooleanField(null=True, blank=True)
    # The client's id of the last morning check stored here: the same check sent again is not recorded twice.
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["runner", "date"], name="one_day_log_per_runner_day")]
        ordering = ["runner_id", "date"]

    def __str__(self) -> str:
        return f"{self.runner} on {self.date}"


class StageCheck(models.Model):
    """A runner's or physio's answers to a phase's exit checklist (stage_gate rule)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stage_checks")
    phase = models.CharField(max_length=64)
    answers = models.JSONField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.phase} checklist"


class ProgramTemplate(models.Model):
    """A physio's own starting point for programs: a pathway and their changes to it (weeks, pain limits, running
    caps, exercises and doses), kept as data in `program`. Only its owner sees it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_templates")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    pathway = models.CharField(max_length=64)
    weeks = models.PositiveSmallIntegerField(default=6)
    program = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_template_name_per_owner"),
            models.CheckConstraint(condition=Q(weeks__gte=1, weeks__lte=MAX_PLAN_WEEKS), name="template_weeks_1_to_52"),
        ]

    def __str__(self) -> str:
        return self.name


class PathwayVersion(models.Model):
    """A pathway template as it was when a plan was generated from it, so later edits never rewrite that plan.

    `number` counts the distinct contents of one pathway (1, 2, …); `data` is the parsed template's plain form.
    """

    slug = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "number"], name="one_pathway_version_number"),
            models.UniqueConstraint(fields=["slug", "checksum"], name="one_pathway_version_per_content"),
        ]
        ordering = ["slug", "number"]

    def __str__(self) -> str:
        return f"{self.slug} v{self.number}"


class PlanStateChange(models.Model):
    """The rules' state before and after one evaluation, so "why did my plan change on Tuesday" stays answerable."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="state_changes")
    as_of = models.DateField()
    before = models.JSONField()
    after = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"rules state of plan {self.plan_id} on {self.as_of}"


class PlanChange(models.Model):
    """One decision about a plan: what was decided, about which exercise (or "running"), why, what caused it, and
    the concrete session-item changes it made (`item_changes`, a list of `programs.clinical.decisions.ItemChange`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=PlanChangeKind.choices)
    exercise = models.CharField(max_length=64, blank=True, help_text='An exercise slug, "running", or blank.')
    effective_from = models.DateField(null=True, blank=True)
    reason = models.TextField()
    rule = models.CharField(max_length=32, blank=True, help_text="The rule that decided, when a rule did.")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    item_changes = models.JSONField(default=list, blank=True)
    cause_log = models.ForeignKey(SessionLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state_change = models.ForeignKey(
        PlanStateChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanChangeQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


class Reminder(models.Model):
    """Outbox row: one message of one kind for one person and local date (and hour, for the physio digest), sent
    at most once. The database, not Redis, remembers what was sent; a send task claims rows by changing their status.
    """

    # The recipient: a runner, or a physio for the digest.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices, default=ReminderKind.SESSION)
    # The recipient's local date the message is about; with `slot` (the local hour for the physio digest, else 0)
    # it is the key that makes a second dispatcher's insert a no-op.
    local_date = models.DateField()
    slot = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField()
    # What the message needs that the send task cannot read cheaply later (e.g. the plan changes it reports).
    payload = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a send task took the row (status `sending`); past the lease it goes back to the queue.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When a send task was last asked for it, so rows whose message Redis lost are asked for again.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "local_date", "slot"], name="one_reminder_per_kind_and_day")
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["user", "kind", "-local_date"], name="reminder_user_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.local_date}: {self.status}"
