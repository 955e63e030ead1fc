"""Records due for retention review, written straight to the models."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from pastoral.models import Learner, LegalHold
from safeguarding.models import Attachment, Concern
from tests.reports.data import concern


def make_leaver(learner: Learner, *, born: dt.date, left: dt.date | None = None) -> Learner:
    learner.date_of_birth = born
    learner.on_roll_until = left or dt.date(born.year + 16, 7, 20)
    learner.save()
    return learner


def old_enough() -> dt.date:
    """A date of birth more than 25 years ago: the CP file is due."""
    today = timezone.localdate()
    return dt.date(today.year - 27, 3, 4)


def attach(world: Any, c: Concern, name: str = "statement.txt") -> Attachment:
    content = b"Statement written by the learner."
    attachment = Attachment(
        concern=c,
        original_name=name,
        content_type="text/plain",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=world.user("dsl"),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def cp_file(world: Any, learner: Learner, n: int = 2) -> list[Concern]:
    return [
        concern(world, learner, text=f"Concern {i} about {learner.first_name}", restricted=bool(i))
        for i in range(n)
    ]


def hold(world: Any, learner: Learner, covers: str = LegalHold.Covers.SAFEGUARDING) -> LegalHold:
    return LegalHold.objects.create(
        school=learner.school,
        learner=learner,
        covers=covers,
        reason=LegalHold.Reason.INQUIRY,
        details="Inquiry ref 2026/114",
        placed_by=world.user("dsl"),
    )
