"""The audit trail's MAC keys, read from the environment (settings.AUDIT_KEY).

A key is never stored: events and checkpoints name it by `key_id`, a short
fingerprint from which the key cannot be recovered. AUDIT_PREVIOUS_KEYS keeps
retired keys available for verification after a rotation.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(b"pastoral-audit-key-id:" + key).hexdigest()[:12]


def current() -> tuple[str, bytes]:
    """(key id, key) that signs new events and checkpoints."""
    key = settings.AUDIT_KEY.encode()
    return key_id_of(key), key


def known() -> dict[str, bytes]:
    """Every key that may verify: the current one and the retired ones."""
    keys = [settings.AUDIT_KEY, *settings.AUDIT_PREVIOUS_KEYS]
    return {key_id_of(k.encode()): k.encode() for k in keys if k}


def sign(key: bytes, purpose: str, text: str) -> str:
    """A MAC for something other than an event (checkpoints), domain-separated."""
    return hmac.new(key, f"{purpose}\n{text}".encode(), hashlib.sha256).hexdigest()
