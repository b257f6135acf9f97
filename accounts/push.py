"""Writes for Web Push subscriptions: the only code that stores and removes a browser's push address."""

from __future__ import annotations

from django.db import transaction

from accounts.models import PushSubscription, User

ENDPOINT_TAKEN = (
    "Notifications on this browser are turned on for another account. Turn them off here, then on again: "
    "your browser then gets a new address for your account."
)


class PushEndpointTaken(Exception):
    """The push address is stored for another account."""


@transaction.atomic
def push_subscription_save(*, user: User, endpoint: str, p256dh: str, auth: str) -> tuple[PushSubscription, bool]:
    """Store this browser's subscription for the user; True when the address is new.

    An address stays with the account that stored it: knowing it is not enough to take another person's
    notifications (PushEndpointTaken). A browser that changes hands unsubscribes and subscribes again, which gives it
    a new address; the old one's row goes when the push service answers that it is gone."""
    # get_or_create survives two saves of one new address at once (the unique endpoint decides, then it reads).
    subscription, created = PushSubscription.objects.select_for_update().get_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    if created:
        return subscription, True
    if subscription.user_id != user.pk:
        raise PushEndpointTaken(ENDPOINT_TAKEN)
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.save(update_fields=["p256dh", "auth"])
    return subscription, False


def push_subscription_remove(*, user: User, endpoint: str) -> bool:
    """Forget the user's subscription with this address; False when they had none (someone else's stays)."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted > 0
