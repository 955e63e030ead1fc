"""Intervention groups, their rosters, sessions and registers."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.http import Http404

from caseload.models import Intervention, Mark, RosterEntry, Session
from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner, Role


def interventions_for(scope: Scope) -> QuerySet[Intervention]:
    """Groups the person leads, or with a current member within their reach,
    annotated with roster size, sessions held and the attendance rate (present
    over present + absent; excused marks do not count against it)."""
    require(scope, Cap.RECORD_CONTACTS)
    in_reach = RosterEntry.objects.filter(
        learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__")
    ).values("intervention_id")
    qs = Intervention.objects.filter(school=scope.school).filter(
        Q(leader=scope.user) | Q(pk__in=in_reach)
    )
    return with_attendance_rate(qs).select_related("leader")


def with_attendance_rate(qs: QuerySet[Intervention]) -> QuerySet[Intervention]:
    marks = Mark.objects.filter(session__intervention=OuterRef("pk")).order_by()
    present = _subcount(marks.filter(status=Mark.Status.PRESENT))
    counted = _subcount(marks.exclude(status=Mark.Status.EXCUSED))
    sessions = Coalesce(
        Subquery(
            Session.objects.filter(intervention=OuterRef("pk"))
            .order_by()
            .values("intervention_id")
            .annotate(c=Count("pk"))
            .values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    members = Coalesce(
        Subquery(
            RosterEntry.objects.filter(intervention=OuterRef("pk"), left__isnull=True)
            .order_by()
            .values("intervention_id")
            .annotate(c=Count("pk"))
            .values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    return qs.annotate(
        present_count=present,
        counted_count=counted,
        session_count=sessions,
        member_count=members,
    ).annotate(
        attendance_rate=Case(
            When(counted_count=0, then=Value(None, output_field=FloatField())),
            default=Cast(F("present_count"), FloatField())
            * 100.0
            / Cast(Greatest(F("counted_count"), 1), FloatField()),
            output_field=FloatField(),
        )
    )


def _subcount(qs: QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.values("session__intervention_id").annotate(c=Count("pk")).values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def intervention_or_404(scope: Scope, pk: int) -> Intervention:
    intervention = interventions_for(scope).filter(pk=pk).first()
    if intervention is None:
        raise Http404("Not found")
    return intervention


def can_run(scope: Scope, intervention: Intervention) -> bool:
    """May take registers and see the whole roster: the leader, SENCO and DSLs."""
    return intervention.leader_id == scope.user.pk or scope.has(
        Role.SENCO, Role.DSL, Role.DEPUTY_DSL
    )


def roster_for(scope: Scope, intervention: Intervention) -> list[RosterEntry]:
    """The roster; people who do not run the group see only learners within their reach."""
    qs = intervention.members.select_related("learner__year_group").order_by(
        "learner__legal_last_name", "learner__legal_first_name", "id"
    )
    if not can_run(scope, intervention):
        qs = qs.filter(learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"))
    return list(qs)


def sessions_of(intervention: Intervention) -> QuerySet[Session]:
    marks = Mark.objects.filter(session=OuterRef("pk")).order_by()
    return intervention.sessions.select_related("recorded_by").annotate(
        present=Coalesce(
            Subquery(
                marks.filter(status=Mark.Status.PRESENT)
                .values("session_id")
                .annotate(c=Count("pk"))
                .values("c")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        marked=Coalesce(
            Subquery(
                marks.values("session_id").annotate(c=Count("pk")).values("c")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def session_or_404(scope: Scope, pk: int) -> Session:
    session = (
        Session.objects.filter(intervention__in=interventions_for(scope).values("pk"), pk=pk)
        .select_related("intervention__leader", "recorded_by")
        .first()
    )
    if session is None:
        raise Http404("Not found")
    return session


def session_marks_for(scope: Scope, session: Session) -> list[Mark]:
    qs = session.marks.select_related("learner").order_by(
        "learner__legal_last_name", "learner__legal_first_name"
    )
    if not can_run(scope, session.intervention):
        qs = qs.filter(learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"))
    return list(qs)


def learner_sessions(learner: Learner) -> QuerySet[Mark]:
    """A learner's session history, newest first (learner already scoped)."""
    return (
        Mark.objects.filter(learner=learner)
        .select_related("session__intervention", "session__recorded_by")
        .order_by("-session__date", "-session_id")
    )
