"""Writes for Web Push subscriptions: the only code that stores and removes a browser's push address."""

from __future__ import annotations

from accounts.models import PushSubscription, User


def push_subscription_save(*, user: User, endpoint: str, p256dh: str, auth: str) -> tuple[PushSubscription, bool]:
    """Store this browser's subscription for the user; True when the address is new.

    A push address belongs to one browser on one phone: when someone else signs in there and turns notifications
    on, it moves to them, so the previous person's reminders stop arriving on a phone that is no longer theirs."""
    # update_or_create survives two saves of one new address at once (the unique endpoint decides, then it updates).
    return PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )


def push_subscription_remove(*, user: User, endpoint: str) -> bool:
    """Forget the user's subscription with this address; False when they had none (someone else's stays)."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted > 0
