"""Placing and lifting holds, and a school's own rule, through the pages: audited,
and the admin never sees (or lifts) a safeguarding hold."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral.models import AuditEvent, LegalHold, RetentionRule
from tests.conftest import sign_in
from tests.retention.data import cp_file, hold, make_leaver, old_enough


def test_the_dsl_places_a_hold_from_the_review_page(world: Any, client: Any) -> None:
    make_leaver(world.learner9, born=old_enough())
    cp_file(world, world.learner9)
    sign_in(client, world.user("dsl"))
    url = reverse("retention:hold-place", args=["cp-file", world.learner9.pk])
    response = client.post(url, {"reason": "investigation", "details": ""})
    assert response.status_code == 422 and "This field is required" in response.text
    response = client.post(url, {"reason": "investigation", "details": "Police ref 44/2026"})
    assert response.status_code == 302
    placed = LegalHold.objects.get()
    assert placed.covers == LegalHold.Covers.SAFEGUARDING and placed.placed_by == world.user("dsl")
    assert AuditEvent.objects.filter(
        action="retention.hold.placed", learner=world.learner9
    ).exists()
    page = client.get(reverse("retention:review", args=["cp-file", world.learner9.pk])).text
    assert "Police ref 44/2026" in page and "On legal hold" in page


def test_the_admin_neither_sees_nor_lifts_a_safeguarding_hold(world: Any, client: Any) -> None:
    make_leaver(world.learner9, born=old_enough())
    cp_file(world, world.learner9)
    placed = hold(world, world.learner9)
    sign_in(client, world.user("admin"))
    assert "Nina Nine" not in client.get(reverse("retention:holds")).text
    response = client.post(reverse("retention:hold-lift", args=[placed.pk]), {"reason": "x"})
    assert response.status_code == 404
    placed.refresh_from_db()
    assert placed.in_force


def test_a_school_rule_changes_when_records_fall_due(world: Any, client: Any) -> None:
    from tests.retention.test_queue import _behaviour

    make_leaver(world.learner9, born=old_enough())  # left 11 years ago
    _behaviour(world, world.learner9)
    sign_in(client, world.user("admin"))
    queue = reverse("retention:queue", args=["records"])
    assert "Nina Nine" in client.get(queue).text
    url = reverse("retention:rule-edit", args=["behaviour"])
    response = client.post(url, {"years": 15, "reason": ""})
    assert response.status_code == 422 and "Say why" in response.text
    assert client.post(url, {"years": 15, "reason": "Trust policy"}).status_code == 302
    assert RetentionRule.objects.get().years == 15
    assert "Nina Nine" not in client.get(queue).text  # now due in 4 years
    rules = client.get(reverse("retention:rules")).text
    assert "Date the learner left + 15 years" in rules and "Trust policy" in rules
    assert "Child-protection file" not in rules  # the DSL's rule
    # Back to the school's setting.
    assert client.post(url, {"years": "", "reason": ""}).status_code == 302
    assert not RetentionRule.objects.exists()
    assert AuditEvent.objects.filter(action="retention.rule.updated").count() == 2
