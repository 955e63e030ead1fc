"""A head of year records a two-day suspension (the head's decision) from the
learner's behaviour page: the parents' letter reads right, the notice to the
local authority is due on the queue, the attendance page shows code E on the
first day, and the Code E check lists the session the register has wrong.
The pages pass axe at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from behaviour.models import Exclusion
from pastoral.calendar import SchoolCalendar
from tests.behaviour.conftest import pdf_text
from tests.behaviour.helpers import incident
from tests.browser.test_accessibility import WIDTHS, _violations


def _last_two_school_days(school_id: int) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    calendar = SchoolCalendar.load(school_id, today - dt.timedelta(days=40), today)
    days = calendar.school_days(today - dt.timedelta(days=40), today)
    return days[-2], days[-1]


def test_a_head_of_year_records_a_two_day_suspension(
    page: Any, browser_login: Any, world: Any
) -> None:
    hoy = world.user("hoy")
    learner = world.learner9
    first, second = _last_two_school_days(world.school.pk)
    bad = incident(learner, world.user("staff"), note="Threatened a lunchtime supervisor")
    # The office marked E on the first day when the head phoned; the second
    # morning's register was taken as present by mistake.
    for session in ("AM", "PM"):
        Mark.objects.create(
            school=world.school, learner=learner, date=first, session=session, code="E"
        )
    Mark.objects.create(school=world.school, learner=learner, date=second, session="AM", code="/")

    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(hoy)
    page.goto(reverse("behaviour:learner", args=[learner.pk]))
    page.get_by_role("link", name="Record a suspension or exclusion").click()
    page.wait_for_url(f"**/behaviour/learners/{learner.pk}/exclusion/")
    page.get_by_label("Reason (DfE category)").select_option("VA")
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Length in sessions").fill("4")
    page.get_by_label("Decided by (headteacher)").fill("Mrs Hilda Head")
    page.get_by_label(bad.reference, exact=False).check()
    page.get_by_role("button", name="Record").click()
    found = Exclusion.objects.get(learner=learner)
    page.wait_for_url(f"**/behaviour/exclusions/{found.pk}/")
    assert page.get_by_text("2 school days (4 sessions)").is_visible()
    assert page.get_by_text("Local authority (Every suspension").is_visible()
    assert list(found.incidents.all()) == [bad]

    letter = page.request.get(reverse("behaviour:exclusion-letter", args=[found.pk]))
    text = pdf_text(letter.body())
    assert f"Suspension of {learner.display_name}" in text
    assert "suspend Nina Nine (Year 9)" in text and "for 2 school days" in text
    assert "Verbal abuse or threatening behaviour against an adult" in text
    assert f"{first:%-d %b %Y}" in text and f"{second:%-d %b %Y}" in text
    assert "right to make representations" in text
    assert "Mrs Hilda Head" in text

    page.goto(reverse("behaviour:exclusion-notices"))
    row = page.get_by_role("row").filter(has_text=found.reference)
    assert row.get_by_role("rowheader").inner_text() == "Local authority"
    assert row.get_by_role("button", name="Record as sent").is_visible()

    page.goto(reverse("attendance:learner", args=[learner.pk]))
    morning = page.locator(".heatmap-cell").filter(has_text=f"{first:%a %-d %b}").first
    assert " ".join(morning.inner_text().split()).startswith(f"{first:%a %-d %b} E Suspended")
    assert "Suspended or excluded" in page.locator(".heatmap-legend").inner_text()

    page.goto(reverse("behaviour:exclusion-mismatches"))
    table = page.get_by_role("region", name="Mismatches").inner_text()
    assert f"Suspended ({found.reference}) but marked /" in table
    assert f"Suspended ({found.reference}); no mark yet" in table
    assert table.count(found.reference) == 2  # second day AM and PM; the first day is E

    visited = [
        reverse("behaviour:exclusion-create", args=[learner.pk]),
        reverse("behaviour:exclusion-detail", args=[found.pk]),
        reverse("behaviour:exclusion-list"),
        reverse("behaviour:exclusion-notices"),
        reverse("behaviour:exclusion-mismatches"),
        reverse("behaviour:learner", args=[learner.pk]),
    ]
    problems = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in visited:
            page.goto(url)
            if found_problems := _violations(page):
                problems[f"{url} @ {width}px"] = found_problems
    assert problems == {}
