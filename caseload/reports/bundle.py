"""The machine-readable transfer bundle (docs/transfer-bundle.md), built by a DSL.

It carries the learner's chronology (every concern the DSL holds, restricted
ones marked as such, with entries and actions), contacts and 1:1 sessions,
plans with their reviews, and an attendance summary with targets and
interventions. The receiving school's DSL imports it (pastoral.reports.bundle).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from attendance import selectors as attendance
from caseload.models import ContactLog, Mark, Plan
from caseload.reports.sections import job_learner, plans_of
from pastoral.access import Cap, Scope, roles_label
from pastoral.reports import bundle as bundles
from pastoral.reports import receipts, registry
from pastoral.reports.models import ReportJob
from pastoral.reports.selectors import cp_transfers_for
from safeguarding.models import Concern, ConcernAction, ConcernEntry
from safeguarding.selectors import concerns_for

TRANSFER_BUNDLE = "transfer_bundle"


def _iso(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(value, dt.time(9, 0), tzinfo=tz).isoformat()


def _entry(ref: str, kind: str, when: Any, title: str, **extra: Any) -> dict[str, Any]:
    item = {"ref": ref, "kind": kind, "occurred_at": _iso(when), "title": title[:300]}
    item.update({k: v for k, v in extra.items() if v not in (None, "", {})})
    return item


def _chronology(scope: Scope, learner: Any) -> list[dict[str, Any]]:
    concerns = list(
        concerns_for(scope)
        .filter(learner_links__learner=learner, full_access=True)
        .select_related("author")
        .prefetch_related("categories")
        .distinct()
        .order_by("occurred_at", "id")
    )
    by_id = {c.pk: c for c in concerns}
    items: list[dict[str, Any]] = []
    for c in concerns:
        categories = ", ".join(cat.name for cat in c.categories.all()) or "Concern"
        body = c.description + (
            f"\n\nAction already taken: {c.action_taken}" if c.action_taken else ""
        )
        items.append(
            _entry(
                f"concern:{c.pk}",
                "concern",
                c.occurred_at,
                f"{c.reference}: {categories}",
                level=c.level,
                body=body,
                author=str(c.author),
                data={"status": c.status, "location": c.location},
            )
        )
    for e in ConcernEntry.objects.filter(concern_id__in=by_id).select_related("author"):
        concern = by_id[e.concern_id]
        items.append(
            _entry(
                f"concern-entry:{e.pk}",
                "concern",
                e.created_at,
                f"{concern.reference}: {e.get_kind_display()}",
                level=concern.level,
                body="\n".join(part for part in (e.text, e.reason) if part),
                author=str(e.author),
            )
        )
    for a in ConcernAction.objects.filter(concern_id__in=by_id).select_related("recorded_by"):
        concern = by_id[a.concern_id]
        items.append(
            _entry(
                f"concern-action:{a.pk}",
                "action",
                a.created_at,
                f"{concern.reference}: {a.get_kind_display()}",
                level=concern.level,
                body="\n".join(
                    part
                    for part in (a.details, f"Outcome: {a.outcome}" if a.outcome else "")
                    if part
                ),
                author=str(a.recorded_by),
                data={"taken_on": a.taken_on.isoformat()},
            )
        )
    for c in ContactLog.objects.filter(learner=learner).select_related(
        "parent", "agency", "colleague", "recorded_by"
    ):
        with_whom = c.parent or c.agency or c.colleague or c.get_with_whom_display()
        items.append(
            _entry(
                f"contact:{c.pk}",
                "contact",
                c.when,
                f"{c.get_kind_display()} with {with_whom}",
                body=c.summary,
                author=str(c.recorded_by or ""),
            )
        )
    for m in Mark.objects.filter(learner=learner).select_related("session__intervention"):
        intervention = m.session.intervention
        items.append(
            _entry(
                f"session:{m.session_id}",
                "session",
                m.session.date,
                f"{intervention.name}: {m.get_status_display().lower()}",
                # Group-session notes describe other children: 1:1 notes only.
                body=m.session.notes if intervention.one_to_one else "",
            )
        )
    items.sort(key=lambda item: (item["occurred_at"], item["ref"]))
    return items


def _plans(learner: Any) -> list[dict[str, Any]]:
    # Oldest plan first; its reviews newest first (the bundle format's order).
    plans = plans_of(learner, order=("start", "id"), review_order=("-date", "-id"))
    out = []
    for p in plans:
        out.append(
            {
                "ref": f"plan:{p.pk}",
                "title": p.get_type_display(),
                "status": p.get_status_display(),
                "created_at": _iso(p.created_at),
                "author": str(p.created_by or ""),
                "body": p.strategies,
                "data": {
                    "start": p.start.isoformat(),
                    "next_review": p.next_review.isoformat(),
                    "needs": [n.name for n in p.needs.all()],
                    "learner_voice": p.learner_voice,
                    "parent_voice": p.parent_voice,
                    "parent_agreed": p.parent_agreed,
                    "version": p.version,
                    "targets": [
                        {
                            "target": t.what,
                            "measure": t.measure,
                            "baseline": t.baseline,
                            "by_when": t.by_when.isoformat(),
                            "who": t.who,
                        }
                        for t in p.targets.all()
                    ],
                },
                "reviews": [
                    _entry(
                        f"plan-review:{r.pk}",
                        "review",
                        r.date,
                        f"Review: {r.get_outcome_display()}",
                        body=r.summary,
                        author=str(r.reviewed_by or ""),
                        data={
                            "progress": [
                                {"target": tp.target.what, "progress": tp.get_progress_display()}
                                for tp in r.progress.all()
                            ]
                        },
                    )
                    for r in p.reviews.all()
                ],
            }
        )
    return out


def _attendance(scope: Scope, learner: Any) -> dict[str, Any]:
    start, end = attendance.default_range(learner.school)
    summary = attendance.learner_attendance_summary(scope, learner, start=start, end=end)
    figures = {
        key: (value.isoformat() if isinstance(value, dt.date) else value)
        for key, value in summary.as_dict().items()
    }
    targets = [
        _entry(
            f"attendance-target:{t.pk}",
            "attendance",
            t.start,
            f"Attendance target {t.target_percent}% ({t.get_status_display().lower()})",
            body=t.notes,
            author=str(t.owner),
            data={"review_date": t.review_date.isoformat()},
        )
        for t in attendance.targets_for(scope, learner)
    ]
    interventions = [
        _entry(
            f"attendance-intervention:{i.pk}",
            "attendance",
            i.date,
            i.get_kind_display(),
            body="\n".join(part for part in (i.notes, i.outcome) if part),
            author=str(i.owner),
        )
        for i in attendance.interventions_for(scope, learner)
    ]
    return {"summary": figures, "targets": targets, "interventions": interventions}


def build_bundle(scope: Scope, job: ReportJob, progress: registry.Progress) -> dict[str, Any]:
    learner = job_learner(scope, job, Cap.EXPORT_CP_FILE)
    chronology = _chronology(scope, learner)
    progress(40, "Collecting plans")
    plans = _plans(learner)
    progress(70, "Collecting attendance")
    user = scope.user
    bundle = {
        "exported_at": timezone.localtime().isoformat(),
        "exported_by": {
            "name": user.full_name,
            "job_title": user.job_title,
            "email": user.email,
            "roles": roles_label(scope.roles),
        },
        "source_school": {
            "name": scope.school.name,
            "urn": scope.school.urn,
            "la_code": scope.school.la_code,
        },
        "learner": {
            "upn": learner.upn,
            **({"child_identifier": learner.child_identifier} if learner.child_identifier else {}),
            "legal_first_name": learner.legal_first_name,
            "legal_last_name": learner.legal_last_name,
            "preferred_first_name": learner.preferred_first_name,
            "preferred_last_name": learner.preferred_last_name,
            "date_of_birth": learner.date_of_birth.isoformat(),
            "gender": learner.gender,
            "year": str(learner.year_group),
            "sen_status": learner.sen_status,
            "pupil_premium": learner.pupil_premium,
            "eal": learner.eal,
            "looked_after": learner.looked_after,
            "cp_status": learner.cp_status,
        },
        "chronology": chronology,
        "plans": plans,
        "attendance": _attendance(scope, learner),
    }
    transfer_id = job.params.get("transfer_id")
    if transfer_id:
        transfer = cp_transfers_for(scope).filter(pk=transfer_id, learner=learner).first()
        if transfer is not None and transfer.receipt_key:
            bundle["receipt"] = {
                "reference": receipts.reference(scope.school.urn, transfer.pk),
                "key": transfer.receipt_key,
            }
    entries = len(chronology) + sum(1 + len(p["reviews"]) for p in plans)
    return {"payload": bundles.wrap(bundle), "_entries": entries}


def estimate_bundle(scope: Scope, job: ReportJob) -> int:
    learner = job_learner(scope, job, Cap.EXPORT_CP_FILE)
    return (
        Concern.objects.filter(learner_links__learner=learner).count()
        + Plan.objects.filter(learner=learner).count()
    )


registry.register(
    registry.ReportKind(
        kind=TRANSFER_BUNDLE,
        label="Transfer bundle (JSON)",
        cap=Cap.EXPORT_CP_FILE,
        build=build_bundle,
        output="json",
        estimate=estimate_bundle,
    )
)
