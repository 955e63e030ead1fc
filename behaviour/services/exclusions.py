"""Suspensions and permanent exclusions: recording one (with the notices the
guidance requires), marking a notice sent, scheduling the reintegration meeting.

Sources: DfE, *Suspension and permanent exclusion from maintained schools,
academies and pupil referral units in England* (2024): the head must tell the
local authority of every suspension and permanent exclusion without delay,
whatever its length (since September 2022), and the social worker (a learner
who has one) and the virtual school head (a looked-after learner); no learner
may be suspended for more than 45 school days in a school year. Figures are
data: behaviour/exclusion_rules.py and each school's ExclusionPolicy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from behaviour import exclusion_rules as rules
from behaviour.models import Exclusion, ExclusionNotice, Incident
from behaviour.selectors.exclusions import (
    calendar_for,
    has_social_worker,
    policy_of,
    reaches_learner,
    require_exclusions,
    sessions_of,
    suspension_sessions_between,
    term_of,
    year_of,
)
from pastoral import audit
from pastoral.access import Scope
from pastoral.models import Contact, Learner, Membership, User
from pastoral.people.rules import no_contact_restrictions, require_acknowledged


def _check(scope: Scope, learner: Learner) -> Scope:
    require_exclusions(scope)
    if not reaches_learner(scope, learner):
        raise ValidationError({"learner": "Choose a learner in your year groups."})
    return scope


@transaction.atomic
def exclusion_record(
    *,
    scope: Scope,
    learner: Learner,
    kind: str,
    reason: str,
    start_date: dt.date,
    start_session: str = "AM",
    sessions: int | None = None,
    decided_by: str = "",
    day_six_provision: str = "",
    notes: str = "",
    incidents: Iterable[Incident] = (),
    letter_to: Contact | None = None,
    acknowledge_restriction: bool = False,
) -> Exclusion:
    """Record a head's decision to suspend or permanently exclude, and the
    notices due about it. Refused with the reason beside the field: a day the
    school is closed, a suspension past the year's limit, more than 5 days
    without saying where the learner goes from day 6, an incident or a letter
    recipient of another learner, a no-contact parent not acknowledged."""
    _check(scope, learner)
    if kind not in Exclusion.Kind.values:
        raise ValidationError({"kind": "Choose a suspension or a permanent exclusion."})
    if reason not in rules.REASON_LABELS:
        raise ValidationError({"reason": "Choose one of the DfE reason categories."})
    if start_session not in ("AM", "PM"):
        raise ValidationError({"start_session": "Choose morning or afternoon."})
    decided_by = (decided_by or scope.school.headteacher or "").strip()
    if not decided_by:
        raise ValidationError({"decided_by": "Name the headteacher who decided."})
    if kind == Exclusion.Kind.PERMANENT:
        sessions = None
    elif not sessions or sessions < 1:
        raise ValidationError({"sessions": "Say how many sessions (half days): 2 a school day."})
    calendar = calendar_for(scope.school.pk, start_date, sessions or 1)
    if not calendar.is_school_day(start_date):
        raise ValidationError({"start_date": f"{start_date:%d/%m/%Y} is not a school day."})
    end_date = None
    policy = policy_of(scope.school.pk)
    if sessions:
        covered = sessions_of(calendar, start_date, start_session, sessions)
        if len(covered) < sessions:
            raise ValidationError({"sessions": "That runs past the school calendar loaded."})
        end_date = covered[-1][0]
        y_start, y_end = year_of(scope.school.pk, start_date)
        before = suspension_sessions_between(scope.school.pk, learner.pk, y_start, y_end)
        total = before + sessions
        if total > 2 * policy.year_limit_days:
            raise ValidationError(
                {
                    "sessions": f"Refused: that would make {total / 2:g} school days of "
                    f"suspension this school year; the limit is {policy.year_limit_days} "
                    f"(already {before / 2:g})."
                }
            )
        if sessions > 2 * rules.DAY_SIX_AFTER_DAYS and not day_six_provision.strip():
            raise ValidationError(
                {
                    "day_six_provision": "A suspension of more than 5 school days: say where "
                    "the learner attends from the sixth day."
                }
            )
    chosen = list(incidents)
    if any(i.learner_id != learner.pk for i in chosen):
        raise ValidationError({"incidents": "Link only this learner's incidents."})
    if letter_to is not None and letter_to.learner_id != learner.pk:
        raise ValidationError(
            {"letter_to": "That person is not a parent or carer of this learner."}
        )
    require_acknowledged(
        letter_to,
        acknowledge_restriction,
        field="acknowledge_restriction",
        what="the letter's recipient",
    )
    exclusion = Exclusion(
        school=scope.school,
        learner=learner,
        kind=kind,
        reason=reason,
        start_date=start_date,
        start_session=start_session,
        sessions=sessions,
        end_date=end_date,
        decided_by=decided_by[:150],
        day_six_provision=day_six_provision.strip()[:300],
        notes=notes.strip(),
        letter_to=letter_to,
        restriction_acknowledged=bool(
            letter_to and acknowledge_restriction and no_contact_restrictions(letter_to)
        ),
        recorded_by=scope.user,
    )
    exclusion.full_clean()
    exclusion.save()
    if chosen:
        exclusion.incidents.set(chosen)
    notices = _notices(scope, exclusion, learner, policy)
    audit.record(
        "behaviour.exclusion.recorded",
        actor=scope.user,
        school=scope.school,
        obj=exclusion,
        learner=learner,
        changes={
            "kind": kind,
            "reason": reason,
            "start_date": start_date,
            "start_session": start_session,
            "sessions": sessions or "",
            "end_date": end_date or "",
            "decided_by": exclusion.decided_by,
            "incidents": [i.reference for i in chosen],
            "letter_to": letter_to.pk if letter_to else "",
            "restriction_acknowledged": exclusion.restriction_acknowledged,
            "notices": [n.to for n in notices],
        },
    )
    return exclusion


def _notices(scope: Scope, exclusion: Exclusion, learner: Learner, policy) -> list[ExclusionNotice]:  # noqa: ANN001
    today = timezone.localdate()
    what = exclusion.get_kind_display().lower()
    due: list[tuple[str, str]] = [
        (
            ExclusionNotice.To.LOCAL_AUTHORITY,
            f"Every {what}, without delay, whatever its length",
        )
    ]
    if has_social_worker(learner):
        due.append((ExclusionNotice.To.SOCIAL_WORKER, "The learner has a social worker"))
    if learner.looked_after:
        due.append((ExclusionNotice.To.VIRTUAL_SCHOOL, "The learner is looked after"))
    if exclusion.is_permanent:
        due.append((ExclusionNotice.To.GOVERNORS, "A permanent exclusion"))
    else:
        t_start, t_end = term_of(scope.school.pk, exclusion.start_date)
        term_sessions = suspension_sessions_between(scope.school.pk, learner.pk, t_start, t_end)
        if term_sessions > 2 * policy.parent_request_days:
            due.append(
                (
                    ExclusionNotice.To.GOVERNORS,
                    f"More than {policy.parent_request_days} school days of suspension this term",
                )
            )
    notices = [
        ExclusionNotice(school=scope.school, exclusion=exclusion, to=to, due_on=today, why=why)
        for to, why in due
    ]
    ExclusionNotice.objects.bulk_create(notices)
    return notices


@transaction.atomic
def notice_mark_sent(
    *, scope: Scope, notice: ExclusionNotice, sent_on: dt.date, note: str = ""
) -> ExclusionNotice:
    require_exclusions(scope)
    if notice.school_id != scope.school.pk:
        raise ValidationError("Choose one of the school's notices.")
    if notice.sent_on is not None:
        raise ValidationError(
            {"sent_on": f"Already recorded as sent on {notice.sent_on:%d/%m/%Y}."}
        )
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "The date it was sent cannot be in the future."})
    if sent_on < notice.exclusion.start_date - dt.timedelta(days=30):
        raise ValidationError({"sent_on": "That is before the suspension was decided."})
    notice.sent_on = sent_on
    notice.sent_by = scope.user
    notice.note = note.strip()[:200]
    notice.full_clean()
    notice.save(update_fields=["sent_on", "sent_by", "note"])
    audit.record(
        "behaviour.exclusion_notice.sent",
        actor=scope.user,
        school=scope.school,
        obj=notice,
        learner=notice.exclusion.learner,
        changes={"to": notice.to, "sent_on": sent_on, "note": notice.note},
    )
    return notice


@transaction.atomic
def reintegration_schedule(
    *, scope: Scope, exclusion: Exclusion, on: dt.date, with_user: User
) -> Exclusion:
    """The reintegration meeting on the learner's return: a school day, no
    earlier than the suspension's first day, with a member of staff (who is
    reminded on the day before, by the reminder machinery)."""
    _check(scope, exclusion.learner)
    if exclusion.is_permanent:
        raise ValidationError({"on": "A permanently excluded learner does not return."})
    if on < exclusion.start_date:
        raise ValidationError({"on": "The meeting cannot be before the suspension starts."})
    if on < timezone.localdate():
        raise ValidationError({"on": "That date has passed."})
    calendar = calendar_for(scope.school.pk, on, 1)
    if not calendar.is_school_day(on):
        raise ValidationError({"on": f"{on:%d/%m/%Y} is not a school day."})
    if not Membership.objects.filter(
        school=scope.school, user=with_user, user__is_active=True
    ).exists():
        raise ValidationError({"with_user": "Choose a member of staff of this school."})
    before = {
        "on": str(exclusion.reintegration_on or ""),
        "with": exclusion.reintegration_with_id or "",
    }
    exclusion.reintegration_on = on
    exclusion.reintegration_with = with_user
    exclusion.save(update_fields=["reintegration_on", "reintegration_with"])
    audit.record(
        "behaviour.exclusion.reintegration_scheduled",
        actor=scope.user,
        school=scope.school,
        obj=exclusion,
        learner=exclusion.learner,
        changes=audit.diff(before, {"on": str(on), "with": with_user.pk}),
    )
    return exclusion
