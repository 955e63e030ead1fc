"""Investigations (each pupil's part only), the inbox order, the DSL dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeguarding import selectors, services
from safeguarding.models import Concern
from tests.conftest import sign_in
from tests.factories import LearnerFactory
from tests.safeguarding.helpers import log_concern, scope_of, triage


def test_each_pupils_chronology_shows_their_part_only(world: Any) -> None:
    dsl = scope_of(world, "dsl")
    concern = log_concern(
        world, learners=[world.learner9], description="Fight on the field at lunch"
    )
    inv = services.investigation_open(
        scope=dsl, concern=selectors.concern_for(dsl, concern.pk), title="Field fight"
    )
    witness = services.participant_add(
        scope=dsl,
        investigation=selectors.investigation_for(dsl, inv.pk),
        learner_id=world.learner10.pk,
        part="witness",
    )
    nina = inv.participants.get(learner=world.learner9)
    services.statement_add(
        scope=dsl,
        participant=selectors.participant_for(
            dsl, selectors.investigation_for(dsl, inv.pk), nina.pk
        ),
        text="NINA-STATEMENT: he pushed me",
    )
    services.statement_add(
        scope=dsl,
        participant=selectors.participant_for(
            dsl, selectors.investigation_for(dsl, inv.pk), witness.pk
        ),
        text="TESS-STATEMENT: I saw it",
    )
    services.participant_outcome(
        scope=dsl,
        participant=selectors.participant_for(
            dsl, selectors.investigation_for(dsl, inv.pk), witness.pk
        ),
        outcome="TESS-OUTCOME: thanked",
    )
    services.evidence_add(
        scope=dsl,
        investigation=selectors.investigation_for(dsl, inv.pk),
        source="CCTV",
        finding="Shows the push",
    )

    def texts(learner: Any) -> str:
        return " ".join(e.detail for e in selectors.timeline_entries_for(dsl, learner))

    assert "NINA-STATEMENT" in texts(world.learner9) and "TESS" not in texts(world.learner9)
    tess = texts(world.learner10)
    assert "TESS-STATEMENT" in tess and "TESS-OUTCOME" in tess and "NINA" not in tess
    # The head of year sees Nina's part (her year), and nothing about Tess.
    hoy = scope_of(world, "hoy")
    assert "NINA-STATEMENT" in " ".join(
        e.detail for e in selectors.timeline_entries_for(hoy, world.learner9)
    )
    # Tess is outside the head of year's years: her chronology is not theirs to open.
    assert not any("TESS" in e.detail for e in selectors.timeline_entries_for(hoy, world.learner9))


def test_the_author_cannot_open_the_investigation(world: Any, client: Any) -> None:
    concern = log_concern(world)
    dsl = scope_of(world, "dsl")
    inv = services.investigation_open(
        scope=dsl, concern=selectors.concern_for(dsl, concern.pk), title="Look into it"
    )
    sign_in(client, world.user("staff"), school=world.school)
    assert (
        client.get(reverse("safeguarding:investigation-detail", args=[inv.pk])).status_code == 404
    )
    client.logout()
    sign_in(client, world.user("hoy"), school=world.school)
    assert (
        client.get(reverse("safeguarding:investigation-detail", args=[inv.pk])).status_code == 200
    )


def test_the_inbox_lists_untriaged_first_then_oldest_first(world: Any) -> None:
    now = timezone.now()
    old_open = log_concern(world, occurred_at=now - dt.timedelta(days=9))
    triage(world, old_open, "pastoral")
    new_late = log_concern(world, occurred_at=now - dt.timedelta(hours=1))
    new_early = log_concern(world, occurred_at=now - dt.timedelta(hours=3))
    Concern.objects.filter(pk=new_early.pk).update(submitted_at=now - dt.timedelta(hours=2))
    closed = log_concern(world)
    closed.refresh_from_db()
    services.concern_close(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), closed.pk),
        version=closed.version,
        reason="Dealt with",
        rationale="Handled in school; threshold for referral not met",
    )
    order = [c.pk for c in selectors.inbox_for(scope_of(world, "dsl"))]
    assert order == [new_early.pk, new_late.pk, old_open.pk]
    counts = selectors.inbox_counts_for(scope_of(world, "dsl"))
    assert counts == {"untriaged": 2, "open": 1, "overdue": 0, "mine": 1}


def test_the_dashboard_shows_rising_counts_overdue_actions_and_weekly_chart(
    world: Any, client: Any
) -> None:
    world.school.rising_concern_count = 2
    world.school.rising_concern_days = 7
    world.school.save()
    quiet = LearnerFactory(
        year_group=world.year9, legal_first_name="Quinn", legal_last_name="Quiet"
    )
    now = timezone.now()
    for days in (1, 3):
        log_concern(world, learners=[world.learner9], occurred_at=now - dt.timedelta(days=days))
    log_concern(world, learners=[quiet], occurred_at=now - dt.timedelta(days=2))
    log_concern(world, learners=[quiet], occurred_at=now - dt.timedelta(days=30))
    concern = log_concern(world, learners=[world.learner10], categories=["Bullying"])
    services.action_record(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        kind="parent",
        details="Ring dad",
        outcome="",
        taken_on=timezone.localdate() - dt.timedelta(days=5),
        follow_up_due=timezone.localdate() - dt.timedelta(days=1),
    )
    data = selectors.dashboard_for(scope_of(world, "dsl"))
    assert [r["learner_id"] for r in data["rising"]] == [world.learner9.pk]
    assert [a.concern_id for a in data["overdue_actions"]] == [concern.pk]
    assert sum(b.count for b in data["weeks"]) == 5
    sign_in(client, world.user("dsl"), school=world.school)
    page = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert "Nina Nine" in page and "Quinn" not in page
    assert "<svg" in page and "5 concerns in 53 weeks" in page
    assert "Concerns per week as a table" in page


def test_categories_are_edited_per_school(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    url = reverse("safeguarding:categories")
    assert client.post(url, {"name": "County lines"}).status_code == 302
    duplicate = client.post(url, {"name": "County lines"})
    assert duplicate.status_code == 422
    client.logout()
    sign_in(client, world.user("staff"), school=world.school)
    assert "County lines" in client.get(reverse("safeguarding:concern-new")).content.decode()
