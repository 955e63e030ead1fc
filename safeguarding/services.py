"""Every write to the safeguarding log: atomic, permission-checked, audited.

Services take the person's Scope (their standing in the school) and raise
Http404 for anything outside it, as the selectors do. Triage, close and
reopen carry the `version` the DSL saw; if another DSL changed the concern
meanwhile the update matches no row and StaleConcern is raised -- nothing is
overwritten, and the second DSL is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from pastoral import audit
from pastoral.access import Cap, Scope, learners_for, require
from pastoral.models import Learner, User
from pastoral.notifications.services import notifications_create
from safeguarding import selectors
from safeguarding.models import (
    DEFAULT_CATEGORIES,
    Attachment,
    Category,
    Concern,
    ConcernAction,
    ConcernDraft,
    ConcernEntry,
    ConcernLearner,
    ConcernLink,
    ConcernShare,
    EvidenceNote,
    Investigation,
    Participant,
    Statement,
)
from safeguarding.uploads import check_upload

BODY_VIEWS = ("front", "back")


class StaleConcern(Exception):
    """Another DSL changed the concern since this one loaded it."""


# --- Categories -----------------------------------------------------------


def categories_ensure(*, school_id: int) -> None:
    """Give a school the default category list the first time it is needed."""
    if not Category.objects.filter(school_id=school_id).exists():
        Category.objects.bulk_create(
            [
                Category(school_id=school_id, name=name, order=i)
                for i, name in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )


@transaction.atomic
def category_create(
    *, actor: User, scope: Scope, name: str, request: HttpRequest | None = None
) -> Category:
    """A DSL adds a category to the school's list."""
    require(scope, Cap.TRIAGE_CONCERNS)
    last = Category.objects.filter(school=scope.school).order_by("-order").first()
    category = Category(
        school=scope.school, name=name.strip(), order=(last.order + 1) if last else 0
    )
    category.full_clean()
    category.save()
    audit.record(
        "safeguarding.category.created",
        actor=actor,
        school=scope.school,
        obj=category,
        changes={"name": category.name},
        request=request,
    )
    return category


@transaction.atomic
def category_toggle(
    *, actor: User, scope: Scope, pk: int, request: HttpRequest | None = None
) -> Category:
    """Retire a category (or bring it back); concerns already filed keep it."""
    require(scope, Cap.TRIAGE_CONCERNS)
    category = Category.objects.filter(school=scope.school, pk=pk).first()
    if category is None:
        raise Http404("Not found")
    category.active = not category.active
    category.save(update_fields=["active"])
    audit.record(
        "safeguarding.category.changed",
        actor=actor,
        school=scope.school,
        obj=category,
        changes={"active": {"from": not category.active, "to": category.active}},
        request=request,
    )
    return category


# --- Logging a concern ----------------------------------------------------


def clean_body_map(value: Any) -> list[dict[str, Any]]:
    """Body-map marks as stored: [{"view": "front"|"back", "region": str} or {"view", "x", "y"}]."""
    if not value:
        return []
    if not isinstance(value, list) or len(value) > 50:
        raise ValidationError({"body_map": "The body map could not be read."})
    marks: list[dict[str, Any]] = []
    for mark in value:
        if not isinstance(mark, dict) or mark.get("view") not in BODY_VIEWS:
            raise ValidationError({"body_map": "The body map could not be read."})
        clean: dict[str, Any] = {"view": mark["view"]}
        if mark.get("region"):
            clean["region"] = str(mark["region"])[:40]
        if "x" in mark and "y" in mark:
            try:
                x, y = float(mark["x"]), float(mark["y"])
            except (TypeError, ValueError):
                raise ValidationError({"body_map": "The body map could not be read."}) from None
            if not (0 <= x <= 100 and 0 <= y <= 100):
                raise ValidationError({"body_map": "A mark is outside the diagram."})
            clean["x"], clean["y"] = round(x, 1), round(y, 1)
        if "region" not in clean and "x" not in clean:
            raise ValidationError({"body_map": "A mark has no place on the body."})
        if mark.get("note"):
            clean["note"] = str(mark["note"])[:200]
        marks.append(clean)
    return marks


