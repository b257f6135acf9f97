"""Writes between physios and runners: invitations, the runner's consent, revoking it, and messages.

A physio sees a runner only through an active CareLink, and a link becomes active only when the runner accepts an
invitation sent to their e-mail address (their consent time is recorded). The invitation link carries the
invitation's id signed with a time stamp (django.core.signing), so it expires after `INVITATION_MAX_AGE_DAYS` without
a stored secret. The runner revokes a link at once; the physio's next request for that runner finds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.mail_limits import mail_allowed
from accounts.models import CareLink, CareLinkStatus, Invitation, Message, User
from accounts.services import care_link_activate

INVITATION_SALT = "rehabplan.accounts.invitation"
MESSAGE_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 1000

EMAIL_NOT_VERIFIED = (
    "Confirm your e-mail address first: open the link we e-mailed you when you signed up, or send yourself a new one."
)
# The e-mail limits (accounts.mail_limits) count a physio's invitations as theirs and as the invited address's.
INVITATIONS_OVER_LIMIT = (
    "Too many invitations in the last hour from your account or to this address. Try again in an hour."
)

InvitationStatus = Literal["pending", "accepted", "withdrawn", "expired"]

# What the runner lets a physio see, said once for the e-mail, the accept page and the API's documentation.
WHAT_THE_PHYSIO_SEES = (
    "your plans, what you log (sessions, pain, next-morning checks and runs) and your safety answers; "
    "they can change a dose, clear a red flag after seeing you, and write to you. You can stop this at any time "
    "in your settings."
)


def invitation_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def invitation_expires_at(invitation: Invitation) -> dt.datetime:
    return invitation.created_at + invitation_max_age()


def invitation_status(invitation: Invitation, now: dt.datetime | None = None) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.withdrawn_at is not None:
        return "withdrawn"
    if invitation_expires_at(invitation) <= (now or timezone.now()):
        return "expired"
    return "pending"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def _open_invitations() -> QuerySet[Invitation]:
    """Neither accepted nor withdrawn (expired ones included): at most one per physio and address."""
    return Invitation.objects.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


def pending_invitations_for(runner: User) -> QuerySet[Invitation]:
    """Invitations addressed to the runner's e-mail that they can still accept, with the physio; none from a physio
    who already follows their plan."""
    return (
        _open_invitations()
        .filter(email__iexact=runner.email, created_at__gt=timezone.now() - invitation_max_age())
        .exclude(physio__in=CareLink.objects.active().filter(runner=runner).values("physio"))
        .select_related("physio")
    )


def display_name(user: User) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def invitation_create(*, physio: User, email: str, note: str = "", link_for: Callable[[str], str]) -> Invitation:
    """A physio invites a runner by e-mail; the e-mail carries the link made by `link_for(token)`.

    Nothing is linked yet: the runner decides. A runner already linked to this physio is not invited again. An
    address this physio has an open invitation to (pending or expired) keeps that one invitation: it is renewed (its
    time starts again, a new note replaces the old) and e-mailed again, with a fresh link; the earlier link keeps
    working until its own time runs out."""
    if not physio.is_physio:
        raise ValidationError("Only a physiotherapist's account can invite runners.")
    email = User.objects.normalize_email(email.strip()).lower()
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."})
    if email == physio.email.lower():
        raise ValidationError({"email": "You cannot invite yourself."})
    if CareLink.objects.of_physio(physio).filter(runner__email__iexact=email).exists():
        raise ValidationError({"email": "This runner already shares their plan with you."})
    if not mail_allowed(to=email, client=f"account:{physio.pk}"):
        raise ValidationError(INVITATIONS_OVER_LIMIT)
    invitation = _invitation_renewed_or_created(physio=physio, email=email, note=note)
    who = display_name(physio)
    # The e-mail names the physio and nothing clinical: whoever reads it has not yet shown the address is theirs.
    send_mail(
        f"{who} invites you to share your RehabPlan",
        f"{who} ({physio.email}) would like to follow your hamstring rehab plan on RehabPlan.\n\n"
        f"If you allow it, they will see {WHAT_THE_PHYSIO_SEES}\n\n"
        f"To allow it, open this link and sign in (or create an account with this e-mail address and confirm it):\n\n"
        f"{link_for(invitation_token(invitation))}\n\n"
        f"The link works for {settings.INVITATION_MAX_AGE_DAYS} days. If you do not know {who}, ignore this e-mail: "
        "nothing is shared unless you allow it.\n",
        None,
        [email],
    )
    return invitation


def _invitation_renewed_or_created(*, physio: User, email: str, note: str) -> Invitation:
    def renewed() -> Invitation | None:
        invitation = _open_invitations().select_for_update().filter(physio=physio, email__iexact=email).first()
        if invitation is not None:
            invitation.created_at, invitation.note = timezone.now(), note or invitation.note
            invitation.save(update_fields=["created_at", "note"])
        return invitation

    if (invitation := renewed()) is not None:
        return invitation
    try:
        with transaction.atomic():
            return Invitation.objects.create(physio=physio, email=email, note=note)
    except IntegrityError:  # the same invitation sent at the same moment (a double click): renew that one
        if (invitation := renewed()) is None:
            raise
        return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link's token names, if it can still be accepted or was already accepted.

    Raises ValidationError with a sentence a runner can read for a bad, expired or withdrawn link."""
    try:
        invitation_id = signing.loads(token.strip(), salt=INVITATION_SALT, max_age=invitation_max_age())
    except signing.SignatureExpired:
        raise ValidationError("This invitation has expired. Ask your physio to send you a new one.") from None
    except signing.BadSignature:
        raise ValidationError(
            "This invitation link is not valid. Check that you copied all of it, or ask your physio for a new one."
        ) from None
    invitation = (
        Invitation.objects.select_related("physio").filter(pk=invitation_id).first()
        if isinstance(invitation_id, int)
        else None
    )
    if invitation is None or not invitation.physio.is_active:
        raise ValidationError("This invitation no longer exists. Ask your physio for a new one.")
    if invitation.withdrawn_at is not None:
        raise ValidationError("Your physio withdrew this invitation. Ask them for a new one if you need it.")
    return invitation


