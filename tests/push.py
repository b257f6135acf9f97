"""A browser's side of Web Push for tests: a real subscription's keys, and a VAPID key pair for the server."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from io import StringIO
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class BrowserKeys:
    """What a browser makes when it subscribes: a P-256 key pair (its public half is `p256dh`) and a 16-byte secret."""

    private_key: ec.EllipticCurvePrivateKey
    p256dh: str
    auth: str
    auth_bytes: bytes


def browser_keys() -> BrowserKeys:
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    return BrowserKeys(private_key=private_key, p256dh=b64url(public), auth=b64url(auth), auth_bytes=auth)


def subscription_json(endpoint: str, keys: BrowserKeys | None = None) -> dict[str, Any]:
    """The body of `PushSubscription.toJSON()`."""
    keys = keys or browser_keys()
    return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": keys.p256dh, "auth": keys.auth}}


def vapid_keys() -> dict[str, str]:
    """A new server key pair, made by `manage.py vapid_keys` as a deployment would: {"VAPID_PUBLIC_KEY": …, …}."""
    out = StringIO()
    call_command("vapid_keys", stdout=out)
    return dict(line.split("=", 1) for line in out.getvalue().split())
