"""Suspensions and permanent exclusions: recording (and what is refused, with
the reason), the notices due, the parents' letter read back from the PDF, the
governors' flag, code E reconciled with the register, the reintegration
meeting's reminder, and who sees any of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from behaviour import services
from behaviour.exclusion_reminders import reintegration_meetings_due
from behaviour.models import Exclusion
from pastoral.access import scope_for
from pastoral.models import AuditEvent, Contact, Learner
from pastoral.notifications import services as notifications
from pastoral.notifications.models import Notification
from tests.behaviour.conftest import pdf_text
from tests.behaviour.exclusion_helpers import exclusion, school_day
from tests.behaviour.helpers import incident
from tests.conftest import sign_in
from tests.factories import LearnerFactory
from tests.people.factories import make_parent, make_restriction

pytestmark = pytest.mark.django_db


def _scope(world: Any, role: str = "hoy") -> Any:
    return scope_for(world.user(role), world.school)


def _form(world: Any, **over: Any) -> dict[str, Any]:
    data = {
        "kind": "suspension",
        "reason": "VA",
        "start_date": school_day(world.school.pk).isoformat(),
        "start_session": "AM",
        "sessions": "4",
        "decided_by": "Mrs Hilda Head",
    }
    data.update(over)
    return data


def _record(world: Any, role: str = "hoy", **over: Any) -> Exclusion:
    fields: dict[str, Any] = {
        "kind": "suspension",
        "reason": "VA",
        "start_date": school_day(world.school.pk),
        "sessions": 4,
        "decided_by": "Mrs Hilda Head",
    }
    fields.update(over)
    learner = fields.pop("learner", world.learner9)
    return services.exclusion_record(scope=_scope(world, role), learner=learner, **fields)


def test_a_head_of_year_records_a_suspension_and_the_local_authority_notice_is_due(
    world: Any, client: Any
) -> None:
    bad = incident(world.learner9, world.user("staff"), note="Swore at a teacher")
    sign_in(client, world.user("hoy"))
    url = reverse("behaviour:exclusion-create", args=[world.learner9.pk])
    response = client.post(url, _form(world, incidents=[bad.pk]))
    assert response.status_code == 302
    found = Exclusion.objects.get(learner=world.learner9)
    assert found.sessions == 4 and found.end_date == school_day(world.school.pk, n=2)
    assert list(found.incidents.all()) == [bad]
    assert [n.to for n in found.notices.all()] == ["la"]
    assert AuditEvent.objects.filter(action="behaviour.exclusion.recorded").count() == 1
    page = client.get(response["Location"])
    assert "2 school days" in page.text and "Local authority" in page.text


def test_the_social_worker_and_virtual_school_head_are_due_when_they_apply(world: Any) -> None:
    world.learner9.looked_after = True
    world.learner9.cp_status = Learner.Status.CIN
    world.learner9.save()
    found = _record(world)
    assert sorted(n.to for n in found.notices.all()) == ["la", "social_worker", "virtual_school"]
    # A social worker among the contacts counts too.
    make_parent(world.learner10, "Sam Social", relationship=Contact.Relationship.SOCIAL_WORKER)
    other = _record(world, role="senco", learner=world.learner10)
    assert sorted(n.to for n in other.notices.all()) == ["la", "social_worker"]


def test_a_permanent_exclusion_tells_the_la_and_the_governors(world: Any) -> None:
    found = _record(world, kind="permanent", sessions=None)
    assert found.sessions is None
    assert sorted(n.to for n in found.notices.all()) == ["governors", "la"]


def test_a_suspension_past_the_45_day_limit_is_refused_with_the_reason(
    world: Any, client: Any
) -> None:
    _record(world, sessions=80, day_six_provision="Riverside PRU")
    sign_in(client, world.user("hoy"))
    url = reverse("behaviour:exclusion-create", args=[world.learner9.pk])
    response = client.post(url, _form(world, sessions="12", day_six_provision="Riverside PRU"))
    assert response.status_code == 422
    assert "the limit is 45" in response.text and "already 40" in response.text
    assert Exclusion.objects.filter(learner=world.learner9).count() == 1


def test_more_than_five_days_needs_the_day_six_provision(world: Any) -> None:
    with pytest.raises(ValidationError) as err:
        _record(world, sessions=12)
    assert "day_six_provision" in err.value.message_dict
    assert not Exclusion.objects.exists()


def test_a_day_the_school_is_closed_is_refused(world: Any) -> None:
    day = timezone.localdate()
    while day.weekday() != 5:
        day += timezone.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        _record(world, start_date=day)
    assert "not a school day" in err.value.message_dict["start_date"][0]


def test_a_no_contact_parent_needs_acknowledging_before_the_letter_goes_to_them(
    world: Any, client: Any
) -> None:
    parent = make_parent(world.learner9, "Rex Restricted", parental_responsibility=True)
    make_restriction(parent)
    sign_in(client, world.user("hoy"))
    url = reverse("behaviour:exclusion-create", args=[world.learner9.pk])
    page = client.get(url)
    assert "Contact restriction: Rex Restricted" in page.text
    response = client.post(url, _form(world, letter_to=parent.pk))
    assert response.status_code == 422 and "no-contact restriction" in response.text
    assert not Exclusion.objects.exists()
    response = client.post(url, _form(world, letter_to=parent.pk, acknowledge_restriction="on"))
    assert response.status_code == 302
    found = Exclusion.objects.get()
    assert found.letter_to == parent and found.restriction_acknowledged
    letter = pdf_text(client.get(reverse("behaviour:exclusion-letter", args=[found.pk])).content)
    assert "Before sending: contact restrictions" in letter


def test_the_letter_gives_reason_length_dates_rights_day_six_and_contact(
    world: Any, client: Any
) -> None:
    world.school.phone = "01632 960000"
    world.school.email = "office@school.test"
    world.school.save()
    start = school_day(world.school.pk)
    found = _record(
        world,
        start_date=start,
        sessions=12,
        day_six_provision="<b>Riverside</b> & Partners PRU",
    )
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("behaviour:exclusion-letter", args=[found.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Suspension of " + world.learner9.display_name in text
    assert "Verbal abuse or threatening behaviour against an adult" in text
    assert "6 school days (12 sessions)" in text
    assert f"{start:%-d %b %Y}" in text
    assert f"{school_day(world.school.pk, n=6):%-d %b %Y}" in text  # last day
    assert f"{school_day(world.school.pk, n=6):%-d %b %Y}" in text
    assert "right to make representations" in text and "governing board" in text
    assert "<b>Riverside</b> & Partners PRU" in text  # escaped: shown, not run
    assert "01632 960000" in text and "office@school.test" in text
    assert "Mrs Hilda Head" in text


def test_notices_due_are_marked_sent_with_who_and_when(world: Any, client: Any) -> None:
    found = _record(world)
    notice = found.notices.get()
    sign_in(client, world.user("senco"))
    url = reverse("behaviour:exclusion-notices")
    page = client.get(url)
    assert "Local authority" in page.text and found.reference in page.text
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    refused = client.post(url, {"notice": notice.pk, "sent_on": tomorrow})
    assert refused.status_code == 422 and "cannot be in the future" in refused.text
    today = timezone.localdate().isoformat()
    assert (
        client.post(url, {"notice": notice.pk, "sent_on": today, "note": "LA portal"}).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.sent_on == timezone.localdate() and notice.sent_by == world.user("senco")
    assert "Local authority told about" in client.get(url).text  # the message, once
    assert found.reference not in client.get(url).text
    assert "LA portal" in client.get(url + "?show=sent").text


def test_the_governors_flag_shows_past_five_days_in_a_term(world: Any, client: Any) -> None:
    first = _record(world, sessions=6)
    assert [n.to for n in first.notices.all()] == ["la"]
    second = _record(world, start_date=school_day(world.school.pk, n=5), sessions=6)
    assert sorted(n.to for n in second.notices.all()) == ["governors", "la"]
    sign_in(client, world.user("hoy"))
    learner_page = client.get(reverse("behaviour:learner", args=[world.learner9.pk]))
    assert "Governors&#x27; review" in learner_page.text or "Governors' review" in learner_page.text
    assert "parents may ask the governing board" in learner_page.text
    queue = client.get(reverse("behaviour:exclusion-notices"))
    assert "parents may ask the governing board" in queue.text


def test_code_e_is_reconciled_with_the_suspension_days(world: Any, client: Any) -> None:
    day1 = school_day(world.school.pk)
    day2 = school_day(world.school.pk, n=2)
    _record(world, start_date=day1, sessions=4)
    for session in ("AM", "PM"):
        Mark.objects.create(
            school=world.school, learner=world.learner9, date=day1, session=session, code="E"
        )
    Mark.objects.create(
        school=world.school, learner=world.learner9, date=day2, session="AM", code="E"
    )
    Mark.objects.create(
        school=world.school, learner=world.learner9, date=day2, session="PM", code="/"
    )
    # An E with no suspension behind it.
    Mark.objects.create(
        school=world.school, learner=world.learner10, date=day1, session="AM", code="E"
    )
    sign_in(client, world.user("senco"))
    page = client.get(reverse("behaviour:exclusion-mismatches"))
    assert "but marked /" in page.text
    assert "Marked E with no suspension recorded" in page.text
    assert page.text.count("<tr>") == 3  # the header and the two mismatches
    # The head of year sees their own year's only.
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("behaviour:exclusion-mismatches"))
    assert "but marked /" in page.text and "Marked E with no suspension" not in page.text
    csv = client.get(reverse("behaviour:exclusion-mismatches") + "?export=csv")
    assert "but marked /" in b"".join(csv.streaming_content).decode()


def test_the_reintegration_meeting_is_reminded_once(world: Any, client: Any) -> None:
    found = _record(world)
    on = school_day(world.school.pk, n=3)
    sign_in(client, world.user("hoy"))
    url = reverse("behaviour:exclusion-detail", args=[found.pk])
    past = client.post(url, {"on": "2020-01-06", "with_user": world.user("hoy").pk})
    assert past.status_code == 422 and "cannot be before" in past.text
    assert (
        client.post(url, {"on": on.isoformat(), "with_user": world.user("hoy").pk}).status_code
        == 302
    )
    day_before = school_day(world.school.pk, n=2)
    assert list(reintegration_meetings_due(world.school, timezone.localdate())) == []
    dues = list(reintegration_meetings_due(world.school, day_before))
    assert [(d.recipient_id, d.due_date) for d in dues] == [(world.user("hoy").pk, on)]
    assert world.learner9.legal_last_name not in dues[0].title
    notifications.reminders_run(today=day_before)
    notifications.reminders_run(today=on)
    assert (
        Notification.objects.filter(
            recipient=world.user("hoy"), kind="behaviour.reintegration_due"
        ).count()
        == 1
    )


def test_staff_tutors_and_the_administrator_never_see_a_suspension(world: Any, client: Any) -> None:
    found = exclusion(world.learner9, world.user("dsl"))
    group = world.learner9.reg_group
    group.tutor = world.user("staff")
    group.save()
    for role in ("staff", "support", "admin"):
        sign_in(client, world.user(role))
        assert client.get(reverse("behaviour:exclusion-detail", args=[found.pk])).status_code == 404
    sign_in(client, world.user("staff"))
    page = client.get(reverse("behaviour:learner", args=[world.learner9.pk]))
    assert page.status_code == 200 and found.reference not in page.text


# Session, standing, school, audit insert and the savepoints around it, plus the page's own reads.
PINNED = {"exclusion-list": 9, "exclusion-notices": 9, "exclusion-mismatches": 9}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_list_pages_take_a_pinned_number_of_queries(
    world: Any, client: Any, django_assert_num_queries: Any, name: str
) -> None:
    sign_in(client, world.user("dsl"))
    for learner in [
        world.learner9,
        world.learner10,
        *LearnerFactory.create_batch(6, year_group=world.year9),
    ]:
        exclusion(learner, world.user("dsl"))
    url = reverse(f"behaviour:{name}")
    client.get(url)  # the standing is cached after the first request
    with django_assert_num_queries(PINNED[name]):
        response = client.get(url)
    assert response.status_code == 200 and "EX-" in response.text
