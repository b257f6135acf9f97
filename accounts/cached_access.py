"""Who a request is and whom they may see, from the API's read cache (rehabplan/api_cache.py) when it is warm: the
token by its key's digest (with its user and their profile) and a physio's patients. Both expire after
API_CACHE_ACCESS_SECONDS, and every write that changes them removes them when it commits (`connect`): a revoked
token, a deleted or deactivated account, a role change, a care link that starts or ends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models.signals import post_delete, post_save

from accounts.models import ApiToken, CareLink, User, api_token_digest
from rehabplan import api_cache

# A save of only these fields changes nothing the cached token or patients say (a login stamps last_login).
_IRRELEVANT_USER_FIELDS = frozenset({"last_login", "email_verified_at", "digest_enabled"})


def token_for_key(key: str, also: Sequence[str] = ()) -> tuple[ApiToken | None, dict[str, Any]]:
    """The token with this key, with its user and the runner's profile: from the cache, else one query. And the
    entries `also` names that the cache holds, read in the same round trip."""
    cache_key = api_cache.token_key(api_token_digest(key))
    found = api_cache.get_many([cache_key, *also])
    token = found.pop(cache_key, None)
    if isinstance(token, ApiToken):
        return token, found
    token = ApiToken.objects.authenticate(key)
    if token is not None:
        # No password hash in Redis: the reads that use this token never check a password nor save the user.
        token.user.password = ""
        api_cache.add(cache_key, token, api_cache.access_seconds())
    return token, found


def patients_of(user: User) -> frozenset[int]:
    """Ids of the runners this user may see as their physio (`CareLink.objects.patients_of`, the one rule)."""
    if not user.is_physio:
        return frozenset()
    cache_key = api_cache.patients_key(user.pk)
    cached = api_cache.get(cache_key)
    if isinstance(cached, frozenset):
        return cached
    patients = frozenset(CareLink.objects.patients_of(user))
    api_cache.add(cache_key, patients, api_cache.access_seconds())
    return patients


def may_read(user: User, runner_id: int) -> bool:
    """The runner themself, or their physio through an active care link (`Plan.objects.for_user`'s rule)."""
    return user.pk == runner_id or runner_id in patients_of(user)


def _token_deleted(instance: ApiToken, **kwargs: Any) -> None:
    api_cache.forget(api_cache.token_key(instance.digest))


def _user_saved(instance: User, created: bool, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if created or (update_fields is not None and update_fields <= _IRRELEVANT_USER_FIELDS):
        return
    user_forget(instance.pk)


def user_forget(user_id: int) -> None:
    """Remove what the cache says about this user's tokens and patients (their account, role or profile changed)."""
    digests = ApiToken.objects.filter(user_id=user_id).values_list("digest", flat=True)
    api_cache.forget(api_cache.patients_key(user_id), *(api_cache.token_key(d) for d in digests))


def _link_changed(instance: CareLink, **kwargs: Any) -> None:
    api_cache.forget(api_cache.patients_key(instance.physio_id))


def connect() -> None:
    post_delete.connect(_token_deleted, sender=ApiToken, dispatch_uid="api_cache_token_deleted")
    post_save.connect(_user_saved, sender=User, dispatch_uid="api_cache_user_saved")
    post_save.connect(_link_changed, sender=CareLink, dispatch_uid="api_cache_link_saved")
    post_delete.connect(_link_changed, sender=CareLink, dispatch_uid="api_cache_link_deleted")
