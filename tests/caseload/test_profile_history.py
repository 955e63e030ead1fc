"""The learner profile of a learner with years of history: the same number of
queries however long the history, every section read once, the timeline paged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance.models import Intervention as AttendanceIntervention
from attendance.models import Target as AttendanceTarget
from attendance.models import TargetReview
from caseload import selectors
from tests.caseload.factories import (
    allocate,
    make_contact,
    make_group,
    make_plan,
    make_session,
    today,
)
from tests.conftest import sign_in
from tests.factories import ContactFactory
from tests.safeguarding.helpers import log_concern


def _history(world: Any, n: int, *, start: int = 0) -> None:
    """n more of everything the profile shows or merges into its timeline, for learner9."""
    learner, support = world.learner9, world.user("support")
    for i in range(start, start + n):
        days = 30 * i + 1
        make_plan(learner, targets=2, start_days_ago=days)
        make_contact(learner, days_ago=days, owner=support)
        ContactFactory(learner=learner, name=f"Carer {i}")
        make_session(make_group(support, [learner], name=f"Group {i}"), {learner: "present"})
        allocate(learner, world.user("dsl"), kind="supporting", days_ago=days)
        log_concern(
            world,
            "staff",
            [learner],
            description=f"Concern {i}",
            occurred_at=timezone.now() - dt.timedelta(days=days),
        )
        AttendanceIntervention.objects.create(
            school=world.school,
            learner=learner,
            kind=AttendanceIntervention.Kind.FIRST_DAY_CALL,
            date=today() - dt.timedelta(days=days),
            owner=support,
            created_by=support,
        )
        target = AttendanceTarget.objects.create(
            school=world.school,
            learner=learner,
            target_percent=95,
            baseline_percent=88,
            start=today() - dt.timedelta(days=days),
            review_date=today() - dt.timedelta(days=days - 1),
            owner=support,
            created_by=support,
        )
        TargetReview.objects.create(
            target=target, outcome=TargetReview.Outcome.PROGRESS, reviewed_by=support
        )


def _count(client: Any, url: str) -> tuple[int, str]:
    client.get(url)  # warm-up: the audit chain head, the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def test_the_profile_costs_the_same_with_five_times_the_history(world: Any, client: Any) -> None:
    sign_in(client, world.user("support"), school=world.school)
    url = f"/caseload/learners/{world.learner9.pk}/"
    _history(world, 2)
    small, html = _count(client, url)
    assert "Older entries" not in html
    _history(world, 10, start=2)
    large, html = _count(client, url)
    assert small == large
    # The history is longer than a page: the timeline is cut, with a link to older entries.
    assert html.count('class="mb-2 border-start ps-2"') == selectors.TIMELINE
    assert 'href="?timeline=2#h-timeline"' in html
    # Page 2 costs the same again and links back.
    second, html2 = _count(client, url + "?timeline=2")
    assert second == large
    assert 'href="?timeline=1#h-timeline"' in html2 and "(page 2)" in html2


def test_the_profile_selector_does_not_grow_with_history(
    world: Any, scope_of: Any, django_assert_num_queries: Any
) -> None:
    _history(world, 1)
    scope = scope_of("support")
    with CaptureQueriesContext(connection) as first:
        selectors.learner_profile_for(scope, world.learner9.pk)
    _history(world, 8, start=1)
    with django_assert_num_queries(len(first.captured_queries)):
        profile = selectors.learner_profile_for(scope, world.learner9.pk)
    assert len(profile.concerns or []) == selectors.RECENT
    assert len(profile.sessions) == len(profile.contacts) == selectors.RECENT
    assert len(profile.timeline) == selectors.TIMELINE and profile.timeline_more


def test_the_timeline_pages_are_in_order_and_do_not_overlap(world: Any, scope_of: Any) -> None:
    _history(world, 12)
    scope = scope_of("support")
    pages = [
        selectors.learner_profile_for(scope, world.learner9.pk, timeline_page=n).timeline
        for n in (1, 2)
    ]
    both = pages[0] + pages[1]
    assert [e.when for e in both] == sorted((e.when for e in both), reverse=True)
    assert len(pages[0]) == len(pages[1]) == selectors.TIMELINE
    # Page 2 starts where page 1 stopped: the newest entries of a two-page read are page 1.
    assert pages[1][0].when <= pages[0][-1].when
    # Nonsense pages fall back to the first.
    first = selectors.learner_profile_for(scope, world.learner9.pk, timeline_page=-4)
    assert first.timeline == pages[0] and first.timeline_page == 1


def test_the_concerns_section_lists_the_newest_visible_concerns(world: Any, client: Any) -> None:
    _history(world, 7)
    sign_in(client, world.user("support"), school=world.school)
    html = client.get(f"/caseload/learners/{world.learner9.pk}/").content.decode()
    section = html[html.index('id="h-concerns"') : html.index('id="h-plans"')]
    assert section.count("/safeguarding/concerns/") == selectors.RECENT
    assert "Family" in section  # the concern's categories


def test_allocate_is_offered_only_to_those_who_may_allocate(world: Any, client: Any) -> None:
    allocate(world.learner10, world.user("dsl"))
    sign_in(client, world.user("senco"), school=world.school)
    html = client.get(f"/caseload/learners/{world.learner10.pk}/").content.decode()
    assert "/caseload/allocations/new/?learner=" in html and "/end/" in html
    sign_in(client, world.user("support"), school=world.school)
    html = client.get(f"/caseload/learners/{world.learner9.pk}/").content.decode()
    assert "/caseload/allocations/new/" not in html