def _store_attachments(
    *,
    actor: User,
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
            uploaded_by=actor,
        )
        # The stored name is random-ish (storage adds a suffix); the original is only shown.
        attachment.file.save(f"{concern.pk}-{sha[:16]}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def _notify_new_concern(*, concern: Concern, alerted: Sequence[User]) -> None:
    """The DSL team hears at once (urgent: e-mailed immediately); staff the
    author named get an in-app alert and their digest."""
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
    notifications_create(
        recipients=[u for u in alerted if u.pk != concern.author_id and u.pk not in dsl_ids],
        school=concern.school,
        kind="safeguarding.concern",
        title=title,
        url=url,
        obj=concern,
        urgent=concern.is_restricted,
    )


@transaction.atomic
def concern_create(
    *,
    actor: User,
    scope: Scope,
    learner_ids: Sequence[int],
    occurred_at: dt.datetime,
    location: str,
    description: str,
    action_taken: str = "",
    body_map: Any = None,
    category_ids: Sequence[int] = (),
    alerted_ids: Sequence[int] = (),
    restricted: bool = False,
    files: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> Concern:
    """Any member of staff logs a concern about one or more learners of their school."""
    require(scope, Cap.LOG_CONCERN)
    learners = list(learners_for(scope, Cap.LOG_CONCERN).filter(pk__in=learner_ids))
    if not learners or len(learners) != len(set(learner_ids)):
        raise ValidationError({"learners": "Choose the learner (or learners) this is about."})
    categories = list(selectors.categories_for(scope).filter(pk__in=category_ids))
    alerted = list(selectors.staff_for(scope).filter(pk__in=alerted_ids))
    concern = Concern(
        school=scope.school,
        author=actor,
        occurred_at=occurred_at,
        location=location.strip(),
        description=description,
        action_taken=action_taken,
        body_map=clean_body_map(body_map),
        level=Concern.Level.RESTRICTED if restricted else Concern.Level.PASTORAL,
    )
    concern.full_clean()
    concern.save()
    ConcernLearner.objects.bulk_create(
        [ConcernLearner(concern=concern, learner=lr) for lr in learners]
    )
    concern.categories.set(categories)
    concern.alerted.set(alerted)
    attachments = _store_attachments(actor=actor, concern=concern, files=files)
    for learner in learners:
        audit.record(
            "safeguarding.concern.created",
            actor=actor,
            school=scope.school,
            obj=concern,
            learner=learner,
            request=request,
            changes={
                "reference": concern.reference,
                "learners": [lr.pk for lr in learners],
                "categories": [c.name for c in categories],
                "level": concern.level,
                "alerted": [u.pk for u in alerted],
                "attachments": [a.original_name for a in attachments],
            },
        )
    ConcernDraft.objects.filter(user=actor, school=scope.school).delete()
    _notify_new_concern(concern=concern, alerted=alerted)
    return concern


def concern_viewed(
    *,
    scope: Scope,
    concern: Concern,
    request: HttpRequest | None = None,
    action: str = "safeguarding.concern.viewed",
) -> None:
    """Audit a view of a concern, once per learner it is about."""
    with transaction.atomic():
        for link in concern.learner_links.all():
            audit.record(
                action,
                actor=scope.user,
                school=scope.school,
                obj=concern,
                learner=link.learner,
                request=request,
                changes={
                    "reference": concern.reference,
                    "view": "full" if getattr(concern, "full_access", True) else "author",
                },
            )


# --- Drafts -----------------------------------------------------------------


def draft_save(
    *, actor: User, scope: Scope, data: dict[str, Any], saved_at: str = ""
) -> ConcernDraft:
    """Keep what someone is typing (one draft per person per school).

    `saved_at` is the browser's timestamp of the snapshot, so the page can tell
    whether the copy it kept on the device is newer than the server's.
    """
    require(scope, Cap.LOG_CONCERN)
    keep: dict[str, Any] = {}
    for key in DRAFT_FIELDS:
        value = data.get(key)
        if isinstance(value, list):
            keep[key] = [str(x)[:40] for x in value][:50]
        elif value:
            keep[key] = str(value)[:20000]
    keep["saved_at"] = int(saved_at) if str(saved_at).isdigit() else 0
    draft, _ = ConcernDraft.objects.update_or_create(
        user=actor, school=scope.school, defaults={"data": keep, "updated_at": timezone.now()}
    )
    return draft


DRAFT_FIELDS = (
    "learners",
    "occurred_at",
    "location",
    "categories",
    "description",
    "action_taken",
    "body_map",
    "alerted",
    "restricted",
)


def draft_discard(*, actor: User, scope: Scope) -> None:
    ConcernDraft.objects.filter(user=actor, school=scope.school).delete()


# --- Follow-ups and corrections ----------------------------------------------


@transaction.atomic
def entry_add_follow_up(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    text: str,
    files: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> ConcernEntry:
    """Anyone who may open the concern adds a time-stamped follow-up."""
    concern = selectors.concern_for(scope, concern_pk)
    if not text.strip():
        raise ValidationError({"text": "Write the follow-up."})
    entry = ConcernEntry(concern=concern, kind=ConcernEntry.Kind.FOLLOW_UP, author=actor, text=text)
    entry.full_clean()
    entry.save()
    files_saved = _store_attachments(actor=actor, concern=concern, files=files, entry=entry)
    _record_each(
        "safeguarding.entry.created",
        scope=scope,
        concern=concern,
        obj=entry,
        request=request,
        changes={"kind": entry.kind, "attachments": [a.original_name for a in files_saved]},
    )
    return entry


@transaction.atomic
def entry_add_correction(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    corrects_pk: int | None,
    text: str,
    reason: str,
    request: HttpRequest | None = None,
) -> ConcernEntry:
    """A correction to the author's own words: the original stays, this says what and why.

    `corrects_pk` None corrects the concern's original account (its author only);
    otherwise one of the actor's own follow-ups on that concern.
    """
    concern = selectors.concern_for(scope, concern_pk)
    corrects = None
    if corrects_pk is None:
        if concern.author_id != actor.pk:
            raise ValidationError({"corrects": "Only the author can correct their own account."})
    else:
        corrects = ConcernEntry.objects.filter(
            pk=corrects_pk, concern=concern, author=actor, kind__in=ConcernEntry.AUTHOR_KINDS
        ).first()
        if corrects is None:
            raise ValidationError({"corrects": "You can correct only what you wrote."})
    errors = {}
    if not text.strip():
        errors["text"] = "Write the corrected text."
    if not reason.strip():
        errors["reason"] = "Say why it needs correcting."
    if errors:
        raise ValidationError(errors)
    entry = ConcernEntry(
        concern=concern,
        kind=ConcernEntry.Kind.CORRECTION,
        author=actor,
        text=text,
        reason=reason.strip(),
        corrects=corrects,
        corrects_original=corrects is None,
    )
    entry.full_clean()
    entry.save()
    _record_each(
        "safeguarding.entry.created",
        scope=scope,
        concern=concern,
        obj=entry,
        request=request,
        changes={
            "kind": entry.kind,
            "corrects": corrects.pk if corrects else "original",
            "reason": entry.reason,
        },
    )
    return entry


def _record_each(
    action: str,
    *,
    scope: Scope,
    concern: Concern,
    obj: Any,
    request: HttpRequest | None,
    changes: dict[str, Any],
) -> None:
    for link in concern.learner_links.all():
        audit.record(
            action,
            actor=scope.user,
            school=scope.school,
            obj=obj,
            learner=link.learner,
            request=request,
            changes={"concern": concern.reference, **changes},
        )


# --- DSL: triage, actions, links, close, reopen -----------------------------


def _dsl_concern(scope: Scope, pk: int) -> Concern:
    require(scope, Cap.TRIAGE_CONCERNS)
    concern = (
        Concern.objects.filter(school=scope.school, pk=pk)
        .prefetch_related("learner_links__learner", "categories")
        .first()
    )
    if concern is None:
        raise Http404("Not found")
    return concern


def _versioned_update(concern: Concern, version: int, **fields: Any) -> None:
    updated = Concern.objects.filter(pk=concern.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise StaleConcern(concern.reference)


@transaction.atomic
def concern_triage(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    version: int,
    level: str,
    owner_id: int | None,
    category_ids: Sequence[int],
    next_action: str,
    due_date: dt.date | None,
    request: HttpRequest | None = None,
) -> Concern:
    """A DSL sets level, owner, categories, next action and due date."""
    concern = _dsl_concern(scope, concern_pk)
    if level not in Concern.Level.values:
        raise ValidationError({"level": "Choose pastoral or restricted."})
    owner = selectors.staff_for(scope).filter(pk=owner_id).first() if owner_id else None
    if owner_id and owner is None:
        raise ValidationError({"owner": "Choose a member of staff of this school."})
    categories = list(
        selectors.categories_for(scope, active_only=False).filter(pk__in=category_ids)
    )
    before = {
        "level": concern.level,
        "owner": concern.owner_id,
        "next_action": concern.next_action,
        "due_date": concern.due_date,
        "status": concern.status,
        "categories": sorted(c.name for c in concern.categories.all()),
    }
    fields: dict[str, Any] = {
        "level": level,
        "owner": owner,
        "next_action": next_action.strip(),
        "due_date": due_date,
    }
    if concern.status == Concern.Status.NEW:
        fields["status"] = Concern.Status.OPEN
        fields["triaged_at"] = timezone.now()
    _versioned_update(concern, version, **fields)
    concern.categories.set(categories)
    after = {
        "level": level,
        "owner": owner.pk if owner else None,
        "next_action": fields["next_action"],
        "due_date": due_date,
        "status": fields.get("status", concern.status),
        "categories": sorted(c.name for c in categories),
    }
    changes = audit.diff(before, after)
    summary = "; ".join(f"{k}: {v['to']}" for k, v in changes.items() if k != "owner")
    if "owner" in changes:
        summary = f"{summary}; owner: {owner or 'none'}".lstrip("; ")
    ConcernEntry.objects.create(
        concern=concern,
        kind=ConcernEntry.Kind.TRIAGE,
        author=actor,
        text=summary or "Reviewed, no change",
    )
    _record_each(
        "safeguarding.concern.triaged",
        scope=scope,
        concern=concern,
        obj=concern,
        request=request,
        changes=changes,
    )
    concern.refresh_from_db()
    return concern


@transaction.atomic
def action_record(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    kind: str,
    details: str,
    outcome: str,
    taken_on: dt.date,
    follow_up_due: dt.date | None = None,
    request: HttpRequest | None = None,
) -> ConcernAction:
    """A DSL records an action (referral, call, monitoring, NFA...) with its outcome."""
    concern = _dsl_concern(scope, concern_pk)
    action = ConcernAction(
        concern=concern,
        kind=kind,
        details=details,
        outcome=outcome,
        taken_on=taken_on,
        follow_up_due=follow_up_due,
        recorded_by=actor,
        completed_at=timezone.now() if outcome.strip() and not follow_up_due else None,
    )
    if taken_on and taken_on > timezone.localdate():
        raise ValidationError({"taken_on": "This date is in the future."})
    action.full_clean()
    action.save()
    if concern.status == Concern.Status.NEW:
        Concern.objects.filter(pk=concern.pk).update(
            status=Concern.Status.OPEN, triaged_at=timezone.now(), version=F("version") + 1
        )
    _record_each(
        "safeguarding.action.created",
        scope=scope,
        concern=concern,
        obj=action,
        request=request,
        changes={"kind": kind, "taken_on": taken_on, "follow_up_due": follow_up_due},
    )
    return action


@transaction.atomic
def action_complete(
    *, actor: User, scope: Scope, action_pk: int, outcome: str, request: HttpRequest | None = None
) -> ConcernAction:
    """Record the outcome of an action that was awaiting one (the details stay as written)."""
    require(scope, Cap.TRIAGE_CONCERNS)
    action = (
        ConcernAction.objects.select_related("concern")
        .filter(pk=action_pk, concern__school=scope.school)
        .first()
    )
    if action is None:
        raise Http404("Not found")
    if action.completed_at is not None:
        raise ValidationError({"outcome": "This action already has its outcome."})
    if not outcome.strip():
        raise ValidationError({"outcome": "Write the outcome."})
    extra = f"\n\nOutcome ({timezone.localdate():%d/%m/%Y}): {outcome.strip()}"
    ConcernAction.objects.filter(pk=action.pk).update(
        outcome=(action.outcome + extra).strip(), completed_at=timezone.now()
    )
    concern = _dsl_concern(scope, action.concern_id)
    _record_each(
        "safeguarding.action.completed",
        scope=scope,
        concern=concern,
        obj=action,
        request=request,
        changes={"outcome": "recorded"},
    )
    action.refresh_from_db()
    return action


@transaction.atomic
def concern_link(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    other_reference: str,
    request: HttpRequest | None = None,
) -> ConcernLink:
    """Link two related concerns of the school."""
    concern = _dsl_concern(scope, concern_pk)
    ref = other_reference.strip().upper().removeprefix("C-").lstrip("0")
    other = (
        Concern.objects.filter(school=scope.school, pk=int(ref)).first() if ref.isdigit() else None
    )
    if other is None or other.pk == concern.pk:
        raise ValidationError({"reference": "No other concern of this school has that reference."})
    a, b = sorted([concern.pk, other.pk])
    link, created = ConcernLink.objects.get_or_create(
        a_id=a, b_id=b, defaults={"created_by": actor}
    )
    if not created:
        raise ValidationError({"reference": f"Already linked to {other.reference}."})
    ConcernEntry.objects.create(
        concern=concern,
        kind=ConcernEntry.Kind.LINKED,
        author=actor,
        text=f"Linked to {other.reference}",
    )
    _record_each(
        "safeguarding.concern.linked",
        scope=scope,
        concern=concern,
        obj=concern,
        request=request,
        changes={"linked": other.reference},
    )
    return link


@transaction.atomic
def concern_close(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Concern:
    concern = _dsl_concern(scope, concern_pk)
    if concern.status == Concern.Status.CLOSED:
        raise ValidationError({"reason": "This concern is already closed."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is being closed."})
    _versioned_update(
        concern,
        version,
        status=Concern.Status.CLOSED,
        closed_at=timezone.now(),
        close_reason=reason.strip()[:300],
    )
    ConcernEntry.objects.create(
        concern=concern, kind=ConcernEntry.Kind.CLOSED, author=actor, reason=reason.strip()[:300]
    )
    _record_each(
        "safeguarding.concern.closed",
        scope=scope,
        concern=concern,
        obj=concern,
        request=request,
        changes={"reason": reason.strip()},
    )
    concern.refresh_from_db()
    return concern


@transaction.atomic
def concern_reopen(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Concern:
    concern = _dsl_concern(scope, concern_pk)
    if concern.status != Concern.Status.CLOSED:
        raise ValidationError({"reason": "This concern is not closed."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is being reopened."})
    _versioned_update(concern, version, status=Concern.Status.OPEN, closed_at=None, close_reason="")
    ConcernEntry.objects.create(
        concern=concern, kind=ConcernEntry.Kind.REOPENED, author=actor, reason=reason.strip()[:300]
    )
    _record_each(
        "safeguarding.concern.reopened",
        scope=scope,
        concern=concern,
        obj=concern,
        request=request,
        changes={"reason": reason.strip()},
    )
    concern.refresh_from_db()
    return concern


# --- Sharing ----------------------------------------------------------------


@transaction.atomic
def share_create(
    *,
    actor: User,
    scope: Scope,
    concern_pk: int,
    user_id: int,
    reason: str,
    expires_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> ConcernShare:
    """A DSL shares one restricted concern with a named member of staff."""
    concern = _dsl_concern(scope, concern_pk)
    if not concern.is_restricted:
        raise ValidationError(
            {
                "user": "Only restricted concerns are shared; pastoral ones follow the learner's team."
            }
        )
    user = selectors.staff_for(scope).filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"user": "Choose a member of staff of this school."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why they need to see it."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if selectors.shares_active_for(concern).filter(user=user).exists():
        raise ValidationError({"user": f"Already shared with {user}."})
    share = ConcernShare(
        concern=concern, user=user, reason=reason.strip(), expires_at=expires_at, created_by=actor
    )
    share.full_clean()
    share.save()
    _record_each(
        "safeguarding.concern.shared",
        scope=scope,
        concern=concern,
        obj=share,
        request=request,
        changes={"with": user.email, "reason": share.reason, "expires_at": expires_at},
    )
    notifications_create(
        recipients=[user],
        school=scope.school,
        kind="safeguarding.share",
        title=f"Concern {concern.reference} shared with you",
        url=reverse("safeguarding:concern-detail", kwargs={"pk": concern.pk}),
        obj=concern,
    )
    return share


@transaction.atomic
def share_withdraw(
    *, actor: User, scope: Scope, share_pk: int, request: HttpRequest | None = None
) -> ConcernShare:
    """Withdraw a share: from this moment the person no longer sees the concern."""
    require(scope, Cap.TRIAGE_CONCERNS)
    share = (
        ConcernShare.objects.select_related("concern", "user")
        .filter(pk=share_pk, concern__school=scope.school, withdrawn_at__isnull=True)
        .first()
    )
    if share is None:
        raise Http404("Not found")
    share.withdrawn_at = timezone.now()
    share.withdrawn_by = actor
    share.save(update_fields=["withdrawn_at", "withdrawn_by"])
    concern = _dsl_concern(scope, share.concern_id)
    _record_each(
        "safeguarding.concern.share_withdrawn",
        scope=scope,
        concern=concern,
        obj=share,
        request=request,
        changes={"with": share.user.email},
    )
    return share


# --- Investigations -----------------------------------------------------------


def _full_concern(scope: Scope, pk: int) -> Concern:
    concern = selectors.concern_for(scope, pk)
    if not concern.full_access:
        raise Http404("Not found")
    return concern


@transaction.atomic
def investigation_open(
    *, actor: User, scope: Scope, concern_pk: int, title: str, request: HttpRequest | None = None
) -> Investigation:
    """Open an investigation from a concern (anyone who sees the whole concern)."""
    concern = _full_concern(scope, concern_pk)
    if not title.strip():
        raise ValidationError({"title": "Give the investigation a title."})
    inv = Investigation(concern=concern, title=title.strip(), opened_by=actor)
    inv.full_clean()
    inv.save()
    for link in concern.learner_links.all():
        Participant.objects.create(
            investigation=inv, learner=link.learner, part=Participant.Part.INVOLVED
        )
    _record_each(
        "safeguarding.investigation.created",
        scope=scope,
        concern=concern,
        obj=inv,
        request=request,
        changes={"title": inv.title},
    )
    return inv


def investigation_for(scope: Scope, pk: int) -> Investigation:
    inv = Investigation.objects.filter(pk=pk, concern__school=scope.school).first()
    if inv is None:
        raise Http404("Not found")
    _full_concern(scope, inv.concern_id)
    return inv


@transaction.atomic
def participant_add(
    *,
    actor: User,
    scope: Scope,
    investigation_pk: int,
    learner_id: int,
    part: str,
    request: HttpRequest | None = None,
) -> Participant:
    inv = investigation_for(scope, investigation_pk)
    learner = learners_for(scope, Cap.LOG_CONCERN).filter(pk=learner_id).first()
    if learner is None:
        raise ValidationError({"learner": "Choose a learner of this school."})
    if Participant.objects.filter(investigation=inv, learner=learner).exists():
        raise ValidationError({"learner": f"{learner} is already part of this investigation."})
    participant = Participant(investigation=inv, learner=learner, part=part)
    participant.full_clean()
    participant.save()
    audit.record(
        "safeguarding.investigation.participant_added",
        actor=actor,
        school=scope.school,
        obj=participant,
        learner=learner,
        request=request,
        changes={"part": part},
    )
    return participant


def _participant(scope: Scope, pk: int, investigation_pk: int | None = None) -> Participant:
    """The pupil of an investigation the scope may reach; 404 otherwise, and also
    when `investigation_pk` is given and the pupil belongs to another one."""
    participant = (
        Participant.objects.select_related("investigation", "learner")
        .filter(pk=pk, investigation__concern__school=scope.school)
        .first()
    )
    if participant is None or (
        investigation_pk is not None and participant.investigation_id != investigation_pk
    ):
        raise Http404("Not found")
    investigation_for(scope, participant.investigation_id)
    return participant


@transaction.atomic
def statement_add(
    *,
    actor: User,
    scope: Scope,
    participant_pk: int,
    investigation_pk: int | None = None,
    text: str,
    files: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> Statement:
    """A statement from one pupil: typed, or a scanned page attached (or both)."""
    participant = _participant(scope, participant_pk, investigation_pk)
    if not text.strip() and not files:
        raise ValidationError({"text": "Type the statement or attach the scanned page."})
    statement = Statement(participant=participant, text=text, taken_by=actor)
    statement.full_clean()
    statement.save()
    concern = Concern.objects.get(pk=participant.investigation.concern_id)
    _store_attachments(actor=actor, concern=concern, files=files, statement=statement)
    audit.record(
        "safeguarding.investigation.statement_added",
        actor=actor,
        school=scope.school,
        obj=statement,
        learner=participant.learner,
        request=request,
    )
    return statement


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    scope: Scope,
    investigation_pk: int,
    source: str,
    finding: str,
    reviewed_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> EvidenceNote:
    inv = investigation_for(scope, investigation_pk)
    note = EvidenceNote(
        investigation=inv,
        source=source.strip(),
        finding=finding,
        reviewed_by=actor,
        reviewed_at=reviewed_at or timezone.now(),
    )
    note.full_clean()
    note.save()
    audit.record(
        "safeguarding.investigation.evidence_added",
        actor=actor,
        school=scope.school,
        obj=note,
        request=request,
        changes={"source": note.source},
    )
    return note


@transaction.atomic
def participant_outcome(
    *,
    actor: User,
    scope: Scope,
    participant_pk: int,
    investigation_pk: int | None = None,
    outcome: str,
    request: HttpRequest | None = None,
) -> Participant:
    """The conclusion and outcome for one pupil; recorded once (a later one is a new statement)."""
    participant = _participant(scope, participant_pk, investigation_pk)
    if participant.outcome:
        raise ValidationError({"outcome": "This pupil's outcome is already recorded."})
    if not outcome.strip():
        raise ValidationError({"outcome": "Write the outcome for this pupil."})
    participant.outcome = outcome.strip()
    participant.outcome_at = timezone.now()
    participant.save(update_fields=["outcome", "outcome_at"])
    audit.record(
        "safeguarding.investigation.outcome_recorded",
        actor=actor,
        school=scope.school,
        obj=participant,
        learner=participant.learner,
        request=request,
    )
    return participant


@transaction.atomic
def investigation_conclude(
    *,
    actor: User,
    scope: Scope,
    investigation_pk: int,
    conclusion: str,
    request: HttpRequest | None = None,
) -> Investigation:
    inv = investigation_for(scope, investigation_pk)
    if inv.concluded_at:
        raise ValidationError({"conclusion": "This investigation is already concluded."})
    if not conclusion.strip():
        raise ValidationError({"conclusion": "Write the conclusion."})
    inv.conclusion = conclusion.strip()
    inv.concluded_at = timezone.now()
    inv.save(update_fields=["conclusion", "concluded_at"])
    audit.record(
        "safeguarding.investigation.concluded",
        actor=actor,
        school=scope.school,
        obj=inv,
        request=request,
    )
    return inv


def learners_by_ids(scope: Scope, ids: Iterable[int]) -> list[Learner]:
    """Learners of the school among `ids` (for redisplaying a form)."""
    return list(
        learners_for(scope, Cap.LOG_CONCERN).select_related("year_group").filter(pk__in=list(ids))
    )
