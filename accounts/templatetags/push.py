"""What the Settings page's "Notifications on this phone" needs from settings, so any page can include it."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def vapid_public_key() -> str:
    """The key browsers subscribe with; empty when Web Push is not set up (the section is then left out)."""
    return str(settings.VAPID_PUBLIC_KEY if settings.VAPID_PRIVATE_KEY else "")
