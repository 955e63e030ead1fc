"""Who sees which concern, and how much of it (ACCESS.md, safeguarding visibility)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from safeguarding import selectors, services
from safeguarding.models import ConcernShare
from tests.conftest import ROLES, sign_in
from tests.factories import UserFactory, member
from tests.safeguarding.helpers import log_concern, scope_of, share, triage


def visible_to(world: Any, role: str) -> set[int]:
    return set(selectors.concerns_for(scope_of(world, role)).values_list("pk", flat=True))


PASTORAL9 = {"staff", "support", "hoy", "senco", "dsl"}


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_pastoral_concern_to_the_learners_team_and_its_author(
    world: Any, role: str
) -> None:
    concern = log_concern(world, "staff", [world.learner9])
    assert (concern.pk in visible_to(world, role)) == (role in PASTORAL9)


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_a_pastoral_concern_outside_the_year_and_caseload_from_hoy_and_key_worker(
    world: Any, role: str
) -> None:
    concern = log_concern(world, "staff", [world.learner10])
    assert (concern.pk in visible_to(world, role)) == (role in {"staff", "senco", "dsl"})


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_restricted_concern_only_to_dsls_and_the_author(world: Any, role: str) -> None:
    concern = log_concern(world, "staff", [world.learner9], restricted=True)
    assert (concern.pk in visible_to(world, role)) == (role in {"staff", "dsl"})


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_shared_restricted_concern_to_the_named_person(world: Any, role: str) -> None:
    concern = log_concern(world, "staff", [world.learner10], restricted=True)
    share(world, concern, "hoy")
    assert (concern.pk in visible_to(world, role)) == (role in {"staff", "hoy", "dsl"})


def test_it_stops_showing_a_share_once_expired_or_withdrawn(world: Any) -> None:
    concern = log_concern(world, "staff", restricted=True)
    row = share(world, concern, "senco", expires_at=timezone.now() + dt.timedelta(hours=1))
    assert concern.pk in visible_to(world, "senco")
    ConcernShare.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert concern.pk not in visible_to(world, "senco")
    second = share(world, concern, "senco")
    assert concern.pk in visible_to(world, "senco")
    services.share_withdraw(
        scope=scope_of(world, "dsl"), share=selectors.share_for(scope_of(world, "dsl"), second.pk)
    )
    assert concern.pk not in visible_to(world, "senco")
    actions = list(
        AuditEvent.objects.filter(action__startswith="safeguarding.concern.share").values_list(
            "action", flat=True
        )
    )
    assert actions.count("safeguarding.concern.shared") == 2
    assert actions.count("safeguarding.concern.share_withdrawn") == 1


def test_it_refuses_an_expiry_in_the_past(world: Any) -> None:
    from django.core.exceptions import ValidationError

    concern = log_concern(world, "staff", restricted=True)
    with pytest.raises(ValidationError):
        share(world, concern, "senco", expires_at=timezone.now() - dt.timedelta(hours=1))


def test_it_refuses_to_share_a_pastoral_concern(world: Any) -> None:
    from django.core.exceptions import ValidationError

    concern = log_concern(world, "staff")
    with pytest.raises(ValidationError):
        share(world, concern, "senco")


def test_it_never_shows_another_schools_concern(world: Any) -> None:
    concern = log_concern(world, "staff")
    outsider_scope = __import__("pastoral.access", fromlist=["scope_for"]).scope_for(
        world.outsider, world.other_school
    )
    assert not selectors.concerns_for(outsider_scope).filter(pk=concern.pk).exists()


def test_the_author_sees_their_words_but_not_what_the_dsl_did(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff", description="Bruise on left arm, said she fell.")
    triage(world, concern, "restricted")
    services.action_record(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        kind="police",
        details="Called the police liaison officer",
        outcome="Visit arranged",
        taken_on=timezone.localdate(),
    )
    services.entry_add_follow_up(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        text="DSL note: spoke to social worker",
    )
    services.entry_add_follow_up(
        scope=scope_of(world, "staff"),
        concern=selectors.concern_for(scope_of(world, "staff"), concern.pk),
        text="She mentioned it again at lunch",
    )
    record = selectors.concern_record_for(scope_of(world, "staff"), concern.pk)
    assert record.full_access is False
    assert [e.text for e in record.entries] == ["She mentioned it again at lunch"]
    assert record.actions == [] and record.shares == [] and record.linked == []
    sign_in(client, world.user("staff"), school=world.school)
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert "Bruise on left arm" in page and "again at lunch" in page
    for secret in ("police", "social worker", "Call social care", "Restricted", "Triage"):
        assert secret not in page, secret


def test_the_authors_timeline_holds_only_their_part(world: Any) -> None:
    concern = log_concern(world, "staff", restricted=True)
    services.action_record(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        kind="social_care",
        details="MASH referral",
        outcome="",
        taken_on=timezone.localdate(),
    )
    staff_kinds = {
        e.kind for e in selectors.timeline_entries_for(scope_of(world, "staff"), world.learner9)
    }
    dsl_kinds = {
        e.kind for e in selectors.timeline_entries_for(scope_of(world, "dsl"), world.learner9)
    }
    assert staff_kinds == {"concern"}
    assert {"concern", "concern-action"} <= dsl_kinds
    staff_entry = selectors.timeline_entries_for(scope_of(world, "staff"), world.learner9)[0]
    assert staff_entry.level == ""  # the author is not told it is restricted


def test_attachments_go_only_to_those_who_may_see_them(world: Any, client: Any) -> None:
    from tests.safeguarding.helpers import pdf

    concern = log_concern(world, "staff", restricted=True, files=[pdf("mine.pdf")])
    dsl_entry = services.entry_add_follow_up(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        text="Social care letter attached",
        files=[pdf("letter.pdf")],
    )
    mine = concern.attachments.get(original_name="mine.pdf")
    letter = dsl_entry.attachments.get()
    expectations = {
        ("staff", mine.pk): 200,
        ("staff", letter.pk): 404,
        ("dsl", mine.pk): 200,
        ("dsl", letter.pk): 200,
        ("support", mine.pk): 404,
        ("hoy", letter.pk): 404,
        ("admin", mine.pk): 404,
    }
    for (role, pk), status in expectations.items():
        client.logout()
        sign_in(client, world.user(role), school=world.school)
        response = client.get(reverse("safeguarding:attachment", args=[pk]))
        assert response.status_code == status, (role, pk)
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="safeguarding.attachment.downloaded").count() == 3


def test_cp_chronology_is_for_dsls_only_and_in_time_order(world: Any) -> None:
    old = log_concern(
        world, "staff", restricted=True, occurred_at=timezone.now() - dt.timedelta(days=5)
    )
    new = log_concern(
        world, "staff", restricted=True, occurred_at=timezone.now() - dt.timedelta(days=1)
    )
    pastoral = log_concern(world, "staff")  # pastoral: in the CP file too (every level)
    services.action_record(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), old.pk),
        kind="social_care",
        details="Referral",
        outcome="",
        taken_on=timezone.localdate(),
    )
    concerns = selectors.cp_chronology_for(scope_of(world, "dsl"), world.learner9)
    assert [c.pk for c in concerns] == [old.pk, new.pk, pastoral.pk]
    assert [kind for _, kind, _ in concerns[0].timeline] == ["action"]
    for role in ("staff", "support", "hoy", "senco", "admin"):
        with pytest.raises(Http404):
            selectors.cp_chronology_for(scope_of(world, role), world.learner9)


def test_concerns_for_learner_lists_newest_first_and_respects_limit(world: Any) -> None:
    first = log_concern(world, occurred_at=timezone.now() - dt.timedelta(days=3))
    second = log_concern(world, occurred_at=timezone.now() - dt.timedelta(days=1))
    rows = selectors.concerns_for_learner(scope_of(world, "hoy"), world.learner9)
    assert [c.pk for c in rows] == [second.pk, first.pk]
    assert len(selectors.concerns_for_learner(scope_of(world, "hoy"), world.learner9, limit=1)) == 1
    assert selectors.concerns_for_learner(scope_of(world, "hoy"), world.learner10) == []


def test_a_member_of_two_schools_sees_only_the_current_schools_concerns(world: Any) -> None:
    dsl = world.user("dsl")
    member(dsl, world.other_school, "dsl")
    concern = log_concern(world, "staff")
    from pastoral.access import scope_for

    assert (
        not selectors.concerns_for(scope_for(dsl, world.other_school))
        .filter(pk=concern.pk)
        .exists()
    )
    _ = UserFactory


def test_restricted_records_ask_for_a_fresh_second_factor(world: Any, client: Any) -> None:
    from pastoral.accounts.otp import SESSION_OTP_AT

    restricted = log_concern(world, "staff", restricted=True)
    pastoral = log_concern(world, "staff")
    sign_in(client, world.user("dsl"), school=world.school)
    session = client.session
    session[SESSION_OTP_AT] = 0  # proved long ago
    session.save()
    for url in (
        reverse("safeguarding:concern-detail", args=[restricted.pk]),
        reverse("safeguarding:cp-file", args=[world.learner9.pk]),
        reverse("safeguarding:concern-triage", args=[restricted.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:step-up")), url
    assert client.get(reverse("safeguarding:concern-detail", args=[pastoral.pk])).status_code == 200
    # The author's own view of a restricted concern is not a restricted record.
    client.logout()
    sign_in(client, world.user("staff"), school=world.school)
    session = client.session
    session[SESSION_OTP_AT] = 0
    session.save()
    assert (
        client.get(reverse("safeguarding:concern-detail", args=[restricted.pk])).status_code == 200
    )
