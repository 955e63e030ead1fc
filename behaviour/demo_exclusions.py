"""Demo suspensions and one permanent exclusion, matching the register.

The attendance demo puts code E on a few runs of days (attendance/demo_suspensions.py);
this reads them through pastoral.providers (behaviour may not import attendance)
and records each run as the suspension behind it, the run reaching today as a
permanent exclusion pending the governors' review. Notices: the older ones sent,
the recent ones due; the returns have their reintegration meetings. Bulk
inserts, no audit events (like the rest of the demo).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from behaviour import exclusion_rules as rules
from behaviour.models import Exclusion, ExclusionNotice, Incident, Kind
from behaviour.selectors.exclusions import has_social_worker
from pastoral import providers
from pastoral.calendar import SchoolCalendar
from pastoral.demo import DemoContext, academic_year_start
from pastoral.models import Learner, Role

REASONS = ["VA", "PP", "PD", "DM", "VP", "US"]


def seed(ctx: DemoContext) -> None:
    school = ctx.demo_school
    start = dt.date(academic_year_start(ctx.today), 9, 1)
    calendar = SchoolCalendar.load(school, start, ctx.today + dt.timedelta(days=30))
    days = calendar.school_days(start, ctx.today)
    index = {day: i for i, day in enumerate(days)}
    per_learner: dict[int, list[int]] = defaultdict(list)
    for learner_id, day, session, _code in providers.marks_between(
        school.pk, start, ctx.today, code=rules.ATTENDANCE_CODE
    ):
        if day in index:
            per_learner[learner_id].append(2 * index[day] + (session == "PM"))
    if not per_learner:
        return
    hoy = ctx.demo_users[Role.HEAD_OF_YEAR]
    head = school.headteacher or "Mrs Helen Ashworth"
    learners = Learner.objects.in_bulk(list(per_learner))
    rng = ctx.rng
    made: list[Exclusion] = []
    for learner_id, slots in sorted(per_learner.items()):
        slots.sort()
        runs: list[list[int]] = [[slots[0]]]
        for slot in slots[1:]:
            if slot == runs[-1][-1] + 1:
                runs[-1].append(slot)
            else:
                runs.append([slot])
        for run in runs:
            first, last = days[run[0] // 2], days[run[-1] // 2]
            permanent = last == ctx.today
            sessions = len(run)
            made.append(
                Exclusion(
                    school=school,
                    learner=learners[learner_id],
                    kind=Exclusion.Kind.PERMANENT if permanent else Exclusion.Kind.SUSPENSION,
                    reason=rng.choice(REASONS),
                    start_date=first,
                    start_session="PM" if run[0] % 2 else "AM",
                    sessions=None if permanent else sessions,
                    end_date=None if permanent else last,
                    decided_by=head,
                    day_six_provision=(
                        "Oakfield Learning Centre (the local authority's PRU), 9am to 3pm"
                        if not permanent and sessions > 2 * rules.DAY_SIX_AFTER_DAYS
                        else ""
                    ),
                    notes="Decided after the investigation meeting with the learner and parents.",
                    reintegration_on=(None if permanent else calendar.add_school_days(last, 1)),
                    reintegration_with=None if permanent else hoy,
                    recorded_by=hoy,
                )
            )
    made = Exclusion.objects.bulk_create(made)
    _link_incidents(made)
    _notices(ctx, made)


def _link_incidents(made: list[Exclusion]) -> None:
    through = Exclusion.incidents.through
    links = []
    for ex in made:
        found = (
            Incident.objects.filter(
                learner_id=ex.learner_id, kind=Kind.NEGATIVE, occurred_at__date__lte=ex.start_date
            )
            .order_by("-type__severity", "-occurred_at")
            .values_list("pk", flat=True)
            .first()
        )
        if found:
            links.append(through(exclusion_id=ex.pk, incident_id=found))
    through.objects.bulk_create(links, ignore_conflicts=True)


def _notices(ctx: DemoContext, made: list[Exclusion]) -> None:
    hoy = ctx.demo_users[Role.HEAD_OF_YEAR]
    notices = []
    for ex in made:
        due = [("la", "Every suspension or exclusion, without delay, whatever its length")]
        if has_social_worker(ex.learner):
            due.append(("social_worker", "The learner has a social worker"))
        if ex.learner.looked_after:
            due.append(("virtual_school", "The learner is looked after"))
        if ex.is_permanent:
            due.append(("governors", "A permanent exclusion"))
        recent = (ctx.today - ex.start_date).days < 7
        for to, why in due:
            sent = not recent
            notices.append(
                ExclusionNotice(
                    school=ex.school,
                    exclusion=ex,
                    to=to,
                    due_on=ex.start_date,
                    why=why,
                    sent_on=ex.start_date if sent else None,
                    sent_by=hoy if sent else None,
                    note="E-mail to the inclusion team" if sent else "",
                )
            )
    ExclusionNotice.objects.bulk_create(notices)
