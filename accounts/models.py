"""Who uses RehabPlan: runners and physiotherapists, and the links between them."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Role(models.TextChoices):
    RUNNER = "runner", "Runner"
    PHYSIO = "physio", "Physiotherapist"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if extra["is_staff"] is not True or extra["is_superuser"] is not True:
            raise ValueError("A superuser needs is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Log-in is case-insensitive on the e-mail address.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who logs in with an e-mail address; the role decides which side of the product they see."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RUNNER)
    # A physio's hourly e-mail about patients who need attention (a runner's choices live on RunnerProfile).
    digest_enabled = models.BooleanField(default=True)
    # When the person proved they read mail at this address (a link from it opened); until then nothing addressed
    # to the address by someone else (a physio's invitation, its note) is theirs to read.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]  # e-mail login: not the username-based manager

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # set_password() leaves the new raw password here until the save. Every way of changing a password (reset,
        # change, the admin, manage.py) comes through this save, so each ends every API token the old one made, as
        # Django's session check ends the other sessions.
        password_changed = self.pk is not None and getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self).delete()

    @property
    def is_runner(self) -> bool:
        return self.role == Role.RUNNER

    @property
    def is_physio(self) -> bool:
        return self.role == Role.PHYSIO

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone {value!r}; use an IANA name such as 'Europe/London'.")


class Units(models.TextChoices):
    KM = "km", "Kilometres"
    MI = "mi", "Miles"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class RunnerProfile(models.Model):
    # What a runner chooses (Settings, PATCH /api/v1/profile/ and the data export read and write these).
    SETTINGS: ClassVar[tuple[str, ...]] = (
        "timezone",
        "units",
        "reminders_enabled",
        "reminder_time",
        "remind_sessions",
        "remind_morning_check",
        "remind_missed_sessions",
        "remind_plan_changes",
        "reminders_paused_until",
        "quiet_hours_start",
        "quiet_hours_end",
    )

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="runner_profile")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    reminder_time = models.TimeField(default=datetime.time(7, 30))
    reminders_enabled = models.BooleanField(default=True)
    # A holiday: no reminders of any kind up to and including this local date.
    reminders_paused_until = models.DateField(null=True, blank=True)
    remind_sessions = models.BooleanField(default=True)
    remind_morning_check = models.BooleanField(default=True)
    remind_missed_sessions = models.BooleanField(default=True)
    remind_plan_changes = models.BooleanField(default=True)
    # Local times between which nothing is sent (it waits for the end); both empty: no quiet hours.
    quiet_hours_start = models.TimeField(null=True, blank=True, default=datetime.time(22, 0))
    quiet_hours_end = models.TimeField(null=True, blank=True, default=datetime.time(7, 0))
    # The runner's next reminder (programs.reminders.dispatch): its UTC instant, the local date it is for and what
    # it will be about ({"kinds": [...], "session": {...}}). The dispatcher reads only rows whose instant has come.
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    next_reminder_on = models.DateField(null=True, blank=True)
    next_reminder = models.JSONField(default=dict, blank=True)
    units = models.CharField(max_length=2, choices=Units.choices, default=Units.KM)
    # The secret in the runner's calendar subscription URL: whoever has it reads the plan, so a new one can replace it.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="runner_next_reminder_due",
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class CareLinkStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    REVOKED = "revoked", "Revoked"


class CareLinkQuerySet(models.QuerySet["CareLink"]):
    def active(self) -> CareLinkQuerySet:
        return self.filter(status=CareLinkStatus.ACTIVE)

    def of_physio(self, user: User) -> CareLinkQuerySet:
        """The one care-link rule: the active links of a user who is a physio. Reads and writes all ask this."""
        if not getattr(user, "is_physio", False):
            return self.none()
        return self.active().filter(physio=user)

    def patients_of(self, user: User) -> models.QuerySet[CareLink, int]:
        """Ids of the runners this user may see as their physio (a subquery for `runner__in=`)."""
        return self.of_physio(user).values_list("runner", flat=True)

    def physio_may_see(self, user: User, runner_id: int) -> bool:
        return self.of_physio(user).filter(runner_id=runner_id).exists()


class CareLink(models.Model):
    """A physio may see and adjust a runner's plans only through an active link the runner consented to."""

    physio = models.ForeignKey(User, on_delete=models.CASCADE, related_name="patient_links")
    runner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="physio_links")
    status = models.CharField(max_length=16, choices=CareLinkStatus.choices, default=CareLinkStatus.INVITED)
    consented_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CareLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["physio", "runner"],
                condition=~Q(status=CareLinkStatus.REVOKED),
                name="one_open_care_link_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status=CareLinkStatus.INVITED) | Q(consented_at__isnull=False),
                name="active_or_revoked_care_link_has_consent_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.physio} → {self.runner} ({self.status})"


