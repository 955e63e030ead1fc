"""Receipts for CP-file transfers that went with a Pastoral transfer bundle.

KCSIE asks the sending DSL to confirm that the new school received the CP
file. When the new school also runs Pastoral, that confirmation is proved
rather than typed: the bundle carries a random key that only the sending
installation also holds (`CPFileTransfer.receipt_key`); importing the bundle
at the receiving installation produces a receipt (a short text, also offered
as a small file) signed with that key: HMAC-SHA-256 over the receipt's
canonical JSON. Only someone holding the bundle can make it, and the sending
installation checks it against its own copy of the key before it marks the
transfer received with the receiving DSL's name and time.

    PASTORAL-RECEIPT.<base64url(payload JSON)>.<base64url(first 16 bytes of the MAC)>
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

PREFIX = "PASTORAL-RECEIPT"
MAC_BYTES = 16


class ReceiptRefused(ValueError):
    """The text is not a receipt, or not one for this transfer: the message says which."""


@dataclass(frozen=True)
class Receipt:
    reference: str  # "<sending school URN>-T<transfer id>"
    school: str  # the receiving school
    urn: str
    received_by: str  # the receiving DSL
    received_at: dt.datetime
    mac: bytes
    payload: bytes


def new_key() -> str:
    return secrets.token_urlsafe(32)


def reference(school_urn: str, transfer_id: int) -> str:
    return f"{school_urn}-T{transfer_id}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: str, payload: bytes) -> bytes:
    return hmac.new(key.encode(), payload, hashlib.sha256).digest()[:MAC_BYTES]


def make(
    *, key: str, ref: str, school: str, urn: str, received_by: str, received_at: dt.datetime
) -> str:
    """The receipt text the receiving installation shows its DSL."""
    payload = json.dumps(
        {
            "ref": ref,
            "school": school,
            "urn": urn,
            "by": received_by,
            "at": received_at.isoformat(timespec="seconds"),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    return f"{PREFIX}.{_b64(payload)}.{_b64(_mac(key, payload))}"


def read(text: str) -> Receipt:
    """Parse a receipt (not yet checked against any key)."""
    cleaned = "".join(text.split())
    parts = cleaned.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise ReceiptRefused(
            "This is not a Pastoral receipt: it should start with PASTORAL-RECEIPT. Copy the "
            "whole text the receiving school's DSL sent, or upload their receipt file."
        )
    try:
        payload = _unb64(parts[1])
        mac = _unb64(parts[2])
        data: dict[str, Any] = json.loads(payload.decode())
        received_at = dt.datetime.fromisoformat(data["at"])
        return Receipt(
            reference=str(data["ref"]),
            school=str(data["school"])[:200],
            urn=str(data.get("urn", ""))[:8],
            received_by=str(data["by"])[:200],
            received_at=received_at,
            mac=mac,
            payload=payload,
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ReceiptRefused(
            "The receipt is damaged (part of it is missing or changed): ask the receiving "
            "school's DSL to send it again."
        ) from None


def verify(receipt: Receipt, key: str) -> bool:
    return bool(key) and hmac.compare_digest(_mac(key, receipt.payload), receipt.mac)
