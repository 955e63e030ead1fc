"""Follow-ups and corrections: time-stamped additions to a concern; the
concern's own words never change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from pastoral.access import Scope
from safeguarding import selectors
from safeguarding.models import Concern, ConcernEntry
from safeguarding.services.body_map import clean_body_map
from safeguarding.services.common import check_concern, record_each, store_attachments


@transaction.atomic
def entry_add_follow_up(
    *, scope: Scope, concern: Concern, text: str, files: Sequence[UploadedFile] = ()
) -> ConcernEntry:
    """Anyone who may open the concern (concern_for) adds a time-stamped follow-up."""
    scope = check_concern(scope, concern)
    if not text.strip():
        raise ValidationError({"text": "Write the follow-up."})
    entry = ConcernEntry(
        concern=concern, kind=ConcernEntry.Kind.FOLLOW_UP, author=scope.user, text=text
    )
    entry.full_clean()
    entry.save()
    files_saved = store_attachments(scope=scope, concern=concern, files=files, entry=entry)
    record_each(
        "safeguarding.entry.created",
        scope=scope,
        concern=concern,
        obj=entry,
        changes={"kind": entry.kind, "attachments": [a.original_name for a in files_saved]},
    )
    return entry


@transaction.atomic
def entry_add_correction(
    *,
    scope: Scope,
    concern: Concern,
    corrects_pk: int | None,
    text: str,
    reason: str,
    body_map: Any = None,
) -> ConcernEntry:
    """A correction to the author's own words: the original stays, this says what and why.

    `corrects_pk` None corrects the concern's original account (its author only);
    otherwise one of the person's own follow-ups on that concern. `body_map`: the
    marks as they should have been (an addendum to the original body map; the
    original's marks stay on the record).
    """
    scope = check_concern(scope, concern)
    corrects = None
    if corrects_pk is None:
        if concern.author_id != scope.user.pk:
            raise ValidationError({"corrects": "Only the author can correct their own account."})
    else:
        corrects = selectors.correctable_entry_for(scope, concern, corrects_pk)
        if corrects is None:
            raise ValidationError({"corrects": "You can correct only what you wrote."})
    errors = {}
    if not text.strip():
        errors["text"] = "Write the corrected text."
    if not reason.strip():
        errors["reason"] = "Say why it needs correcting."
    marks = clean_body_map(body_map) if body_map else []
    if marks and corrects is not None:
        errors["body_map"] = "The body map belongs to the original account: correct that."
    if errors:
        raise ValidationError(errors)
    entry = ConcernEntry(
        concern=concern,
        kind=ConcernEntry.Kind.CORRECTION,
        author=scope.user,
        text=text,
        reason=reason.strip(),
        corrects=corrects,
        corrects_original=corrects is None,
        body_map=marks,
    )
    entry.full_clean()
    entry.save()
    record_each(
        "safeguarding.entry.created",
        scope=scope,
        concern=concern,
        obj=entry,
        changes={
            "kind": entry.kind,
            "corrects": corrects.pk if corrects else "original",
            "reason": entry.reason,
            "body_map": len(marks) if marks else None,
        },
    )
    return entry
