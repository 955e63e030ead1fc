"""Logging a concern, the draft kept while it is typed, and opening its files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.models import User
from pastoral.notifications.services import notifications_create
from safeguarding import selectors
from safeguarding.models import AlertGroup, Attachment, Concern, ConcernDraft, ConcernLearner
from safeguarding.services.body_map import clean_body_map
from safeguarding.services.common import check_concern, record_each, store_attachments


def _notify_new_concern(*, concern: Concern, alerted: Sequence[User]) -> None:
    """The DSL team hears at once (urgent: e-mailed immediately). Of a pastoral
    concern, the staff the author alerted (by group or by name) get an in-app
    alert and their digest.

    Of a restricted concern, nobody outside the DSL team is told anything, not
    even that a concern was logged: a notice "about one of your learners" would
    itself tell a head of year or key worker that a child-protection record
    exists, which ACCESS.md keeps to the DSL team and the staff a DSL shares it
    with. The author's choice is kept on the concern (`alerted`, `alert_groups`)
    so the DSL can share it with those people if they need to know."""
    dsl_team = [u for u in selectors.dsl_team_for(concern.school_id) if u.pk != concern.author_id]
    dsl_ids = {u.pk for u in dsl_team}
    url = reverse("safeguarding:concern-detail", kwargs={"pk": concern.pk})
    title = f"New concern {concern.reference}"
    notifications_create(
        recipients=dsl_team,
        school=concern.school,
        kind="safeguarding.concern",
        title=title,
        url=url,
        obj=concern,
        urgent=True,
    )
    if concern.is_restricted:
        return
    notifications_create(
        recipients=[u for u in alerted if u.pk != concern.author_id and u.pk not in dsl_ids],
        school=concern.school,
        kind="safeguarding.concern",
        title=title,
        url=url,
        obj=concern,
        urgent=False,
    )


@transaction.atomic
def concern_create(
    *,
    scope: Scope,
    learner_ids: Sequence[int],
    occurred_at: dt.datetime,
    location: str,
    description: str,
    action_taken: str = "",
    body_map: Any = None,
    category_ids: Sequence[int] = (),
    alerted_ids: Sequence[int] = (),
    alert_groups: Sequence[str] = (),
    restricted: bool = False,
    files: Sequence[UploadedFile] = (),
) -> Concern:
    """Any member of staff logs a concern about one or more learners of their school.

    The level is restricted when the author ticks it or when any chosen category
    is restricted by default (ACCESS.md): the author cannot lower it, and no
    caller can, since the rule is applied here, not in the form. The DSL team is
    always told; `alert_groups` (AlertGroup values) and `alerted_ids` name the
    other staff to tell, who are told only of a pastoral concern."""
    scope = require(scope, Cap.LOG_CONCERN)
    learners = selectors.learners_by_ids(scope, learner_ids)
    if not learners or len(learners) != len(set(learner_ids)):
        raise ValidationError({"learners": "Choose the learner (or learners) this is about."})
    categories = list(selectors.categories_for(scope).filter(pk__in=category_ids))
    if len(categories) != len(set(category_ids)):
        raise ValidationError({"categories": "Choose categories from the list."})
    groups = [g for g in AlertGroup.values if g in set(alert_groups)]
    if len(groups) != len(set(alert_groups)):
        raise ValidationError({"alert_groups": "Choose alert groups from the list."})
    alerted = list(selectors.colleagues_for(scope).filter(pk__in=alerted_ids))
    restricting = sorted(c.name for c in categories if c.is_restricted)
    concern = Concern(
        school=scope.school,
        author=scope.user,
        occurred_at=occurred_at,
        location=location.strip(),
        description=description,
        action_taken=action_taken,
        body_map=clean_body_map(body_map),
        level=Concern.Level.RESTRICTED if restricted or restricting else Concern.Level.PASTORAL,
        alert_groups=groups,
        recorded_categories=[c.name for c in categories],
    )
    concern.full_clean()
    concern.save()
    ConcernLearner.objects.bulk_create(
        [ConcernLearner(concern=concern, learner=lr) for lr in learners]
    )
    concern.categories.set(categories)
    concern.alerted.set(alerted)
    attachments = store_attachments(scope=scope, concern=concern, files=files)
    for learner in learners:
        audit.record(
            "safeguarding.concern.created",
            actor=scope.user,
            school=scope.school,
            obj=concern,
            learner=learner,
            changes={
                "reference": concern.reference,
                "learners": [lr.pk for lr in learners],
                "categories": [c.name for c in categories],
                "level": concern.level,
                "restricted_by": (["author"] if restricted else [])
                + [f"category: {name}" for name in restricting],
                "alert_groups": groups,
                "alerted": [u.pk for u in alerted],
                "attachments": [a.original_name for a in attachments],
            },
        )
    ConcernDraft.objects.filter(user=scope.user, school=scope.school).delete()
    recipients = {u.pk: u for u in selectors.alert_group_members(scope, learners, groups)}
    recipients.update({u.pk: u for u in alerted})
    _notify_new_concern(concern=concern, alerted=list(recipients.values()))
    return concern


# --- Drafts -----------------------------------------------------------------

DRAFT_FIELDS = (
    "learners",
    "occurred_at",
    "location",
    "categories",
    "description",
    "action_taken",
    "body_map",
    "alert_groups",
    "alerted",
    "restricted",
)


def draft_save(*, scope: Scope, data: dict[str, Any], saved_at: str = "") -> ConcernDraft:
    """Keep what someone is typing (one draft per person per school).

    `saved_at` is the browser's timestamp of the snapshot, so the page can tell
    whether the copy it kept on the device is newer than the server's.
    """
    scope = require(scope, Cap.LOG_CONCERN)
    keep: dict[str, Any] = {}
    for key in DRAFT_FIELDS:
        value = data.get(key)
        if isinstance(value, list):
            keep[key] = [str(x)[:40] for x in value][:50]
        elif value:
            keep[key] = str(value)[:20000]
    keep["saved_at"] = int(saved_at) if str(saved_at).isdigit() else 0
    draft, _ = ConcernDraft.objects.update_or_create(
        user=scope.user, school=scope.school, defaults={"data": keep, "updated_at": timezone.now()}
    )
    return draft


def draft_discard(*, scope: Scope) -> None:
    scope = require(scope, Cap.LOG_CONCERN)
    ConcernDraft.objects.filter(user=scope.user, school=scope.school).delete()


# --- Files --------------------------------------------------------------------


@transaction.atomic
def attachment_download(*, scope: Scope, attachment: Attachment) -> IO[bytes]:
    """Open a file for someone who may see it (attachment_for), recording the
    download once per learner of its concern; 404 when the file is gone."""
    concern = attachment.concern
    scope = check_concern(scope, concern)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("Not found") from None
    record_each(
        "safeguarding.attachment.downloaded",
        scope=scope,
        concern=concern,
        obj=attachment,
        changes={"name": attachment.original_name},
    )
    return handle
