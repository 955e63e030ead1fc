"""The machine-readable transfer bundle: envelope, checksum and import.

The format is documented in docs/transfer-bundle.md and specified by
docs/transfer-bundle-v1.schema.json. Building a bundle needs the apps' data,
so it lives in caseload (caseload/reports/bundle.py); this core module only
wraps, checks and imports, and never imports an app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from jsonschema import Draft202012Validator

from pastoral import audit
from pastoral.access import Cap, Scope, learners_for, require
from pastoral.reports import receipts
from pastoral.reports.models import ImportedBundle, ImportedEntry
from pastoral.reports.services import canonical_json

FORMAT = "pastoral-transfer-bundle"
VERSION = "1.2"  # 1.1: the optional "receipt" member; 1.2: learner.child_identifier
SCHEMA_PATH = settings.BASE_DIR / "docs" / "transfer-bundle-v1.schema.json"


class BundleRefused(ValueError):
    """The bundle cannot be imported; the message says why, for the person importing."""


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def checksum(bundle: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of the "bundle" member (see docs/transfer-bundle.md)."""
    return hashlib.sha256(canonical_json(bundle)).hexdigest()


def wrap(bundle: dict[str, Any]) -> dict[str, Any]:
    """The envelope around a bundle: format, version and checksum."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "checksum": {"algorithm": "sha256", "value": checksum(bundle)},
        "bundle": bundle,
    }


def _path(error: Any) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(top level)"


def validate(raw: bytes) -> dict[str, Any]:
    """Parse and check a bundle file; raise BundleRefused with a clear reason."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleRefused("The file is not UTF-8 text, so it is not a transfer bundle.")
    except json.JSONDecodeError as exc:
        raise BundleRefused(f"The file is not valid JSON (line {exc.lineno}): {exc.msg}.")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleRefused("The file is not a Pastoral transfer bundle.")
    version = str(document.get("version", ""))
    if not version.startswith("1."):
        raise BundleRefused(
            f"Bundle version {version or '(missing)'} is not supported; this installation reads version 1."
        )
    errors = sorted(Draft202012Validator(schema()).iter_errors(document), key=lambda e: e.path)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise BundleRefused(
            f"The bundle does not match the version 1 schema at {_path(first)}: {first.message[:200]}{more}."
        )
    expected = document["checksum"]["value"]
    if checksum(document["bundle"]) != expected:
        raise BundleRefused(
            "The checksum does not match the contents: the bundle was altered or damaged "
            "after it was exported. Ask the sending school for a fresh copy."
        )
    return document


def _when(value: str) -> dt.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise BundleRefused(f"{value!r} is not a date and time.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def bundle_import(*, scope: Scope, raw: bytes) -> ImportedBundle:
    """Import a bundle for the matching learner (by UPN) of this school (DSLs only).

    Everything is checked before anything is written; the import is all or
    nothing; each entry keeps its origin and its original reference.
    """
    require(scope, Cap.EXPORT_CP_FILE)
    document = validate(raw)
    bundle = document["bundle"]
    upn = bundle["learner"]["upn"]
    learner = learners_for(scope, Cap.EXPORT_CP_FILE).filter(upn=upn).first()
    if learner is None:
        raise BundleRefused(
            f"No learner with UPN {upn} is on roll here. Import the learner from your MIS "
            "(common transfer file) first, then import the bundle."
        )
    if bundle["learner"]["date_of_birth"] != learner.date_of_birth.isoformat():
        raise BundleRefused(
            f"The bundle's date of birth does not match the learner with UPN {upn} here: "
            "check it is the right learner before importing."
        )
    sent_id = bundle["learner"].get("child_identifier", "")
    if sent_id and learner.child_identifier and sent_id != learner.child_identifier:
        raise BundleRefused(
            f"The bundle's consistent child identifier ({sent_id}) is not that of the learner "
            f"with UPN {upn} here ({learner.child_identifier}): check it is the right learner "
            "before importing."
        )
    source = bundle["source_school"]
    digest = document["checksum"]["value"]
    if ImportedBundle.objects.filter(school=scope.school, learner=learner, sha256=digest).exists():
        raise BundleRefused("This bundle has already been imported for this learner.")
    entries: list[ImportedEntry] = []

    def add(item: dict[str, Any], kind: str | None = None, data: dict | None = None) -> None:
        entries.append(
            ImportedEntry(
                learner=learner,
                kind=kind or item["kind"],
                level=item.get("level", ImportedEntry.Level.PASTORAL),
                occurred_at=_when(item.get("occurred_at") or item["created_at"]),
                title=item["title"][:300],
                body=item.get("body", ""),
                author=item.get("author", "")[:200],
                origin_ref=item["ref"][:80],
                data=data if data is not None else item.get("data", {}),
            )
        )

    for item in bundle["chronology"]:
        add(item)
    for plan in bundle["plans"]:
        add(
            plan,
            kind=ImportedEntry.Kind.PLAN,
            data={**plan.get("data", {}), "status": plan.get("status", "")},
        )
        for review in plan.get("reviews", []):
            add(review, kind=ImportedEntry.Kind.REVIEW)
    attendance = bundle["attendance"]
    for item in attendance.get("targets", []) + attendance.get("interventions", []):
        add(item)
    with transaction.atomic():
        imported = ImportedBundle(
            school=scope.school,
            learner=learner,
            origin_school=source["name"][:200],
            origin_urn=source.get("urn", ""),
            origin_exported_by=bundle["exported_by"]["name"][:200],
            origin_exported_at=_when(bundle["exported_at"]),
            schema_version=document["version"],
            sha256=digest,
            attendance_summary=attendance["summary"],
            imported_by=scope.user,
        )
        if "receipt" in bundle:
            # The sending DSL asked for proof of receipt: sign it with their key.
            imported.receipt_reference = bundle["receipt"]["reference"]
            imported.receipt = receipts.make(
                key=bundle["receipt"]["key"],
                ref=imported.receipt_reference,
                school=scope.school.name,
                urn=scope.school.urn,
                received_by=scope.user.full_name or scope.user.email,
                received_at=timezone.now(),
            )
        imported.full_clean()
        imported.save()
        for entry in entries:
            entry.bundle = imported
        ImportedEntry.objects.bulk_create(entries, batch_size=500)
        audit.record(
            "reports.bundle.imported",
            actor=scope.user,
            school=scope.school,
            obj=imported,
            learner=learner,
            changes={
                "origin_school": imported.origin_school,
                "origin_urn": imported.origin_urn,
                "entries": len(entries),
                "sha256": digest,
                "receipt_for": imported.receipt_reference,
            },
        )
    return imported
