"""Signed checkpoints of every chain's end, kept outside the database.

Someone with the audit key and database access could wipe the audit tables
and write a new, internally consistent chain. A checkpoint defeats that: it
records, at a moment in time, the last seq and MAC of every school's chain,
signed with the audit key, somewhere the database cannot reach: a directory
(AUDIT_CHECKPOINT_DIR; ideally another disk or a write-once mount) and/or an
e-mail to each school's DSLs (AUDIT_CHECKPOINT_EMAIL_DSLS), whose mailboxes
keep it. `verify_audit --checkpoints DIR` then proves that today's chains
still pass through every checkpointed event, so a rewrite is detected back to
the last checkpoint.

A checkpoint file is JSON: {"version", "created_at", "key_id", "chains":
[{"school", "seq", "mac"}], "signature"}; the signature covers the rest.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from pastoral.audit import chain, keys
from pastoral.models import AuditChainHead, Membership, Role, School

PURPOSE = "pastoral-audit-checkpoint-v1"


def _canonical(document: dict[str, Any]) -> str:
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def build(school_keys: list[int] | None = None) -> dict[str, Any]:
    """A signed checkpoint of the chains' current ends (all, or some schools)."""
    key_id, key = keys.current()
    heads = AuditChainHead.objects.filter(seq__gt=0).order_by("school_key")
    if school_keys is not None:
        heads = heads.filter(school_key__in=school_keys)
    document: dict[str, Any] = {
        "version": 1,
        "created_at": timezone.now().isoformat(),
        "key_id": key_id,
        "chains": [{"school": h.school_key, "seq": h.seq, "mac": h.last_hash} for h in heads],
    }
    document["signature"] = keys.sign(key, PURPOSE, _canonical(document))
    return document


def _write_file(directory: Path, document: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"audit-checkpoint-{stamp}-{secrets.token_hex(3)}.json"
    # Exclusive create: a checkpoint is never overwritten; read-only afterwards.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=1, sort_keys=True)
        handle.write("\n")
    return path


def _email_dsls(document: dict[str, Any]) -> int:
    """Each school's DSLs get their own school's checkpoint, signed on its own."""
    sent = 0
    by_school = {c["school"]: c for c in document["chains"]}
    schools = School.objects.filter(pk__in=[k for k in by_school if k])
    dsl_emails: dict[int, list[str]] = {}
    for school_id, email in Membership.objects.filter(
        school__in=schools, role__in=[Role.DSL, Role.DEPUTY_DSL], user__is_active=True
    ).values_list("school_id", "user__email"):
        dsl_emails.setdefault(school_id, []).append(email)
    for school in schools:
        recipients = sorted(set(dsl_emails.get(school.pk, [])))
        if not recipients:
            continue
        own = build([school.pk])
        message = EmailMessage(
            subject=f"Pastoral audit checkpoint for {school.name}",
            body=(
                "This is an automatic, signed checkpoint of your school's audit trail. "
                "Keep this e-mail: it lets anyone holding the audit key prove later that "
                "the trail was not rewritten (manage.py verify_audit --checkpoints DIR, "
                "with the attachment saved in DIR). It contains no case information.\n"
            ),
            to=recipients,
        )
        message.attach(
            f"audit-checkpoint-{school.pk}-{own['created_at'][:10]}.json",
            json.dumps(own, indent=1, sort_keys=True),
            "application/json",
        )
        message.send()
        sent += 1
    return sent


@dataclass
class Written:
    path: Path | None
    emails: int
    chains: int


def checkpoint_write(directory: str | Path | None = None, *, email: bool | None = None) -> Written:
    """Seal pending reads, then write a checkpoint to the configured places."""
    chain.seal()
    document = build()
    target = directory if directory is not None else settings.AUDIT_CHECKPOINT_DIR
    path = _write_file(Path(target), document) if target else None
    send = settings.AUDIT_CHECKPOINT_EMAIL_DSLS if email is None else email
    emails = _email_dsls(document) if send else 0
    return Written(path=path, emails=emails, chains=len(document["chains"]))


def verify_checkpoints(directory: str | Path) -> tuple[int, list[str]]:
    """Check every checkpoint file in `directory` against today's chains.

    Returns (checkpoints read, problems). A checkpoint whose signature fails, a
    chain that no longer reaches a checkpointed seq, or an event there whose
    MAC differs from the checkpoint's, is a problem naming the file and school.
    """
    files = sorted(Path(directory).glob("*.json"))
    known = keys.known()
    problems: list[str] = []
    wanted: list[tuple[str, int, int, str]] = []
    for path in files:
        try:
            document = json.loads(path.read_text())
            key = known.get(document["key_id"])
            chains = document["chains"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path.name}: not a readable checkpoint ({exc})")
            continue
        if key is None:
            problems.append(
                f"{path.name}: signed with key id {document['key_id']!r}, not configured"
            )
            continue
        expected = keys.sign(key, PURPOSE, _canonical(document))
        if document.get("signature") != expected:
            problems.append(f"{path.name}: signature does not match (the file was altered)")
            continue
        wanted += [(path.name, int(c["school"]), int(c["seq"]), str(c["mac"])) for c in chains]
    found: dict[tuple[int, int], str] = {}
    for school_key in {w[1] for w in wanted}:
        seqs = [w[2] for w in wanted if w[1] == school_key]
        events = chain.events_of(school_key).filter(seq__in=seqs)
        found.update({(school_key, e.seq): e.hash for e in events.only("seq", "hash")})
    for name, school_key, seq, mac in wanted:
        school = school_key or "-"
        have = found.get((school_key, seq))
        if have is None:
            problems.append(
                f"{name}: the chain of school {school} no longer reaches seq {seq} "
                "(events removed, or the chain was wiped and rebuilt)"
            )
        elif have != mac:
            problems.append(
                f"{name}: the event at seq {seq} of school {school} is not the one "
                "checkpointed (the chain was rewritten)"
            )
    return len(files), problems
