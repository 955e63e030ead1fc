"""A learner's record across the apps, written straight to the models for report tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from attendance.models import Mark as AttendanceMark
from attendance.models import Target as AttendanceTarget
from caseload.models import (
    AgreedAction,
    ContactLog,
    Intervention,
    Mark,
    Plan,
    Review,
    Session,
    Target,
    TargetProgress,
)
from pastoral.models import AcademicYear, Contact
from safeguarding.models import Concern, ConcernAction, ConcernEntry, ConcernLearner

NASTY = "<script>alert(1)</script> url(file:///etc/passwd) <b>bold</b>"


def concern(
    world: Any,
    learner: Any,
    *,
    text: str,
    restricted: bool = False,
    author: str = "staff",
    days_ago: int = 3,
    action: str = "",
    entry: str = "",
) -> Concern:
    when = timezone.now() - dt.timedelta(days=days_ago)
    c = Concern.objects.create(
        school=learner.school,
        author=world.user(author),
        occurred_at=when,
        submitted_at=when,
        description=text,
        level=Concern.Level.RESTRICTED if restricted else Concern.Level.PASTORAL,
        status=Concern.Status.OPEN,
    )
    ConcernLearner.objects.create(concern=c, learner=learner)
    if entry:
        ConcernEntry.objects.create(
            concern=c, kind=ConcernEntry.Kind.NOTE, author=world.user("dsl"), text=entry
        )
    if action:
        ConcernAction.objects.create(
            concern=c,
            kind=ConcernAction.Kind.SOCIAL_CARE,
            details="Referral made",
            outcome=action,
            recorded_by=world.user("dsl"),
        )
    return c


def full_record(world: Any, learner: Any | None = None, *, nasty: bool = False) -> dict[str, Any]:
    """Parents, attendance, a plan with a review, a 1:1 and a group intervention,
    a contact with an agreed action, one pastoral and one restricted concern."""
    learner = learner or world.learner9
    today = timezone.localdate()
    text = NASTY if nasty else "Upset at break"
    AcademicYear.objects.get_or_create(
        school=learner.school,
        name=f"{today.year - 1}/{str(today.year)[2:]}",
        defaults={"start": today - dt.timedelta(days=120), "end": today + dt.timedelta(days=200)},
    )
    Contact.objects.create(
        learner=learner, name="Pat Parent", relationship=Contact.Relationship.MOTHER, phone="0123"
    )
    for i in range(10):
        day = today - dt.timedelta(days=i + 1)
        AttendanceMark.objects.create(
            school=learner.school, learner=learner, date=day, session="AM", code="/" if i else "O"
        )
    AttendanceTarget.objects.create(
        school=learner.school,
        learner=learner,
        target_percent=95,
        baseline_percent=88,
        start=today - dt.timedelta(days=20),
        review_date=today + dt.timedelta(days=20),
        owner=world.user("hoy"),
        created_by=world.user("hoy"),
        notes="Target agreed with mum",
    )
    plan = Plan.objects.create(
        school=learner.school,
        learner=learner,
        type=Plan.Type.PSP,
        status=Plan.Status.ACTIVE,
        start=today - dt.timedelta(days=40),
        next_review=today + dt.timedelta(days=10),
        strategies=f"Weekly mentoring. {text}",
        learner_voice="I want to stay in lessons",
    )
    target = Target.objects.create(
        plan=plan, what="Attend every lesson", measure="Register", by_when=today, who="Learner"
    )
    review = Review.objects.create(
        plan=plan,
        date=today - dt.timedelta(days=5),
        summary="Good first month",
        outcome=Review.Outcome.CONTINUE,
        version_reviewed=1,
        reviewed_by=world.user("hoy"),
    )
    TargetProgress.objects.create(
        review=review, target=target, progress="good", evidence="Register shows 96%"
    )
    one = Intervention.objects.create(
        school=learner.school,
        name="Mentoring with Kim",
        kind=Intervention.Kind.MENTORING,
        one_to_one=True,
        leader=world.user("support"),
        start=today - dt.timedelta(days=30),
    )
    group = Intervention.objects.create(
        school=learner.school,
        name="ELSA group",
        kind=Intervention.Kind.ELSA,
        leader=world.user("support"),
        start=today - dt.timedelta(days=30),
    )
    s1 = Session.objects.create(
        intervention=one, date=today - dt.timedelta(days=7), notes="Talked about friendships"
    )
    s2 = Session.objects.create(
        intervention=group, date=today - dt.timedelta(days=6), notes="Other child Zed cried"
    )
    Mark.objects.create(session=s1, learner=learner, status=Mark.Status.PRESENT)
    Mark.objects.create(session=s2, learner=learner, status=Mark.Status.PRESENT)
    contact = ContactLog.objects.create(
        school=learner.school,
        learner=learner,
        kind=ContactLog.Kind.PHONE,
        when=timezone.now() - dt.timedelta(days=2),
        with_whom=ContactLog.With.LEARNER,
        summary=f"Phoned about attendance. {text}",
        recorded_by=world.user("hoy"),
    )
    AgreedAction.objects.create(
        contact=contact, action="Send timetable", owner=world.user("hoy"), due=today
    )
    pastoral = concern(
        world,
        learner,
        text=f"Pastoral worry: {text}",
        action="Monitoring agreed",
        entry="Seen by DSL",
    )
    restricted = concern(
        world,
        learner,
        text="RESTRICTED disclosure about home",
        restricted=True,
        action="MASH referral accepted",
        entry="Strategy meeting held",
    )
    return {"plan": plan, "pastoral": pastoral, "restricted": restricted, "contact": contact}