class Invitation(models.Model):
    """A physio's invitation to an e-mail address. The link in the e-mail carries the id signed with a time stamp
    (django.core.signing), so it expires without a stored secret; accepting it makes an active CareLink."""

    physio = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_sent")
    email = models.EmailField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations_accepted"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["physio", "email"])]
        constraints = [
            # Inviting an address again renews its open invitation (accounts.care.invitation_create): the runner
            # never finds two from the same physio. Open means neither accepted nor withdrawn, expired included.
            models.UniqueConstraint(
                "physio",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_invitation_per_physio_and_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.physio} invites {self.email}"


class Message(models.Model):
    """One message in the thread between a physio and one of their patients (either of them writes)."""

    physio = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    runner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["runner", "physio", "-created_at"])]

    def __str__(self) -> str:
        return f"message from {self.author} ({self.created_at:%Y-%m-%d})"


def api_token_digest(key: str) -> str:
    # The key has 256 random bits, so a plain SHA-256 is enough to make a stolen table useless (no salt needed).
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_user(self, user: User) -> ApiTokenQuerySet:
        return self.filter(user=user)

    def authenticate(self, key: str) -> ApiToken | None:
        """The token with this key, with its user and the runner's profile (one query: the API's date is local)."""
        return (
            self.select_related("user", "user__runner_profile")
            .filter(digest=api_token_digest(key), user__is_active=True)
            .first()
        )


class ApiToken(models.Model):
    """An API token: only its SHA-256 digest is stored; the key is shown once, when it is created.

    A user may hold several (one per app or script), each named and revoked on its own."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    # The key's first characters, so the user can tell tokens apart in Settings without the key being stored.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name or 'API token'} {self.prefix}… of {self.user}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (the Push API's endpoint and keys) for the user who allowed notifications.
    Deleted when the push service answers that it is gone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription of {self.user}"


class AccessKind(models.TextChoices):
    READ = "read", "Read"
    CHANGE = "change", "Changed"


class AccessActor(models.TextChoices):
    PHYSIO = "physio", "Your physio"
    STAFF = "staff", "RehabPlan staff member"


class AccessedData(models.TextChoices):
    """What of a runner's data someone else opened or changed, in the words the runner reads."""

    PATIENT_PAGE = "patient_page", "your plan, logs and messages"
    PLAN = "plan", "your plan"
    SESSION_LOGS = "session_logs", "your session logs and morning checks"
    PROFILE = "profile", "your profile and settings"
    INTAKE = "intake", "your intake answers"
    ACCOUNT = "account", "your account details"


class DataAccessQuerySet(models.QuerySet["DataAccess"]):
    def of_runner(self, runner: User) -> DataAccessQuerySet:
        return self.filter(runner=runner).order_by("-at", "-id")


class DataAccess(models.Model):
    """A physio or a staff member read or changed a runner's data: the runner's record of who saw what, and when.

    The actor's name is kept as text, so the entry still says who it was after their account is deleted."""

    runner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_accesses")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(max_length=300)
    actor_kind = models.CharField(max_length=8, choices=AccessActor.choices)
    kind = models.CharField(max_length=8, choices=AccessKind.choices)
    what = models.CharField(max_length=16, choices=AccessedData.choices)
    at = models.DateTimeField()

    objects = DataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["runner", "-at"], name="data_access_runner_newest")]
        verbose_name_plural = "data accesses"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_kind_display().lower()} {self.get_what_display()} of {self.runner}"
