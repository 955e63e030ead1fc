"""The sections of the caseload reports, shared by every report that prints
them (transfer, case conference, subject access): each reads only the learner
its caller already scoped, through the apps' scoped selectors, so a report
shows what its exporter may see and no more.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from attendance import selectors as attendance
from caseload.models import (
    AgreedAction,
    ContactLog,
    Mark,
    Need,
    Plan,
    Review,
    Target,
    TargetProgress,
)
from caseload.selectors import OPEN
from pastoral.access import Cap, Scope, learner_or_404
from pastoral.models import AcademicYear, Learner
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import (
    PrintEntry,
    Section,
    Table,
    contact_entries,
    learner_facts,
    yes_no,
)
from safeguarding.models import Concern
from safeguarding.selectors import concerns_for
from safeguarding.transfers import concern_entries


def day_label(day: dt.date | None) -> str:
    return day.strftime("%d %b %Y") if day else "—"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def job_since(job: ReportJob) -> dt.datetime | None:
    value = job.params.get("since")
    if not value:
        return None
    return dt.datetime.combine(
        dt.date.fromisoformat(value), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


def job_learner(scope: Scope, job: ReportJob, cap: Cap) -> Learner:
    if job.learner_id is None:
        raise Http404("Not found")
    return learner_or_404(scope, job.learner_id, cap)


def estimate_learner_record(scope: Scope, job: ReportJob) -> int:
    """Roughly how many entries a learner report holds (a few COUNT queries)."""
    learner = job_learner(scope, job, Cap.EXPORT_TRANSFER)
    concerns = (
        concerns_for(scope).filter(learner_links__learner=learner).count()
        if scope.can(Cap.VIEW_PASTORAL_CONCERNS)
        else 0
    )
    return (
        concerns
        + ContactLog.objects.filter(learner=learner).count()
        + Mark.objects.filter(learner=learner).count()
        + Review.objects.filter(plan__learner=learner).count()
        + Plan.objects.filter(learner=learner).count()
    )


# --- sections (each reads only the learner the caller already scoped) -----------------


def profile_section(learner: Learner) -> Section:
    allocations = list(learner.allocations.select_related("worker").order_by("-start", "-id"))
    facts = learner_facts(learner)
    facts.append(("CP / CIN status", learner.get_cp_status_display() or "None"))
    facts += sen_facts(learner)
    current = [a for a in allocations if a.end is None or a.end >= timezone.localdate()]
    facts.append(
        (
            "Key workers",
            "; ".join(f"{a.worker} ({a.get_kind_display().lower()})" for a in current)
            or "None allocated",
        )
    )
    return Section(key="profile", title="Profile", facts=facts)


def sen_facts(learner: Learner) -> list[tuple[str, Any]]:
    """SEN detail beyond the status: the needs named on the learner's plans and
    their SEN support plans (two queries)."""
    needs = sorted(set(Need.objects.filter(plans__learner=learner).values_list("name", flat=True)))
    sen_plans = Plan.objects.filter(learner=learner, type=Plan.Type.SEN_SUPPORT).order_by("-start")
    return [
        ("Needs and barriers", ", ".join(needs) or "None recorded on a plan"),
        (
            "SEN support plans",
            "; ".join(
                f"{p.get_status_display()}, from {day_label(p.start)}, next review "
                f"{day_label(p.next_review)}"
                for p in sen_plans
            )
            or "None",
        ),
    ]


def parents_section(learner: Learner) -> Section:
    return Section(
        key="parents",
        title="Parents and carers",
        entries=contact_entries(learner),
        empty_text="Nothing recorded: no parents or carers are held.",
    )


def attendance_section(
    scope: Scope, learner: Learner, *, since: dt.date | None = None, history: bool = True
) -> Section:
    """Attendance per academic year (or since a date), targets with reviews, interventions."""
    today = timezone.localdate()
    rows: list[list[Any]] = []
    if history:
        # One summary per academic year the school has: a handful at most.
        years = list(
            AcademicYear.objects.filter(school=learner.school, start__lte=today).order_by("start")
        )
        periods = [(y.name, y.start, min(y.end, today)) for y in years] or [
            ("Year to date", *attendance.default_range(learner.school))
        ]
    else:
        start, end = attendance.default_range(learner.school)
        periods = [("Year to date", start, end)]
        if since:
            periods.append((f"Since {day_label(since)}", since, today))
    for label, start, end in periods:
        summary = attendance.learner_attendance_summary(scope, learner, start=start, end=end)
        if summary.no_sessions:
            continue
        rows.append(
            [
                label,
                summary.possible,
                summary.attendance_label,
                _pct(summary.authorised_pct),
                _pct(summary.unauthorised_pct),
                summary.lates,
                "Severe absence"
                if summary.is_sa
                else "Persistent absence"
                if summary.is_pa
                else "—",
            ]
        )
    entries: list[PrintEntry] = []
    for target in attendance.targets_for(scope, learner).order_by("-start"):
        entries.append(
            PrintEntry(
                title=f"Attendance target: {target.target_percent}%",
                when=target.start,
                kind="Target",
                meta=f"Owner: {target.owner} · {target.get_status_display()}",
                facts=[
                    ("Baseline", f"{target.baseline_percent}%" if target.baseline_percent else "—"),
                    ("Review date", day_label(target.review_date)),
                    ("Notes", target.notes),
                ],
                children=[
                    PrintEntry(
                        title=f"Review: {review.get_outcome_display()}",
                        when=review.reviewed_on,
                        meta=f"By {review.reviewed_by}",
                        facts=[("Attendance then", f"{review.attendance_percent}%")],
                        body=review.notes,
                    )
                    for review in target.reviews.all()
                ],
                ref=f"attendance-target:{target.pk}",
            )
        )
    interventions = attendance.interventions_for(scope, learner).order_by("-date")
    if since:
        interventions = interventions.filter(date__gte=since)
    for item in interventions.select_related("letter_template"):
        facts = [("Notes", item.notes), ("Outcome", item.outcome)]
        if item.kind == item.Kind.LETTER:
            wording = item.letter_text or (
                item.letter_template.body if item.letter_template else ""
            )
            facts.insert(0, ("Letter sent", wording or "—"))
        entries.append(
            PrintEntry(
                title=item.get_kind_display(),
                when=item.date,
                kind="Attendance intervention",
                meta=f"By {item.owner}",
                facts=facts,
                ref=f"attendance-intervention:{item.pk}",
            )
        )
    returns = attendance.return_plans_for(scope, learner).order_by("-return_date")
    if since:
        returns = returns.filter(return_date__gte=since)
    for plan in returns:
        entries.append(
            PrintEntry(
                title=f"Return-to-school plan: back on {day_label(plan.return_date)}",
                when=plan.return_date,
                kind="Return to school",
                meta=f"Owner: {plan.owner}",
                facts=[
                    ("Absent from", day_label(plan.absent_from)),
                    ("Reason", plan.reason),
                    (
                        "Part-time timetable (C2)",
                        "Agreed, temporary, with a date to return to full time"
                        if plan.reduced_timetable
                        else "No",
                    ),
                    ("Support on return", plan.support),
                    ("Review date", day_label(plan.review_date)),
                ],
                ref=f"attendance-return-plan:{plan.pk}",
            )
        )
    for timetable in attendance.part_time_for_learner(scope, learner):
        if since and timetable.end < since:
            continue
        entries.append(
            PrintEntry(
                title=f"Part-time timetable: {day_label(timetable.start)} to "
                f"{day_label(timetable.end)} ({timetable.weeks} weeks)",
                when=timetable.start,
                kind="Part-time timetable (C2)",
                meta=f"Owner: {timetable.owner}",
                facts=[
                    ("Reason", timetable.reason),
                    (
                        "Sessions not attended",
                        ", ".join(str(s) for s in timetable.absent_sessions.all()) or "—",
                    ),
                    (
                        "Parental agreement",
                        f"{timetable.agreed_by}, {day_label(timetable.agreed_on)} "
                        f"({timetable.get_agreement_method_display()})",
                    ),
                    ("Plan to return to full time", timetable.return_plan),
                    (
                        "Local authority notified",
                        day_label(timetable.la_notified_on) if timetable.la_notified_on else "No",
                    ),
                ],
                ref=f"attendance-part-time:{timetable.pk}",
            )
        )
    return Section(
        key="attendance",
        title="Attendance history and targets" if history else "Attendance",
        table=Table(
            ["Period", "Sessions", "Attendance", "Authorised", "Unauthorised", "Lates", "Flag"],
            rows,
        )
        if rows
        else None,
        entries=entries,
        empty_text="Nothing recorded: no attendance marks, targets or interventions are held.",
    )


def plans_of(
    learner: Learner,
    *,
    open_only: bool = False,
    order: tuple[str, ...] = ("-start", "-id"),
    review_order: tuple[str, ...] = ("date", "id"),
) -> list[Plan]:
    """The learner's plans with their needs, current targets and reviews (each
    with its progress per target), in a fixed number of queries."""
    qs = (
        Plan.objects.filter(learner=learner)
        .select_related("created_by")
        .prefetch_related(
            "needs",
            "versions",
            Prefetch("targets", queryset=Target.objects.filter(removed=False)),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewed_by")
                .prefetch_related(
                    Prefetch("progress", queryset=TargetProgress.objects.select_related("target"))
                )
                .order_by(*review_order),
            ),
        )
        .order_by(*order)
    )
    if open_only:
        qs = qs.filter(status__in=OPEN)
    return list(qs)


def plan_entry(plan: Plan) -> PrintEntry:
    # Each review names the targets in the words of the version it reviewed.
    words = {
        v.number: {t["id"]: t.get("what", "") for t in v.snapshot.get("targets", [])}
        for v in plan.versions.all()
    }
    targets = [
        PrintEntry(
            title=f"Target: {t.what}",
            facts=[
                ("Measure", t.measure),
                ("Baseline", t.baseline),
                ("By when", day_label(t.by_when)),
                ("Who does what", t.who),
            ],
            ref=f"plan-target:{t.pk}",
        )
        for t in plan.targets.all()
    ]
    reviews = [
        PrintEntry(
            title=f"Review: {r.get_outcome_display()}",
            when=r.date,
            meta=f"By {r.reviewed_by} · reviewed version {r.version_reviewed}",
            body=r.summary,
            facts=[
                (
                    f"Progress: {words.get(r.version_reviewed, {}).get(p.target_id) or p.target.what}",
                    f"{p.get_progress_display()}"
                    + (f". {p.evidence}" if p.evidence else "")
                    + (f" Next: {p.next_step}" if p.next_step else ""),
                )
                for p in r.progress.all()
            ]
            + [("Next review", day_label(r.next_review))],
            ref=f"plan-review:{r.pk}",
        )
        for r in plan.reviews.all()
    ]
    return PrintEntry(
        title=f"{plan.get_type_display()} ({plan.get_status_display().lower()})",
        when=plan.start,
        kind="Plan",
        meta=f"Version {plan.version} · created by {plan.created_by}",
        facts=[
            ("Needs", ", ".join(n.name for n in plan.needs.all()) or "—"),
            ("Strategies and provision", plan.strategies),
            ("Learner voice", plan.learner_voice),
            ("Parent/carer voice", plan.parent_voice),
            ("Parent/carer agrees", yes_no(plan.parent_agreed)),
            ("Next review", day_label(plan.next_review)),
            ("Closed on", day_label(plan.closed_on)),
        ],
        children=targets + reviews,
        ref=f"plan:{plan.pk}",
    )


def plans_section(learner: Learner, *, open_only: bool = False) -> Section:
    return Section(
        key="plans",
        title="Current plans" if open_only else "Plans and their reviews",
        entries=[plan_entry(p) for p in plans_of(learner, open_only=open_only)],
        empty_text="Nothing recorded: no plans are held."
        if not open_only
        else "Nothing recorded: no current plans.",
    )


def interventions_section(learner: Learner) -> Section:
    """Interventions the learner took part in, with their session register.

    Notes of group sessions describe other children too, so only 1:1
    sessions carry their notes; group sessions show attendance only.
    """
    marks = list(
        Mark.objects.filter(learner=learner)
        .select_related("session__intervention__leader", "session__recorded_by")
        .order_by("session__intervention__name", "session__date", "session_id")
    )
    grouped: OrderedDict[int, list[Mark]] = OrderedDict()
    for mark in marks:
        grouped.setdefault(mark.session.intervention_id, []).append(mark)
    entries = []
    for group in grouped.values():
        intervention = group[0].session.intervention
        attended = sum(1 for m in group if m.status == Mark.Status.PRESENT)
        entries.append(
            PrintEntry(
                title=f"{intervention.name} ({intervention.get_kind_display()})",
                when=intervention.start,
                kind="1:1" if intervention.one_to_one else "Group",
                meta=f"Led by {intervention.leader} · attended {attended} of {len(group)} sessions",
                body=intervention.description,
                children=[
                    PrintEntry(
                        title=f"Session: {m.get_status_display()}",
                        when=m.session.date,
                        facts=[("Notes", m.session.notes), ("Outcomes", m.session.outcomes)]
                        if intervention.one_to_one
                        else [],
                        ref=f"session:{m.session_id}",
                    )
                    for m in group
                ],
                ref=f"intervention:{intervention.pk}",
            )
        )
    return Section(
        key="interventions",
        title="Interventions and sessions",
        entries=entries,
        intro="Group sessions show attendance only: their notes describe other children.",
        empty_text="Nothing recorded: the learner has taken part in no interventions.",
    )


def contacts_section(learner: Learner, *, since: dt.datetime | None = None) -> Section:
    qs = (
        ContactLog.objects.filter(learner=learner)
        .select_related("parent", "agency", "colleague", "recorded_by")
        .prefetch_related(
            Prefetch("actions", queryset=AgreedAction.objects.select_related("owner"))
        )
        .order_by("-when", "-id")
    )
    if since:
        qs = qs.filter(when__gte=since)
    entries = []
    for c in qs:
        with_whom = c.parent or c.agency or c.colleague or c.get_with_whom_display()
        entries.append(
            PrintEntry(
                title=f"{c.get_kind_display()} with {with_whom}",
                when=c.when,
                kind="Contact",
                meta=f"Recorded by {c.recorded_by or 'unknown'}"
                + (f" · others present: {c.others}" if c.others else ""),
                body=c.summary,
                children=[
                    PrintEntry(
                        title=f"Agreed action: {a.action}",
                        meta=f"Owner {a.owner} · due {day_label(a.due)} · "
                        + (f"done {day_label(a.done_on)}" if a.done_on else "not done"),
                        ref=f"agreed-action:{a.pk}",
                    )
                    for a in c.actions.all()
                ],
                ref=f"contact:{c.pk}",
            )
        )
    return Section(
        key="contacts",
        title="Contacts log" if since is None else f"Contacts since {since:%d %b %Y}",
        entries=entries,
        empty_text="Nothing recorded: no contacts are logged."
        if since is None
        else f"Nothing recorded: no contacts since {since:%d %b %Y}.",
    )


def visible_concerns(
    scope: Scope, learner: Learner, *, pastoral_only: bool, since: dt.datetime | None = None
) -> list[Concern]:
    """Concerns about the learner the exporter fully sees (never just as their author).

    `pastoral_only` drops restricted (CP) concerns whatever the exporter's role.
    """
    if not scope.can(Cap.VIEW_PASTORAL_CONCERNS):
        return []
    qs = concerns_for(scope).filter(learner_links__learner=learner, full_access=True)
    if pastoral_only:
        qs = qs.filter(level=Concern.Level.PASTORAL)
    if since:
        qs = qs.filter(occurred_at__gte=since)
    return list(
        qs.select_related("author")
        .prefetch_related("categories", "learner_links__learner")
        .distinct()
        .order_by("-occurred_at", "-id")
    )


def concerns_section(
    scope: Scope,
    learner: Learner,
    *,
    pastoral_only: bool,
    since: dt.datetime | None = None,
    title: str = "Pastoral concerns",
) -> Section:
    concerns = visible_concerns(scope, learner, pastoral_only=pastoral_only, since=since)
    intro = (
        "Pastoral concerns only. Child-protection records are transferred separately, DSL to DSL."
        if pastoral_only
        else ""
    )
    return Section(
        key="concerns",
        title=title,
        entries=concern_entries(concerns, learner),
        intro=intro,
        empty_text="Nothing recorded: no concerns that you may see."
        if since is None
        else f"Nothing recorded: no concerns since {since:%d %b %Y} that you may see.",
    )
