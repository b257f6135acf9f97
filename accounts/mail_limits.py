"""How many account e-mails (sign-in links, password resets, invitations) one address receives and one client causes.

Counted per hour in the shared cache (`CACHE_URL`, Redis in production), so every worker and host counts together.
Over a limit nothing is sent, and the visitor sees the same answer as when an e-mail went out: the answer never
tells whether an address has an account.

When the cache cannot be reached the e-mail is sent and the outage logged (fail open): the sign-in link is the way
back into an account whose password is locked, so it must not stop with Redis; a flood is then bounded by the
outage's length, one e-mail per request as before these limits.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from redis import RedisError

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    """This hour's count under `key`, one more than before (a fixed window that starts with the first e-mail)."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def _address_key(address: str) -> str:
    # A digest: the cache need not hold e-mail addresses.
    return "mail-limit:to:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()


def mail_allowed(*, to: str, client: str, per_address: int | None = None, per_client: int | None = None) -> bool:
    """Count one e-mail to `to` caused by `client` (an address, or an account for a signed-in sender); False when
    either is over its hourly limit, and then nothing is to be sent. A client over its limit adds nothing to the
    address's count, so one client cannot use up an address's e-mails beyond its own allowance."""
    per_address = settings.MAIL_PER_ADDRESS_PER_HOUR if per_address is None else per_address
    per_client = settings.MAIL_PER_CLIENT_PER_HOUR if per_client is None else per_client
    try:
        if _count(f"mail-limit:from:{client}") > per_client:
            logger.info("e-mail limit: client %s over %d an hour, nothing sent", client, per_client)
            return False
        if _count(_address_key(to)) > per_address:
            logger.info("e-mail limit: an address over %d an hour, nothing sent", per_address)
            return False
    except (RedisError, OSError) as exc:
        logger.warning("e-mail limit cache unreachable, e-mail sent: %s", exc)
    return True
