"""What the safeguarding services share: the concern's version check, the audit
event written once per learner of a concern, and stored attachments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Model
from django.http import Http404

from pastoral import audit
from pastoral.access import Cap, Scope, require
from safeguarding.models import Attachment, Concern, ConcernEntry, Statement
from safeguarding.uploads import check_upload


class StaleConcern(Exception):
    """Another DSL changed the concern since this one loaded it."""


def check_concern(scope: Scope | None, concern: Concern, cap: Cap = Cap.LOG_CONCERN) -> Scope:
    """The scope, if it holds `cap` in the concern's school (else 404). The concern
    itself was fetched by a selector that already applied the visibility rules."""
    scope = require(scope, cap)
    if concern.school_id != scope.school.pk:
        raise Http404("Not found")
    return scope


def check_full(scope: Scope | None, concern: Concern) -> Scope:
    """As check_concern, for what only someone who sees the whole concern may do."""
    scope = check_concern(scope, concern)
    if not getattr(concern, "full_access", False):
        raise Http404("Not found")
    return scope


def record_each(
    action: str, *, scope: Scope, concern: Concern, obj: Model, changes: dict[str, Any]
) -> None:
    """One audit event per learner of the concern, so each child's history is whole."""
    for link in concern.learner_links.all():
        audit.record(
            action,
            actor=scope.user,
            school=scope.school,
            obj=obj,
            learner=link.learner,
            changes={"concern": concern.reference, **changes},
        )


def versioned_update(concern: Concern, version: int, **fields: Any) -> None:
    """Update the concern only if nobody changed it since `version` was read."""
    updated = Concern.objects.filter(pk=concern.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise StaleConcern(concern.reference)


def store_attachments(
    *,
    scope: Scope,
    concern: Concern,
    files: Iterable[UploadedFile],
    entry: ConcernEntry | None = None,
    statement: Statement | None = None,
) -> list[Attachment]:
    checked = []
    # Every file is checked before any is stored, so a bad second file leaves no first one behind.
    for upload in files:
        try:
            checked.append((upload, *check_upload(upload)))
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from None
    saved = []
    for upload, content_type, sha in checked:
        attachment = Attachment(
            concern=concern,
            entry=entry,
            statement=statement,
            original_name=(upload.name or "attachment")[-200:],
            content_type=content_type,
            size=upload.size or 0,
            sha256=sha,
            uploaded_by=scope.user,
        )
        # The stored name is random-ish (storage adds a suffix); the original is only shown.
        attachment.file.save(f"{concern.pk}-{sha[:16]}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved
