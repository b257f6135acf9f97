"""The client's address, one rule for every limit: the login lockout, the e-mail limits and the API's throttles.

`NUM_PROXIES` (settings, from the environment) is the number of reverse proxies in front of the app that append to
`X-Forwarded-For`. With 0, the default, the header is ignored and the address is the connection's (`REMOTE_ADDR`);
with N, it is the N-th address from the right, the one the outermost trusted proxy saw. Addresses further left are
written by the client and never read, so a made-up header cannot give a client a fresh count.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    # DRF's own rule (NUM_PROXIES in REST_FRAMEWORK), so a throttle and a lockout always agree on who the client is.
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # it reads request.META only
