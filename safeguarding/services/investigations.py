"""Investigations of a concern: the pupils involved, their statements and
outcomes, evidence notes and the conclusion. Whoever sees the whole concern
may run one; each takes what selectors.investigation_for (or participant_for)
fetched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.access import Cap, Scope, learners_for
from safeguarding.models import (
    Concern,
    EvidenceNote,
    Investigation,
    Participant,
    Statement,
)
from safeguarding.services.common import check_full, record_each, store_attachments


@transaction.atomic
def investigation_open(*, scope: Scope, concern: Concern, title: str) -> Investigation:
    """Open an investigation from a concern (anyone who sees the whole concern)."""
    scope = check_full(scope, concern)
    if not title.strip():
        raise ValidationError({"title": "Give the investigation a title."})
    inv = Investigation(concern=concern, title=title.strip(), opened_by=scope.user)
    inv.full_clean()
    inv.save()
    for link in concern.learner_links.all():
        Participant.objects.create(
            investigation=inv, learner=link.learner, part=Participant.Part.INVOLVED
        )
    record_each(
        "safeguarding.investigation.created",
        scope=scope,
        concern=concern,
        obj=inv,
        changes={"title": inv.title},
    )
    return inv


@transaction.atomic
def participant_add(
    *, scope: Scope, investigation: Investigation, learner_id: int, part: str
) -> Participant:
    scope = check_full(scope, investigation.concern)
    learner = learners_for(scope, Cap.LOG_CONCERN).filter(pk=learner_id).first()
    if learner is None:
        raise ValidationError({"learner": "Choose a learner of this school."})
    if Participant.objects.filter(investigation=investigation, learner=learner).exists():
        raise ValidationError({"learner": f"{learner} is already part of this investigation."})
    participant = Participant(investigation=investigation, learner=learner, part=part)
    participant.full_clean()
    participant.save()
    audit.record(
        "safeguarding.investigation.participant_added",
        actor=scope.user,
        school=scope.school,
        obj=participant,
        learner=learner,
        changes={"part": part},
    )
    return participant


@transaction.atomic
def statement_add(
    *, scope: Scope, participant: Participant, text: str, files: Sequence[UploadedFile] = ()
) -> Statement:
    """A statement from one pupil: typed, or a scanned page attached (or both)."""
    concern = participant.investigation.concern
    scope = check_full(scope, concern)
    if not text.strip() and not files:
        raise ValidationError({"text": "Type the statement or attach the scanned page."})
    statement = Statement(participant=participant, text=text, taken_by=scope.user)
    statement.full_clean()
    statement.save()
    store_attachments(scope=scope, concern=concern, files=files, statement=statement)
    audit.record(
        "safeguarding.investigation.statement_added",
        actor=scope.user,
        school=scope.school,
        obj=statement,
        learner=participant.learner,
    )
    return statement


@transaction.atomic
def evidence_add(
    *,
    scope: Scope,
    investigation: Investigation,
    source: str,
    finding: str,
    reviewed_at: dt.datetime | None = None,
) -> EvidenceNote:
    scope = check_full(scope, investigation.concern)
    note = EvidenceNote(
        investigation=investigation,
        source=source.strip(),
        finding=finding,
        reviewed_by=scope.user,
        reviewed_at=reviewed_at or timezone.now(),
    )
    note.full_clean()
    note.save()
    audit.record(
        "safeguarding.investigation.evidence_added",
        actor=scope.user,
        school=scope.school,
        obj=note,
        changes={"source": note.source},
    )
    return note


@transaction.atomic
def participant_outcome(*, scope: Scope, participant: Participant, outcome: str) -> Participant:
    """The conclusion and outcome for one pupil; recorded once (a later one is a new statement)."""
    scope = check_full(scope, participant.investigation.concern)
    if participant.outcome:
        raise ValidationError({"outcome": "This pupil's outcome is already recorded."})
    if not outcome.strip():
        raise ValidationError({"outcome": "Write the outcome for this pupil."})
    participant.outcome = outcome.strip()
    participant.outcome_at = timezone.now()
    participant.save(update_fields=["outcome", "outcome_at"])
    audit.record(
        "safeguarding.investigation.outcome_recorded",
        actor=scope.user,
        school=scope.school,
        obj=participant,
        learner=participant.learner,
    )
    return participant


@transaction.atomic
def investigation_conclude(
    *, scope: Scope, investigation: Investigation, conclusion: str
) -> Investigation:
    scope = check_full(scope, investigation.concern)
    if investigation.concluded_at:
        raise ValidationError({"conclusion": "This investigation is already concluded."})
    if not conclusion.strip():
        raise ValidationError({"conclusion": "Write the conclusion."})
    investigation.conclusion = conclusion.strip()
    investigation.concluded_at = timezone.now()
    investigation.save(update_fields=["conclusion", "concluded_at"])
    audit.record(
        "safeguarding.investigation.concluded",
        actor=scope.user,
        school=scope.school,
        obj=investigation,
    )
    return investigation
