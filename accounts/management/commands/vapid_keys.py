"""Print a new VAPID key pair for Web Push, as lines for .env.

The public key is what browsers are given (`applicationServerKey`): the URL-safe base64 of the uncompressed P-256
point. The private key is the URL-safe base64 of the raw 32-byte secret, a form pywebpush reads directly
(`Vapid.from_string`). A new pair makes every phone's existing subscription useless, so generate it once.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand
from py_vapid import Vapid01  # type: ignore[import-untyped]  # py-vapid ships no types
from py_vapid.utils import b64urlencode  # type: ignore[import-untyped]

PRIVATE_KEY_BYTES = 32


class Command(BaseCommand):
    help = "Print a new VAPID key pair (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY lines) for Web Push reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        vapid = Vapid01()
        vapid.generate_keys()
        public = vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        private = vapid.private_key.private_numbers().private_value.to_bytes(PRIVATE_KEY_BYTES, "big")
        self.stdout.write(f"VAPID_PUBLIC_KEY={b64urlencode(public)}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={b64urlencode(private)}")