def invitation_check_for(invitation: Invitation, runner: User) -> None:
    if not runner.is_runner:
        raise ValidationError("Only a runner's account can accept an invitation.")
    if invitation.email.lower() != runner.email.lower():
        raise ValidationError(
            "This invitation was sent to another e-mail address. Sign in with the account for that address, "
            "or ask your physio to invite the address you use here."
        )
    if not runner.email_verified:
        raise ValidationError(EMAIL_NOT_VERIFIED)


@transaction.atomic
def invitation_accept(*, token: str, runner: User) -> CareLink:
    """The runner allows the inviting physio to follow their plan: the link becomes active with the consent time.

    Accepting the same invitation again returns the link it made. A link the runner revoked since stays revoked:
    a used invitation cannot undo that (they would need a new one). A physio has one open invitation per address
    (inviting again renews it), so accepting leaves none of theirs waiting; invitations from other physios stay
    pending: the runner decides for each physio on their own."""
    invitation = invitation_from_token(token)
    invitation_check_for(invitation, runner)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        link = CareLink.objects.of_physio(invitation.physio).filter(runner=runner).first()
        if invitation.accepted_by_id == runner.pk and link is not None:
            return link
        raise ValidationError("This invitation was already used. Ask your physio for a new one if you need it.")
    link = care_link_activate(physio=invitation.physio, runner=runner)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), runner
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.note:
        # Only now, to the verified account that accepted, does the physio's note arrive: as their first message.
        Message.objects.create(physio=invitation.physio, runner=runner, author=invitation.physio, body=invitation.note)
    return link


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, physio: User) -> Invitation:
    """The physio takes back an invitation that was not accepted yet; its link stops working. Doing it twice is fine."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.physio_id != physio.pk:
        raise ValidationError("This is not your invitation.")
    if invitation.accepted_at is not None:
        raise ValidationError(
            "This invitation was accepted already; the runner decides whether you keep following their plan."
        )
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


def active_links_of_runner(runner: User) -> QuerySet[CareLink]:
    return CareLink.objects.active().filter(runner=runner).select_related("physio").order_by("consented_at", "id")


@transaction.atomic
def care_link_revoke(*, runner: User, physio_id: int) -> CareLink:
    """The runner stops a physio following their plan, at once. Raises CareLink.DoesNotExist when no active link."""
    link = CareLink.objects.select_for_update().get(runner=runner, physio_id=physio_id, status=CareLinkStatus.ACTIVE)
    link.status, link.revoked_at = CareLinkStatus.REVOKED, timezone.now()
    link.save(update_fields=["status", "revoked_at"])
    return link


@dataclass(frozen=True)
class Thread:
    physio: User
    runner: User


def thread_between(*, user: User, other_id: int) -> Thread | None:
    """The actively linked pair of `user` and the other party (a patient for a physio, a physio for a runner)."""
    if user.is_physio:
        link = CareLink.objects.of_physio(user).filter(runner_id=other_id).select_related("runner").first()
        return Thread(physio=user, runner=link.runner) if link else None
    link = active_links_of_runner(user).filter(physio_id=other_id).first()
    return Thread(physio=link.physio, runner=user) if link else None


def messages_visible_to(user: User) -> QuerySet[Message]:
    """Messages of the user's active links only: a revoked link's thread is closed to both sides."""
    if user.is_physio:
        where = Q(physio=user, runner__in=CareLink.objects.patients_of(user))
    else:
        where = Q(runner=user, physio__in=CareLink.objects.active().filter(runner=user).values("physio"))
    return Message.objects.filter(where).select_related("physio", "runner")


@transaction.atomic
def message_send(*, author: User, other_id: int, body: str) -> Message:
    """A message in the thread of an actively linked physio and runner. Raises CareLink.DoesNotExist otherwise."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write something to send."})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"body": f"Keep a message to {MESSAGE_MAX_LENGTH} characters or fewer."})
    thread = thread_between(user=author, other_id=other_id)
    if thread is None:
        raise CareLink.DoesNotExist("No active link between these two people.")
    return Message.objects.create(physio=thread.physio, runner=thread.runner, author=author, body=body)


@transaction.atomic
def messages_mark_read(*, reader: User, other_id: int | None = None) -> int:
    """The other party's unread messages to `reader` are read now: in the thread with `other_id`, or in all of the
    reader's active threads. How many were marked; a closed or unknown thread marks nothing."""
    unread = messages_visible_to(reader).filter(read_at__isnull=True).exclude(author=reader)
    if other_id is not None:
        unread = unread.filter(**{"runner_id" if reader.is_physio else "physio_id": other_id})
    return unread.update(read_at=timezone.now())
