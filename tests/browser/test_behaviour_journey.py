"""A teacher on a 390 px phone gives five learners a positive point (three
taps once the class list shows), logs a negative incident and issues a
detention from it; the detention is missed, escalates by the school's rule,
and the parents' letter for the longer one says so. The pages pass axe."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from behaviour.models import Detention, DetentionSession, Incident
from tests.behaviour.conftest import pdf_text
from tests.behaviour.helpers import next_weekday, session
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.factories import LearnerFactory


def test_a_teacher_logs_on_a_phone_and_a_missed_detention_escalates(
    page: Any, browser_login: Any, world: Any
) -> None:
    teacher = world.user("staff")
    group = world.learner9.reg_group
    group.tutor = teacher
    group.save()
    others = [
        LearnerFactory(
            year_group=world.year9, reg_group=group, legal_first_name=n, legal_last_name="Ash"
        )
        for n in ["Abe", "Bea", "Cal", "Dev", "Eve"]
    ]
    after_school = session(
        world.school, world.user("hoy"), date=next_weekday(3), supervisor=teacher
    )

    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(teacher)
    page.goto(reverse("behaviour:home"))
    page.get_by_role("link", name="9A").click()
    page.wait_for_url(f"**/behaviour/classes/{group.pk}/")

    # Three taps: select all, untick one, the type button (which submits).
    page.get_by_label("Select all").check()
    page.get_by_label("Eve Ash").uncheck()
    page.get_by_role("button", name="Excellent work").click()
    assert page.get_by_role("status").filter(has_text="Excellent work (+2) logged for").is_visible()
    praised = set(Incident.objects.filter(kind="positive").values_list("learner_id", flat=True))
    assert praised == {world.learner9.pk, *[o.pk for o in others[:4]]}

    # A negative incident for one learner opens it, ready for a detention.
    page.get_by_label("Nina Nine").check()
    page.get_by_text("Points, note, lesson and room (optional)").click()
    page.get_by_label("Note").fill("Shouted at the supply teacher")
    page.get_by_role("button", name="Rudeness to staff").click()
    incident = Incident.objects.get(kind="negative")
    page.wait_for_url(f"**/behaviour/incidents/{incident.pk}/")
    assert page.get_by_role("link", name="Raise a safeguarding concern").is_visible()
    page.get_by_role("link", name="Issue a detention").click()
    page.get_by_label("Session").select_option(str(after_school.pk))
    page.get_by_role("button", name="Issue the detention").click()
    first = Detention.objects.get(incident=incident)
    page.wait_for_url(f"**/behaviour/detentions/{first.pk}/")
    visited = [page.url]

    # The day of the detention comes (the session moves to today), and she supervises it.
    DetentionSession.objects.filter(pk=after_school.pk).update(date=timezone.localdate())
    page.goto(reverse("behaviour:session-detail", args=[after_school.pk]))
    page.get_by_role("button", name=re.compile(r"^Missed\W+Nina Nine$")).click()
    assert page.get_by_role("status").filter(has_text="escalated to").is_visible()
    first.refresh_from_db()
    assert first.status == Detention.Status.MISSED
    longer = Detention.objects.get(escalated_from=first)
    assert longer.session.type.name == "Extended after-school detention"
    assert longer.session.starts_at >= timezone.now() + dt.timedelta(hours=23)

    page.goto(reverse("behaviour:detention-detail", args=[first.pk]))
    page.get_by_role("link", name=str(longer.session)).click()
    page.wait_for_url(f"**/behaviour/detentions/{longer.pk}/")
    letter = page.request.get(reverse("behaviour:detention-letter", args=[longer.pk]))
    text = pdf_text(letter.body())
    day = longer.session.date
    assert "Nina Nine (9A) has been given a extended after-school detention of 90 minutes" in text
    assert f"{day:%A} {day.day} {day:%B %Y}" in text and "15:15 to 16:45" in text
    assert "This detention replaces the after-school detention of" in text
    assert "at least 24 hours' notice" in text

    visited += [
        reverse("behaviour:home"),
        reverse("behaviour:log", args=[group.pk]),
        reverse("behaviour:incident-detail", args=[incident.pk]),
        reverse("behaviour:incident-detention", args=[incident.pk]),
        reverse("behaviour:session-detail", args=[after_school.pk]),
        reverse("behaviour:detention-detail", args=[longer.pk]),
        reverse("behaviour:incident-list"),
        reverse("behaviour:sessions"),
    ]
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in visited:
            page.goto(url)
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    assert found == {}


def test_the_settings_and_learner_pages_pass_axe(page: Any, browser_login: Any, world: Any) -> None:
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    Incident.objects.create(
        school=world.school,
        learner=world.learner9,
        type=world.school.behaviour_types.get(name="Excellent work"),
        kind="positive",
        points=2,
        created_by=world.user("senco"),
    )
    browser_login(world.user("senco"))
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in [
            reverse("behaviour:settings"),
            reverse("behaviour:learner", args=[world.learner9.pk]),
            reverse("behaviour:leaderboard"),
            reverse("caseload:profile", args=[world.learner9.pk]),
        ]:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    assert found == {}
