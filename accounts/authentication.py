"""API authentication by token: `Authorization: Token <key>` or `Authorization: Bearer <key>`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts import cached_access
from accounts.models import ApiToken

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Looks the key's SHA-256 digest up in one query, with the user and their profile."""

    keyword = "Token"  # what the 401's WWW-Authenticate header and the schema name

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as 'Authorization: Token <key>'."))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = self.token_for_key(request, key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, or it was revoked."))
        return token.user, token

    def token_for_key(self, request: Request, key: str) -> ApiToken | None:
        return ApiToken.objects.authenticate(key)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class CachedApiTokenAuthentication(ApiTokenAuthentication):
    """The same, with the token from the API's read cache when it is warm (accounts.cached_access): for the hot plan
    reads, which read nothing of the user that a cached copy could have wrong.

    The view may name other keys it will need (`request.api_cache_also`): they come in the same round trip to Redis,
    and what was found is left in `request.api_cache_found`."""

    def token_for_key(self, request: Request, key: str) -> ApiToken | None:
        token, found = cached_access.token_for_key(key, also=getattr(request, "api_cache_also", ()))
        request.api_cache_found = found  # type: ignore[attr-defined]  # for the view, as DRF keeps request.auth
        return token
