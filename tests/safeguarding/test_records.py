"""Append-only record, corrections, optimistic locking, bad input, search, query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from safeguarding import selectors, services
from safeguarding.models import Concern, ConcernDraft, ConcernEntry
from tests.conftest import sign_in
from tests.factories import LearnerFactory
from tests.safeguarding.helpers import (
    EXE_BYTES,
    PNG_BYTES,
    category,
    log_concern,
    pdf,
    scope_of,
    triage,
)


def _form(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "learners": [world.learner9.pk],
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "location": "Library",
        "description": "Said someone took his phone and won't give it back.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Append-only ------------------------------------------------------------------


def test_there_is_no_url_to_edit_a_concern() -> None:
    for name in ("concern-edit", "concern-update", "concern-delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"safeguarding:{name}", args=[1])


def test_the_model_refuses_a_change_to_submitted_text(world: Any) -> None:
    concern = log_concern(world)
    concern.description = "Something else entirely"
    with pytest.raises(PermissionError):
        concern.save()
    concern.refresh_from_db()
    concern.occurred_at = concern.occurred_at - dt.timedelta(days=1)
    with pytest.raises(PermissionError):
        concern.save()


def test_entries_cannot_be_edited_or_deleted(world: Any) -> None:
    concern = log_concern(world)
    entry = services.entry_add_follow_up(
        scope=scope_of(world, "staff"),
        concern=selectors.concern_for(scope_of(world, "staff"), concern.pk),
        text="More",
    )
    entry.text = "Changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_a_correction_links_to_what_it_corrects_and_keeps_the_original(
    world: Any, client: Any
) -> None:
    concern = log_concern(world, description="It happened on Monday.")
    sign_in(client, world.user("staff"), school=world.school)
    url = reverse("safeguarding:concern-correct", args=[concern.pk])
    missing = client.post(url, {"corrects": "original", "text": "Tuesday", "reason": ""})
    assert missing.status_code == 422
    assert "Say why it needs correcting." in missing.content.decode()
    response = client.post(
        url, {"corrects": "original", "text": "It was Tuesday.", "reason": "Wrong day"}
    )
    assert response.status_code == 302
    correction = ConcernEntry.objects.get(kind="correction")
    assert correction.corrects_original and correction.reason == "Wrong day"
    concern.refresh_from_db()
    assert concern.description == "It happened on Monday."
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert (
        "It happened on Monday." in page
        and "It was Tuesday." in page
        and "corrects the original account" in page
    )


def test_only_the_author_corrects_their_words(world: Any) -> None:
    concern = log_concern(world)
    with pytest.raises(ValidationError):
        services.entry_add_correction(
            scope=scope_of(world, "dsl"),
            concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
            corrects_pk=None,
            text="x",
            reason="y",
        )
    follow = services.entry_add_follow_up(
        scope=scope_of(world, "hoy"),
        concern=selectors.concern_for(scope_of(world, "hoy"), concern.pk),
        text="Spoke to him",
    )
    with pytest.raises(ValidationError):
        services.entry_add_correction(
            scope=scope_of(world, "staff"),
            concern=selectors.concern_for(scope_of(world, "staff"), concern.pk),
            corrects_pk=follow.pk,
            text="x",
            reason="y",
        )
    fixed = services.entry_add_correction(
        scope=scope_of(world, "hoy"),
        concern=selectors.concern_for(scope_of(world, "hoy"), concern.pk),
        corrects_pk=follow.pk,
        text="Spoke to him and his mum",
        reason="Left out his mum",
    )
    assert fixed.corrects_id == follow.pk


# --- Optimistic locking --------------------------------------------------------------


def test_a_second_dsl_triaging_at_once_is_told_and_nothing_is_overwritten(
    world: Any, client: Any
) -> None:
    concern = log_concern(world)
    seen_version = concern.version
    deputy = world.user("dsl")
    # The first DSL saves...
    services.concern_triage(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        version=seen_version,
        level="restricted",
        owner_id=deputy.pk,
        category_ids=[],
        next_action="Ring MASH",
        due_date=None,
    )
    # ...then the second, who loaded the same version, submits the form.
    sign_in(client, deputy, school=world.school)
    response = client.post(
        reverse("safeguarding:concern-triage", args=[concern.pk]),
        {"version": seen_version, "level": "pastoral", "owner": "", "next_action": "Monitor"},
    )
    assert response.status_code == 409
    assert "Another DSL triaged this concern" in response.content.decode()
    concern.refresh_from_db()
    assert concern.level == "restricted" and concern.next_action == "Ring MASH"
    assert concern.version == seen_version + 1
    with pytest.raises(services.StaleConcern):
        services.concern_close(
            scope=scope_of(world, "dsl"),
            concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
            version=seen_version,
            reason="x",
            rationale="Handled in school; threshold for referral not met",
        )


def test_close_and_reopen_are_recorded(world: Any) -> None:
    concern = log_concern(world)
    closed = services.concern_close(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        version=concern.version,
        reason="No further concerns",
        rationale="Handled in school; threshold for referral not met",
    )
    assert closed.status == "closed"
    reopened = services.concern_reopen(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        version=closed.version,
        reason="New disclosure",
    )
    assert reopened.status == "open"
    kinds = list(ConcernEntry.objects.filter(concern=concern).values_list("kind", flat=True))
    assert kinds == ["closed", "reopened"]
    assert AuditEvent.objects.filter(action="safeguarding.concern.reopened").exists()


def test_linking_two_concerns_shows_each_from_the_other(world: Any) -> None:
    a, b = log_concern(world), log_concern(world, learners=[world.learner10])
    services.concern_link(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), a.pk),
        other_reference=b.reference,
    )
    assert [c.pk for c in selectors.concern_record_for(scope_of(world, "dsl"), b.pk).linked] == [
        a.pk
    ]
    # The head of year sees a but not b (learner10 is outside their years): no link shown.
    assert selectors.concern_record_for(scope_of(world, "hoy"), a.pk).linked == []
    with pytest.raises(ValidationError):
        services.concern_link(
            scope=scope_of(world, "dsl"),
            concern=selectors.concern_for(scope_of(world, "dsl"), a.pk),
            other_reference="C-999999",
        )


# --- Bad input -------------------------------------------------------------------------


def test_missing_learner_and_description_are_named_beside_their_fields(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    response = client.post(
        reverse("safeguarding:concern-new"), _form(world, learners=None, description=None)
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["learners"] == ["Choose the learner (or learners) this is about."]
    assert form.errors["description"] == ["Say what was seen or said."]
    assert Concern.objects.count() == 0


def test_a_future_date_is_refused_but_a_slow_clock_is_not(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    later = timezone.localtime() + dt.timedelta(hours=2)
    response = client.post(
        reverse("safeguarding:concern-new"),
        _form(world, occurred_at=later.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 422
    assert "in the future" in response.context["form"].errors["occurred_at"][0]
    soon = timezone.localtime() + dt.timedelta(minutes=2)
    ok = client.post(
        reverse("safeguarding:concern-new"),
        _form(world, occurred_at=soon.strftime("%Y-%m-%dT%H:%M")),
    )
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE_BYTES, "not a file type we accept"),
        ("photo.pdf", PNG_BYTES, "is named .pdf but its content is image/png"),
        ("script.pdf", b"<script>alert(1)</script>", "not a file type we accept"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(
    world: Any, client: Any, name: str, content: bytes, message: str
) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    response = client.post(
        reverse("safeguarding:concern-new"), {**_form(world), "attachments": [pdf(name, content)]}
    )
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["attachments"])
    assert Concern.objects.count() == 0  # nothing half-saved


def test_an_oversize_file_is_refused_with_the_limit(world: Any, client: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    sign_in(client, world.user("staff"), school=world.school)
    big = pdf("scan.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = client.post(
        reverse("safeguarding:concern-new"), {**_form(world), "attachments": [big]}
    )
    assert response.status_code == 422
    assert "the limit is 1 MB" in " ".join(response.context["form"].errors["attachments"])
    assert Concern.objects.count() == 0


def test_an_image_and_a_word_document_are_accepted(world: Any, client: Any) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    sign_in(client, world.user("staff"), school=world.school)
    files = [pdf("bruise.png", PNG_BYTES), pdf("statement.docx", buffer.getvalue())]
    response = client.post(
        reverse("safeguarding:concern-new"), {**_form(world), "attachments": files}
    )
    assert response.status_code == 302
    types = sorted(Concern.objects.get().attachments.values_list("content_type", flat=True))
    assert types == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_html_typed_into_fields_is_shown_as_text(world: Any, client: Any) -> None:
    concern = log_concern(world, description='<script>alert("x")</script><b>bold</b>')
    sign_in(client, world.user("dsl"), school=world.school)
    for url in (
        reverse("safeguarding:concern-detail", args=[concern.pk]),
        reverse("safeguarding:learner-chronology", args=[world.learner9.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_learner_of_another_school_cannot_be_named(world: Any) -> None:
    with pytest.raises(ValidationError):
        log_concern(world, learners=[world.other_learner])


def test_a_malformed_body_map_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.clean_body_map([{"view": "side", "region": "head"}])
    with pytest.raises(ValidationError):
        services.clean_body_map([{"view": "front", "x": 150, "y": 10}])
    assert services.clean_body_map([{"view": "back", "x": "12.34", "y": 50}]) == [
        {"view": "back", "x": 12.3, "y": 50.0}
    ]


# --- Several learners, alerts, drafts ----------------------------------------------------------


def test_one_concern_about_several_learners_alerts_named_staff_and_the_dsl_team(world: Any) -> None:
    from pastoral.notifications.models import Notification

    hoy = world.user("hoy")
    concern = services.concern_create(
        scope=scope_of(world, "staff"),
        learner_ids=[world.learner9.pk, world.learner10.pk],
        occurred_at=timezone.now(),
        location="Field",
        description="Fight at break",
        alerted_ids=[hoy.pk],
    )
    assert set(concern.learners.values_list("pk", flat=True)) == {
        world.learner9.pk,
        world.learner10.pk,
    }
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert titles == {
        hoy.pk: f"New concern {concern.reference}",
        world.user("dsl").pk: f"New concern {concern.reference}",
    }
    assert "Nina" not in " ".join(titles.values())
    created = AuditEvent.objects.filter(action="safeguarding.concern.created")
    assert {e.learner_id for e in created} == {world.learner9.pk, world.learner10.pk}


def test_the_draft_survives_an_expired_session(world: Any, client: Any, settings: Any) -> None:
    import time

    from pastoral.middleware import SESSION_SEEN_KEY

    sign_in(client, world.user("staff"), school=world.school)
    save = reverse("safeguarding:draft-save")
    assert (
        client.post(
            save,
            {
                "description": "He said his uncle",
                "learners": [world.learner9.pk],
                "saved_at": "100",
            },
        ).status_code
        == 204
    )
    # The session runs out while the person is typing...
    session = client.session
    session[SESSION_SEEN_KEY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    late = client.post(
        save,
        {"description": "He said his uncle hits him", "saved_at": "200"},
        HTTP_HX_REQUEST="true",
    )
    assert late.status_code == 401 and "login" in late["HX-Redirect"]
    # ...they sign in again and the page brings back the server's draft (the page
    # script then pushes the newer copy it kept on the device: see the browser test).
    sign_in(client, world.user("staff"), school=world.school)
    page = client.get(reverse("safeguarding:concern-new"))
    assert "He said his uncle" in page.content.decode()
    assert page.context["draft_saved_at"] == 100
    assert [lr.pk for lr in page.context["chosen"]] == [world.learner9.pk]
    client.post(save, {"description": "He said his uncle hits him", "saved_at": "200"})
    assert ConcernDraft.objects.get().data["description"] == "He said his uncle hits him"


def test_submitting_clears_the_draft(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    client.post(reverse("safeguarding:draft-save"), {"description": "typing", "saved_at": "1"})
    assert ConcernDraft.objects.count() == 1
    client.post(reverse("safeguarding:concern-new"), _form(world))
    assert ConcernDraft.objects.count() == 0


# --- Search ---------------------------------------------------------------------------


def test_search_by_free_text_and_filters(world: Any) -> None:
    coat = log_concern(
        world, description="Arrived without a coat in the snow", categories=["Neglect"]
    )
    phone = log_concern(
        world,
        learners=[world.learner10],
        description="Phones confiscated after fighting",
        categories=["Behaviour"],
    )
    triage(world, phone, "restricted")
    dsl = scope_of(world, "dsl")

    def found(**params: str) -> list[int]:
        return list(selectors.search_concerns(dsl, params).values_list("pk", flat=True))

    assert found(q="coat") == [coat.pk]
    assert found(q="fighting") == [phone.pk]
    assert found(learner="tess") == [phone.pk]
    assert found(level="restricted") == [phone.pk]
    assert found(status="new") == [coat.pk]
    assert found(category=str(category(world, "Neglect").pk)) == [coat.pk]
    assert found(owner=str(world.user("dsl").pk)) == [phone.pk]
    assert set(found()) == {coat.pk, phone.pk}
    with pytest.raises(Http404):
        selectors.search_concerns(scope_of(world, "senco"), {})


def test_search_uses_stemming_on_postgresql(world: Any) -> None:
    from django.db import connection

    concern = log_concern(world, description="The children were fighting near the gates")
    rows = list(
        selectors.search_concerns(scope_of(world, "dsl"), {"q": "fights"}).values_list(
            "pk", flat=True
        )
    )
    # Full-text search stems "fights" to "fight"; the SQLite fallback matches substrings only.
    assert rows == ([concern.pk] if connection.vendor == "postgresql" else [])


# --- Query counts ---------------------------------------------------------------------


def _many(world: Any, n: int) -> None:
    other = LearnerFactory(year_group=world.year9)
    for i in range(n):
        log_concern(
            world,
            learners=[world.learner9, other] if i % 2 else [world.learner9],
            categories=["Family", "Neglect"],
        )


@pytest.mark.parametrize("n", [2, 8])
def test_inbox_list_and_chronology_use_a_fixed_number_of_queries(
    world: Any, client: Any, django_assert_num_queries: Any, n: int
) -> None:
    _many(world, n)
    concern = Concern.objects.first()
    services.action_record(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        kind="monitoring",
        details="Watch",
        outcome="",
        taken_on=timezone.localdate(),
    )
    sign_in(client, world.user("dsl"), school=world.school)
    client.get(reverse("safeguarding:inbox"))  # warm the session and the categories
    urls = {
        # The filter form adds two: its category and year group choices.
        "inbox": (reverse("safeguarding:inbox"), 10),
        "list": (reverse("safeguarding:concern-list") + "?q=dad&level=pastoral", 9),
        "chronology": (reverse("safeguarding:learner-chronology", args=[world.learner9.pk]), 10),
    }
    for name, (url, count) in urls.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, name
