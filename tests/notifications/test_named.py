"""Issue 18: in the app a notification names the learner it is about (resolved
when the page is shown, scoped to what the viewer may see now) and links to the
place to act; the list is grouped by kind, with "mark all read" per kind.
Stored titles, and e-mails, still carry no learner details."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral.notifications.models import Notification
from tests.conftest import sign_in


def _absent(world: Any, role: str, learner: Any) -> Notification:
    return Notification.objects.create(
        recipient=world.user(role),
        school=world.school,
        kind="attendance.persistent_absence",
        title=f"A learner is now persistently absent this year (ref L-{learner.pk})",
        url=reverse("attendance:learner", args=[learner.pk]),
        object_type="pastoral.learner",
        object_id=str(learner.pk),
    )


def _plain(world: Any, role: str) -> Notification:
    return Notification.objects.create(
        recipient=world.user(role),
        school=world.school,
        kind="role_request",
        title="A role request to decide (R-1)",
        url="/",
    )


def test_the_list_names_the_learner_and_links_to_the_place_to_act(world: Any, client: Any) -> None:
    note = _absent(world, "hoy", world.learner9)
    assert "Nina" not in note.title and "Nine" not in note.title
    sign_in(client, world.user("hoy"), school=world.school)
    text = client.get(reverse("notifications:list")).text
    assert "Nina Nine</span>: A learner is now persistently absent" in text
    opened = client.get(reverse("notifications:open", args=[note.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("attendance:learner", args=[world.learner9.pk])


def test_a_learner_the_viewer_may_not_see_is_not_named(world: Any, client: Any) -> None:
    # learner10 is outside the head of year's year: the title alone is shown.
    _absent(world, "hoy", world.learner10)
    sign_in(client, world.user("hoy"), school=world.school)
    text = client.get(reverse("notifications:list")).text
    assert "A learner is now persistently absent" in text
    assert "Tess" not in text and "Ten</span>" not in text


def test_it_groups_by_kind_and_marks_one_kind_read(world: Any, client: Any) -> None:
    absent = _absent(world, "dsl", world.learner9)
    request = _plain(world, "dsl")
    sign_in(client, world.user("dsl"), school=world.school)
    text = client.get(reverse("notifications:list")).text
    assert "A learner has become persistently absent" in text  # the kind's heading
    assert "Role request" in text
    response = client.post(
        reverse("notifications:read-all"), {"kind": "attendance.persistent_absence"}
    )
    assert response.status_code == 302
    absent.refresh_from_db()
    request.refresh_from_db()
    assert absent.read_at is not None and request.read_at is None
    client.post(reverse("notifications:read-all"))
    request.refresh_from_db()
    assert request.read_at is not None


def test_naming_costs_one_query_per_kind_of_object_not_per_row(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    _absent(world, "dsl", world.learner9)
    client.get(reverse("notifications:list"))
    with django_assert_num_queries(6):
        client.get(reverse("notifications:list"))
    for _ in range(10):
        _absent(world, "dsl", world.learner10)
    with django_assert_num_queries(6):
        text = client.get(reverse("notifications:list")).text
    assert text.count("Tess Ten</span>") == 10
