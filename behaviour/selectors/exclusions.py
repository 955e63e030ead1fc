"""Reads of suspensions, permanent exclusions and their notices, scoped.

Who: ACCESS.md's behaviour rule narrowed to the people who act on a suspension.
The head of year (their years), the SENCO and the DSL team record and see
them; a form tutor or a member of staff does not (a suspension carries the
head's decision, the parents' letter and the notices to the local authority
and social care, which are not classroom records); an administrator sees
nothing. Out of scope: 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from behaviour import exclusion_rules as rules
from behaviour.access import WHOLE_SCHOOL_ROLES
from behaviour.models import Exclusion, ExclusionNotice, ExclusionPolicy, Incident
from pastoral import providers
from pastoral.access import Scope
from pastoral.calendar import SchoolCalendar
from pastoral.models import AcademicYear, Contact, Learner, Role, Term, User

EXCLUSION_ROLES = WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR}


def handles_exclusions(scope: Scope | None) -> bool:
    return scope is not None and bool(scope.roles & EXCLUSION_ROLES)


def require_exclusions(scope: Scope | None) -> Scope:
    if not handles_exclusions(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def exclusion_reach(scope: Scope, *, prefix: str = "") -> Q:
    """The learners whose suspensions the person sees and records."""
    if not handles_exclusions(scope):
        return Q(pk__in=[])
    school = Q(**{f"{prefix}school": scope.school})
    if scope.roles & WHOLE_SCHOOL_ROLES:
        return school
    return school & Q(**{f"{prefix}year_group_id__in": sorted(scope.year_group_ids)})


def learner_for_exclusion(scope: Scope, pk: int) -> Learner:
    require_exclusions(scope)
    found = (
        Learner.objects.filter(exclusion_reach(scope), pk=pk)
        .select_related("year_group", "reg_group", "school")
        .first()
    )
    if found is None:
        raise Http404("Not found")
    return found


def reaches_learner(scope: Scope, learner: Learner) -> bool:
    if not handles_exclusions(scope) or learner.school_id != scope.school.pk:
        return False
    return bool(scope.roles & WHOLE_SCHOOL_ROLES) or learner.year_group_id in scope.year_group_ids


def exclusions_for(scope: Scope, *, kind: str = "") -> QuerySet[Exclusion]:
    require_exclusions(scope)
    qs = Exclusion.objects.filter(exclusion_reach(scope, prefix="learner__"), school=scope.school)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related(
        "learner__year_group", "learner__reg_group", "recorded_by", "reintegration_with"
    ).order_by("-start_date", "-pk")


def exclusion_for(scope: Scope, pk: int) -> Exclusion:
    found = exclusions_for(scope).select_related("letter_to", "school").filter(pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def notices_of(exclusion: Exclusion) -> list[ExclusionNotice]:
    return list(exclusion.notices.select_related("sent_by").order_by("due_on", "pk"))


def incidents_of(exclusion: Exclusion) -> list[Incident]:
    return list(exclusion.incidents.select_related("type").order_by("-occurred_at", "-pk"))


def notices_for(scope: Scope, *, show: str = "due") -> QuerySet[ExclusionNotice]:
    """The notices queue: due (not yet sent; the default), sent, or all."""
    require_exclusions(scope)
    qs = ExclusionNotice.objects.filter(
        exclusion_reach(scope, prefix="exclusion__learner__"), school=scope.school
    )
    if show == "due":
        qs = qs.filter(sent_on__isnull=True)
    elif show == "sent":
        qs = qs.filter(sent_on__isnull=False)
    return qs.select_related(
        "exclusion__learner__year_group", "exclusion__learner__reg_group", "sent_by"
    ).order_by("sent_on", "due_on", "pk")


def notice_for(scope: Scope, pk: int) -> ExclusionNotice:
    found = notices_for(scope, show="all").filter(pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def policy_of(school_id: int) -> ExclusionPolicy:
    policy = ExclusionPolicy.objects.filter(school_id=school_id).first()
    return policy or ExclusionPolicy(school_id=school_id)


def learner_incidents(scope: Scope, learner: Learner, *, limit: int = 30) -> list[Incident]:
    """The learner's recent negative incidents, to link to a suspension."""
    return list(
        Incident.objects.filter(school=scope.school, learner=learner, kind="negative")
        .select_related("type")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def parents_for_letter(learner: Learner) -> list[Contact]:
    from pastoral.people.selectors import parents_of

    return list(parents_of(learner))


def staff_for(scope: Scope) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__school=scope.school, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def has_social_worker(learner: Learner) -> bool:
    """A child in need or on a child protection plan, or a social worker among the contacts."""
    if learner.cp_status in (Learner.Status.CIN, Learner.Status.CP):
        return True
    return learner.contacts.filter(relationship=Contact.Relationship.SOCIAL_WORKER).exists()


# Terms and years ---------------------------------------------------------------


def term_of(school_id: int, day: dt.date) -> tuple[dt.date, dt.date]:
    """The term holding `day` (the school's calendar), else the school year's third."""
    term = (
        Term.objects.filter(academic_year__school_id=school_id, start__lte=day, end__gte=day)
        .values_list("start", "end")
        .first()
    )
    if term:
        return term
    if day.month >= 9:
        return dt.date(day.year, 9, 1), dt.date(day.year, 12, 31)
    if day.month >= 4:
        return dt.date(day.year, 4, 1), dt.date(day.year, 8, 31)
    return dt.date(day.year, 1, 1), dt.date(day.year, 3, 31)


def year_of(school_id: int, day: dt.date) -> tuple[dt.date, dt.date]:
    """The school year holding `day` (its recorded academic year, else September to August)."""
    year = (
        AcademicYear.objects.filter(school_id=school_id, start__lte=day, end__gte=day)
        .values_list("start", "end")
        .first()
    )
    if year:
        return year
    first = day.year if day.month >= 9 else day.year - 1
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def suspension_sessions_between(
    school_id: int, learner_id: int, start: dt.date, end: dt.date, *, exclude_pk: int | None = None
) -> int:
    qs = Exclusion.objects.filter(
        school_id=school_id,
        learner_id=learner_id,
        kind=Exclusion.Kind.SUSPENSION,
        start_date__gte=start,
        start_date__lte=end,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return sum(n or 0 for n in qs.values_list("sessions", flat=True))


@dataclass
class Standing:
    """A learner's suspensions this term and this school year, against the thresholds."""

    term_days: Decimal
    year_days: Decimal
    policy: ExclusionPolicy
    permanent: bool = False

    @property
    def governors_must_review(self) -> bool:
        return self.permanent or self.term_days > self.policy.must_review_days

    @property
    def parents_may_ask(self) -> bool:
        return self.term_days > self.policy.parent_request_days

    @property
    def year_warning(self) -> bool:
        return self.year_days >= self.policy.year_warning_days

    @property
    def flagged(self) -> bool:
        return self.governors_must_review or self.parents_may_ask or self.year_warning

    @property
    def flag_text(self) -> str:
        if self.permanent:
            return "Permanent exclusion: the governing board must consider reinstatement."
        if self.governors_must_review:
            return (
                f"Over {self.policy.must_review_days} school days of suspension this term "
                f"({_days(self.term_days)}): the governing board must consider reinstatement."
            )
        if self.parents_may_ask:
            return (
                f"Over {self.policy.parent_request_days} school days of suspension this term "
                f"({_days(self.term_days)}): the parents may ask the governing board to review."
            )
        if self.year_warning:
            return (
                f"{_days(self.year_days)} of suspension this school year: the limit is "
                f"{self.policy.year_limit_days}."
            )
        return ""


def _days(value: Decimal) -> str:
    whole = int(value)
    text = f"{whole}" if value == whole else f"{value:.1f}"
    return f"{text} day{'' if value == 1 else 's'}"


def standings_of(school_id: int, learner_ids: list[int], today: dt.date) -> dict[int, Standing]:
    """Each learner's standing this term and year: three queries whatever the number."""
    policy = policy_of(school_id)
    t_start, t_end = term_of(school_id, today)
    y_start, y_end = year_of(school_id, today)
    term: dict[int, int] = defaultdict(int)
    year: dict[int, int] = defaultdict(int)
    permanent: set[int] = set()
    rows = Exclusion.objects.filter(
        school_id=school_id,
        learner_id__in=learner_ids,
        start_date__gte=min(y_start, t_start),
        start_date__lte=max(y_end, t_end),
    ).values_list("learner_id", "kind", "start_date", "sessions")
    for learner_id, kind, start, sessions in rows:
        if kind == Exclusion.Kind.PERMANENT:
            permanent.add(learner_id)
            continue
        if t_start <= start <= t_end:
            term[learner_id] += sessions or 0
        if y_start <= start <= y_end:
            year[learner_id] += sessions or 0
    return {
        pk: Standing(
            term_days=Decimal(term[pk]) / 2,
            year_days=Decimal(year[pk]) / 2,
            policy=policy,
            permanent=pk in permanent,
        )
        for pk in learner_ids
    }


def standing_of(scope: Scope, learner: Learner) -> Standing | None:
    """The learner's standing, or None when the person does not see suspensions."""
    if not reaches_learner(scope, learner):
        return None
    return standings_of(scope.school.pk, [learner.pk], timezone.localdate())[learner.pk]


# The sessions of a suspension and the register's code E --------------------------


def sessions_of(
    calendar: SchoolCalendar, start: dt.date, start_session: str, count: int
) -> list[tuple[dt.date, str]]:
    """The register sessions a suspension covers: `count` half days from the
    start (school days only)."""
    out: list[tuple[dt.date, str]] = []
    day = start
    session = start_session
    while len(out) < count:
        if not calendar.covers(day):
            break
        if calendar.is_school_day(day):
            out.append((day, session))
            if session == "AM":
                session = "PM"
                continue
        session = "AM"
        day += dt.timedelta(days=1)
    return out


def calendar_for(school_id: int, start: dt.date, sessions: int) -> SchoolCalendar:
    return SchoolCalendar.load(school_id, start, start + dt.timedelta(days=sessions + 90))


@dataclass
class Mismatch:
    learner: Learner
    date: dt.date
    session: str
    code: str  # the register's code ("" when there is no mark yet)
    problem: str
    exclusion: Exclusion | None = None


@dataclass
class Reconciliation:
    rows: list[Mismatch] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None


def reconciliation_for(scope: Scope, *, learner: Learner | None = None) -> Reconciliation:
    """Code E against the suspensions of this school year: a suspended session
    not marked E, and an E outside any suspension (or after a permanent
    exclusion's first day, which is not a mismatch). A fixed number of queries."""
    require_exclusions(scope)
    school_id = scope.school.pk
    today = timezone.localdate()
    y_start, y_end = year_of(school_id, today)
    exclusions = list(exclusions_for(scope).filter(start_date__gte=y_start, start_date__lte=y_end))
    if learner is not None:
        exclusions = [e for e in exclusions if e.learner_id == learner.pk]
    calendar = SchoolCalendar.load(school_id, y_start, y_end + dt.timedelta(days=120))
    expected: dict[tuple[int, dt.date, str], Exclusion] = {}
    permanent_from: dict[int, dt.date] = {}
    for ex in exclusions:
        if ex.is_permanent:
            permanent_from[ex.learner_id] = min(
                ex.start_date, permanent_from.get(ex.learner_id, ex.start_date)
            )
            continue
        for day, session in sessions_of(
            calendar, ex.start_date, ex.start_session, ex.sessions or 0
        ):
            expected[(ex.learner_id, day, session)] = ex
    if learner is not None:
        ids: list[int] | None = [learner.pk]
    elif scope.roles & WHOLE_SCHOOL_ROLES:
        ids = None
    else:
        ids = list(Learner.objects.filter(exclusion_reach(scope)).values_list("pk", flat=True))
    last = max([y_end, *(k[1] for k in expected)])
    e_marks = providers.marks_between(
        school_id, y_start, last, learner_ids=ids, code=rules.ATTENDANCE_CODE
    )
    suspended_ids = sorted({k[0] for k in expected})
    marks = {
        (lid, day, session): code
        for lid, day, session, code in providers.marks_between(
            school_id, y_start, last, learner_ids=suspended_ids
        )
    }
    found: list[tuple[int, dt.date, str, str, str, Exclusion | None]] = []
    for key, ex in expected.items():
        code = marks.get(key, "")
        if code != rules.ATTENDANCE_CODE:
            problem = (
                f"Suspended ({ex.reference}) but marked {code}"
                if code
                else f"Suspended ({ex.reference}); no mark yet (should be E)"
            )
            found.append((key[0], key[1], key[2], code, problem, ex))
    for lid, day, session, code in e_marks:
        if (lid, day, session) in expected:
            continue
        if lid in permanent_from and day >= permanent_from[lid]:
            continue
        found.append((lid, day, session, code, "Marked E with no suspension recorded", None))
    learners = {
        x.pk: x
        for x in Learner.objects.filter(pk__in={row[0] for row in found}).select_related(
            "year_group", "reg_group"
        )
    }
    rows = [
        Mismatch(learners[lid], day, session, code, problem, ex)
        for lid, day, session, code, problem, ex in found
        if lid in learners
    ]
    rows.sort(key=lambda m: (m.date, m.session, m.learner.last_name, m.learner.pk))
    return Reconciliation(rows=rows, start=y_start, end=last)


@dataclass
class LetterDates:
    return_on: dt.date | None  # the first school day back (suspensions)
    day_six: dt.date | None  # the sixth school day (suspensions over five days)


def letter_dates(exclusion: Exclusion) -> LetterDates:
    """The dates the parents' letter gives: one calendar query."""
    if exclusion.is_permanent or not exclusion.sessions:
        return LetterDates(None, None)
    calendar = calendar_for(exclusion.school_id, exclusion.start_date, exclusion.sessions + 2)
    covered = sessions_of(
        calendar, exclusion.start_date, exclusion.start_session, exclusion.sessions + 1
    )
    return_on = covered[-1][0] if len(covered) > exclusion.sessions else None
    day_six = None
    if exclusion.needs_day_six:
        index = 2 * rules.DAY_SIX_AFTER_DAYS
        day_six = covered[index][0] if len(covered) > index else None
    return LetterDates(return_on, day_six)
