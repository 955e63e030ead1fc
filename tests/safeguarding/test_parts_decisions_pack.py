"""Issue 14: each learner's part in a concern, decisions with their rationale, the
complete CP pack (read back from the real PDF) and corrections shown on the original."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from pastoral.reports.models import ReportJob
from safeguarding import selectors, services
from safeguarding.models import Concern, ConcernDecision, ConcernEntry, ConcernLearner
from tests.conftest import sign_in
from tests.reports.conftest import job_text
from tests.safeguarding.helpers import category, log_concern, scope_of, triage


def _dsl(client: Any, world: Any) -> Any:
    return sign_in(client, world.user("dsl"), school=world.school)


def _link(concern: Concern, learner: Any) -> ConcernLearner:
    return ConcernLearner.objects.get(concern=concern, learner=learner)


def _today() -> str:
    now = timezone.localtime()
    return f"{now.day} {now:%b %Y}"


def _send_pack(client: Any, world: Any, learner: Any, **extra: Any) -> Any:
    return client.post(
        reverse("safeguarding_reports:cp-transfer", args=[learner.pk]),
        {
            "receiving_school": "Riverside Academy",
            "receiving_school_urn": "123999",
            "receiving_dsl": "Rita Receiver",
            "receiving_contact": "dsl@riverside.test",
            "method": "email",
            "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "notes": "",
            **extra,
        },
    )


def _pack_text(client: Any, world: Any, learner: Any, **extra: Any) -> str:
    response = _send_pack(client, world, learner, **extra)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    return job_text(job)


# --- 1. Each learner's part ------------------------------------------------------------


def _two_learner_concern(world: Any) -> Concern:
    return log_concern(
        world,
        "staff",
        [world.learner9, world.learner10],
        categories=["Neglect"],
        description="Nina said Tess pushed her in the changing room.",
    )


def test_a_link_defaults_to_subject_and_the_triage_page_offers_each_learners_part(
    world: Any, client: Any
) -> None:
    concern = _two_learner_concern(world)
    assert {link.role for link in concern.learner_links.all()} == {"subject"}
    _dsl(client, world)
    page = client.get(reverse("safeguarding:concern-triage", args=[concern.pk])).content.decode()
    assert "Each learner's part" in page
    assert page.count("Subject of concern") >= 2
    assert "Alleged harmer" in page and "Witness" in page


def test_each_learner_sees_only_their_own_role_and_categories(world: Any, client: Any) -> None:
    concern = _two_learner_concern(world)
    link10 = _link(concern, world.learner10)
    _dsl(client, world)
    url = reverse("safeguarding:concern-learner-role", args=[concern.pk, link10.pk])
    response = client.post(
        url,
        {
            f"link{link10.pk}-role": "alleged_harmer",
            f"link{link10.pk}-categories": [category(world, "Online safety").pk],
        },
    )
    assert response.status_code == 302
    link10.refresh_from_db()
    assert link10.role == "alleged_harmer"
    assert [c.name for c in link10.categories.all()] == ["Online safety"]
    # Audited on Tess's history only, never on Nina's.
    events = AuditEvent.objects.filter(action="safeguarding.concern_learner.changed")
    assert [e.learner_id for e in events] == [world.learner10.pk]

    tess = client.get(reverse("safeguarding:learner-chronology", args=[world.learner10.pk]))
    text = tess.content.decode()
    assert f"{concern.reference} (alleged harmer): Online safety" in text
    assert "Neglect" not in text.split("<ol", 1)[1]
    nina = client.get(reverse("safeguarding:learner-chronology", args=[world.learner9.pk]))
    text = nina.content.decode()
    assert f"{concern.reference}: Neglect" in text
    assert "Online safety" not in text.split("<ol", 1)[1]
    assert "alleged harmer" not in text

    # The CP pack of each learner: their own part only.
    tess_pack = _pack_text(client, world, world.learner10)
    assert "Alleged harmer" in tess_pack and "Online safety" in tess_pack
    assert "Neglect" not in tess_pack
    nina_pack = _pack_text(client, world, world.learner9)
    assert "Subject of concern" in nina_pack and "Neglect" in nina_pack
    assert "Online safety" not in nina_pack and "Alleged harmer" not in nina_pack


def test_a_bad_role_is_refused_beside_the_field_and_nothing_changes(
    world: Any, client: Any
) -> None:
    concern = _two_learner_concern(world)
    link9 = _link(concern, world.learner9)
    _dsl(client, world)
    response = client.post(
        reverse("safeguarding:concern-learner-role", args=[concern.pk, link9.pk]),
        {f"link{link9.pk}-role": "ringleader"},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    link9.refresh_from_db()
    assert link9.role == "subject"
    assert not AuditEvent.objects.filter(action="safeguarding.concern_learner.changed").exists()


def test_a_link_of_another_concern_is_not_found(world: Any, client: Any) -> None:
    concern = _two_learner_concern(world)
    other = log_concern(world, "staff", [world.learner10])
    _dsl(client, world)
    response = client.post(
        reverse(
            "safeguarding:concern-learner-role",
            args=[concern.pk, _link(other, world.learner10).pk],
        ),
        {f"link{_link(other, world.learner10).pk}-role": "witness"},
    )
    assert response.status_code == 404


# --- 2. Decisions with reasons -----------------------------------------------------------


def test_closing_without_a_referral_needs_a_rationale(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff")
    _dsl(client, world)
    url = reverse("safeguarding:concern-close", args=[concern.pk])
    response = client.post(url, {"version": concern.version, "reason": "Resolved"})
    assert response.status_code == 422
    assert "No referral is recorded: give the rationale" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status != "closed"
    assert not ConcernDecision.objects.exists()

    response = client.post(
        url,
        {
            "version": concern.version,
            "reason": "No further action",
            "rationale": "Mum has moved out the partner; learner says she feels safe.",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == "closed"
    decision = ConcernDecision.objects.get()
    assert decision.kind == "close_no_referral" and decision.decision == "No further action"
    assert AuditEvent.objects.filter(
        action="safeguarding.decision.recorded", object_id=str(decision.pk)
    ).exists()
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert "Closed without a referral" in page and "learner says she feels safe" in page


def test_closing_after_a_referral_needs_no_rationale(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff")
    services.action_record(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        kind="social_care",
        details="MASH referral",
        outcome="Accepted",
        taken_on=timezone.localdate(),
    )
    concern.refresh_from_db()
    _dsl(client, world)
    response = client.post(
        reverse("safeguarding:concern-close", args=[concern.pk]),
        {"version": concern.version, "reason": "Social care lead"},
    )
    assert response.status_code == 302
    assert not ConcernDecision.objects.exists()


def test_a_decision_not_to_share_needs_its_rationale_and_is_shown_everywhere(
    world: Any, client: Any
) -> None:
    concern = log_concern(world, "staff")
    _dsl(client, world)
    url = reverse("safeguarding:concern-decision", args=[concern.pk])
    response = client.post(url, {"kind": "no_share", "decision": "Not shared with the club"})
    assert response.status_code == 422
    assert "Give the rationale for this decision." in response.content.decode()
    assert not ConcernDecision.objects.exists()
    response = client.post(url, {"kind": "no_share", "rationale": "Would put her at risk"})
    assert response.status_code == 422
    assert "Record the decision." in response.content.decode()

    response = client.post(
        url,
        {
            "kind": "no_share",
            "decision": "Not shared with the youth club",
            "rationale": "Sharing would put her at risk of further harm",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="safeguarding.decision.recorded").count() == 1
    chronology = client.get(
        reverse("safeguarding:learner-chronology", args=[world.learner9.pk])
    ).content.decode()
    assert "Decided not to share information (s16LA)" in chronology
    assert "Sharing would put her at risk of further harm" in chronology
    cp = client.get(reverse("safeguarding:cp-file", args=[world.learner9.pk])).content.decode()
    assert "Decided not to share information (s16LA)" in cp
    pack = _pack_text(client, world, world.learner9)
    assert "Decision: Decided not to share information (s16LA)" in pack
    assert "Not shared with the youth club" in pack
    assert "Sharing would put her at risk of further harm" in pack


def test_a_decision_not_to_refer_is_recorded(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff")
    _dsl(client, world)
    client.post(
        reverse("safeguarding:concern-decision", args=[concern.pk]),
        {
            "kind": "no_referral",
            "decision": "No referral to MASH",
            "rationale": "Below threshold; early help offered in school",
        },
    )
    decision = ConcernDecision.objects.get()
    assert decision.kind == "no_referral" and decision.made_by == world.user("dsl")


# --- 3. The complete CP pack ---------------------------------------------------------


def _record(world: Any) -> tuple[Concern, Concern, ConcernEntry]:
    pastoral = log_concern(
        world, "staff", description="Pastoral: hungry at break, no coat in winter."
    )
    restricted = log_concern(
        world,
        "staff",
        restricted=True,
        description="Restricted: said Tommy Twelve's uncle hit her.",
    )
    triage(world, restricted, "restricted")
    entry = services.entry_add_follow_up(
        scope=scope_of(world, "staff"),
        concern=selectors.concern_for(scope_of(world, "staff"), restricted.pk),
        text="Follow-up naming a neighbour, Mrs Oddbody, who saw it.",
    )
    return pastoral, restricted, entry


def test_the_pack_carries_every_level_with_an_index_and_a_receipt_slip(
    world: Any, client: Any
) -> None:
    pastoral, restricted, _entry = _record(world)
    _dsl(client, world)
    page = client.get(reverse("safeguarding_reports:cp-transfer", args=[world.learner9.pk]))
    assert "2 concerns (1 restricted, 1 pastoral)" in page.content.decode()
    text = _pack_text(client, world, world.learner9)
    assert "Index" in text
    assert pastoral.reference in text and restricted.reference in text
    assert "Pastoral: hungry at break" in text
    assert "Restricted: said Tommy Twelve" in text
    assert "Receipt slip for the receiving DSL" in text
    assert "Received by (name)" in text and "Signature" in text
    born = world.learner9.date_of_birth
    assert f"born {born.day} {born:%b %Y}" in text
    assert "Nothing was redacted." in text
    # The index comes before the chronology.
    assert text.index("Index") < text.index("Child-protection chronology")


def test_redaction_by_entry_and_by_phrase_hides_the_words_and_says_why(
    world: Any, client: Any
) -> None:
    _pastoral, _restricted, entry = _record(world)
    _dsl(client, world)
    text = _pack_text(
        client,
        world,
        world.learner9,
        redact_refs=[f"concern-entry:{entry.pk}"],
        redact_phrases="Tommy Twelve\n",
        redaction_reason="third_party",
    )
    assert "Mrs Oddbody" not in text
    assert "Tommy Twelve" not in text
    assert "[Redacted before export: Third-party information]" in text
    assert "[REDACTED: Third-party information]" in text
    assert "Entries redacted 1 (Third-party information)" in text
    assert "Passages redacted" in text
    assert AuditEvent.objects.filter(action="reports.cp_file.requested").exists()


def test_a_pack_that_would_leave_records_out_is_warned_before_generation(
    world: Any, client: Any
) -> None:
    pastoral, restricted, _entry = _record(world)
    _dsl(client, world)
    refs = [f"concern:{pastoral.pk}", f"concern:{restricted.pk}"]
    response = _send_pack(client, world, world.learner9, redact_refs=refs)
    assert response.status_code == 422
    body = response.content.decode()
    assert "This learner has 2 concerns but the pack would carry 0 in full" in body
    assert not ReportJob.objects.exists()
    text = _pack_text(client, world, world.learner9, redact_refs=refs, confirm_short="on")
    assert "Restricted: said Tommy Twelve" not in text
    assert "2 (Third-party information)" in text


def test_a_learner_without_records_gets_a_pack_that_says_so(world: Any, client: Any) -> None:
    _dsl(client, world)
    page = client.get(reverse("safeguarding_reports:cp-transfer", args=[world.learner10.pk]))
    assert "This learner has no safeguarding records" in page.content.decode()
    text = _pack_text(client, world, world.learner10)
    assert "Nothing recorded: this learner has no safeguarding records." in text


# --- 4. Corrections visible on the original ----------------------------------------


def test_a_correction_is_shown_on_the_original_everywhere(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff", description="She said it was on Tuesday.")
    follow = services.entry_add_follow_up(
        scope=scope_of(world, "staff"),
        concern=selectors.concern_for(scope_of(world, "staff"), concern.pk),
        text="Spoke to her again at lunch.",
    )
    sign_in(client, world.user("staff"), school=world.school)
    url = reverse("safeguarding:concern-correct", args=[concern.pk])
    assert (
        client.post(
            url,
            {
                "corrects": "original",
                "text": "She said it was on Wednesday.",
                "reason": "I misheard the day",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "corrects": str(follow.pk),
                "text": "Spoke to her at break, not lunch.",
                "reason": "Wrong time",
            },
        ).status_code
        == 302
    )
    original_note = f"Corrected on {_today()}, see entry 2"
    follow_note = f"Corrected on {_today()}, see entry 3"
    # The author's own page.
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert original_note in page and follow_note in page
    _dsl(client, world)
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert original_note in page and follow_note in page and 'id="entry-2"' in page
    chronology = client.get(
        reverse("safeguarding:learner-chronology", args=[world.learner9.pk])
    ).content.decode()
    assert original_note in chronology and follow_note in chronology
    cp = client.get(reverse("safeguarding:cp-file", args=[world.learner9.pk])).content.decode()
    assert original_note in cp and follow_note in cp
    pack = _pack_text(client, world, world.learner9)
    assert original_note in pack and follow_note in pack
    assert "She said it was on Tuesday." in pack  # the original stays


def test_the_body_map_is_corrected_by_addendum(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff")
    sign_in(client, world.user("staff"), school=world.school)
    url = reverse("safeguarding:concern-correct", args=[concern.pk])
    response = client.post(
        url,
        {
            "corrects": "original",
            "text": "The bruise was on the left arm, not the right.",
            "reason": "Marked the wrong arm",
            "body_view": "front",
        },
    )
    assert response.status_code == 422
    assert "Choose where the injury is." in response.content.decode()
    response = client.post(
        url,
        {
            "corrects": "original",
            "text": "The bruise was on the left arm, not the right.",
            "reason": "Marked the wrong arm",
            "body_view": "front",
            "body_region": "left-arm",
        },
    )
    assert response.status_code == 302
    entry = ConcernEntry.objects.get(kind="correction")
    assert entry.body_map == [{"view": "front", "region": "left-arm"}]
    note = f"Corrected (body map) on {_today()}, see entry 1"
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert "Body map corrected to:" in page and "Front: Left arm" in page and note in page
    _dsl(client, world)
    pack = _pack_text(client, world, world.learner9)
    assert "Body map corrected to: Front: Left arm" in pack and note in pack


def test_the_pack_carries_the_learners_own_part_in_investigations(world: Any, client: Any) -> None:
    concern = log_concern(world, "staff", [world.learner9])
    dsl = scope_of(world, "dsl")
    inv = services.investigation_open(
        scope=dsl, concern=selectors.concern_for(dsl, concern.pk), title="Changing-room incident"
    )
    witness = services.participant_add(
        scope=dsl, investigation=inv, learner_id=world.learner10.pk, part="witness"
    )
    services.statement_add(scope=dsl, participant=witness, text="Tess: I saw the push.")
    nina = inv.participants.get(learner=world.learner9)
    nina.investigation = inv
    services.statement_add(scope=dsl, participant=nina, text="Nina: she pushed me first.")
    _dsl(client, world)
    text = _pack_text(client, world, world.learner10)
    assert "Investigations: this learner's part" in text
    assert "Changing-room incident" in text and "Witness" in text
    assert "Tess: I saw the push." in text
    assert "Nina: she pushed me first." not in text


def test_the_chronology_filters_by_the_learners_own_categories(world: Any, client: Any) -> None:
    concern = _two_learner_concern(world)
    online = category(world, "Online safety")
    services.link_update(
        scope=scope_of(world, "dsl"),
        link=selectors.concern_learner_for(
            scope_of(world, "dsl"),
            selectors.dsl_concern_for(scope_of(world, "dsl"), concern.pk),
            _link(concern, world.learner10).pk,
        ),
        role="witness",
        category_ids=[online.pk],
    )
    tess = selectors.timeline_entries_for(scope_of(world, "dsl"), world.learner10)
    assert [e.title for e in tess if e.kind == "concern"] == [
        f"{concern.reference} (witness): Online safety"
    ]
    by_own = selectors.timeline_entries_for(
        scope_of(world, "dsl"), world.learner10, category_id=online.pk
    )
    assert [e.kind for e in by_own] == ["concern"]
    neglect = category(world, "Neglect").pk
    assert not selectors.timeline_entries_for(
        scope_of(world, "dsl"), world.learner10, category_id=neglect
    )
    assert selectors.timeline_entries_for(
        scope_of(world, "dsl"), world.learner9, category_id=neglect
    )
