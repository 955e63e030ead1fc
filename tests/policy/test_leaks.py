"""ACCESS.md, sentence by sentence, tried through every route that renders or
exports concern content, as every role.

For each role: what it must NEVER reach (the phrases of tests/policy/world.py
it is not among the `allowed` of), and what it must see somewhere (so that a
route answering nothing to everybody cannot pass).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.policy.crawl import Crawl, Hit, client_for, crawl
from tests.policy.world import DSLS, ROLES, SECRETS

# ACCESS.md: "a learner, concern or plan outside a person's scope answers 404".
# The phrase that makes each concern of the world what it is.
CONCERN_PHRASE = {
    "restricted": "PURPLE-ELEPHANT-1",
    "pastoral": "PASTORAL-BADGER-1",
    "outside": "OUTSIDE-OTTER-1",
    "shared": "SHARED-HERON-1",
    "withdrawn": "WITHDRAWN-WOLF-1",
    "default": "DEFAULT-DINGO-1",
    "foreign_restricted": "FOREIGN-FOX-1",
    "foreign_pastoral": "FOREIGN-FOX-2",
}

# ACCESS.md's "view learner profile (case data)": staff –, support officer own
# caseload (learner9), head of year own years (learner9), SENCO and DSL all,
# admin –; nobody reaches another school's learner.
CASE_DATA_LEARNERS = {
    "staff": set(),
    "support": {"learner9"},
    "hoy": {"learner9"},
    "senco": {"learner9", "learner10"},
    "dsl": {"learner9", "learner10"},
    "ddsl": {"learner9", "learner10"},
    "admin": set(),
    "outsider": {"other_learner"},
}
CASE_DATA_ROUTES = ("caseload:profile", "safeguarding:learner-chronology")
AUDIT_ROUTES = ("pastoral:audit-list", "pastoral:audit-export", "pastoral:audit-object")


def _where(hit: Hit) -> str:
    return f"{hit.route} {hit.url}{' [HX-Request]' if hit.htmx else ''} -> {hit.status}"


def _all_hits(result: Crawl) -> list[Hit]:
    return result.hits + [h for hits in result.exports.values() for h in hits]


def _emails_to(pw: Any, role: str) -> list[Hit]:
    address = pw.users[role].email
    hits = []
    for message in pw.emails:
        if address not in message.to + message.cc + message.bcc:
            continue
        parts = [message.subject, message.body] + [
            str(content) for content, _mime in getattr(message, "alternatives", [])
        ]
        hits.append(Hit("e-mail", f"to {address}: {message.subject}", 0, "\n".join(parts)))
    return hits


def _problems(pw: Any, role: str, result: Crawl, *, must_see: bool = True) -> list[str]:
    problems: list[str] = []
    hits = _all_hits(result) + _emails_to(pw, role)
    seen: set[str] = set()
    for hit in hits:
        for secret in SECRETS:
            if secret.phrase in hit.text:
                seen.add(secret.phrase)
                if role not in secret.allowed:
                    problems.append(
                        f"LEAK {role}: {secret.phrase} ({secret.what}) via {_where(hit)}"
                    )
    if must_see:
        for secret in SECRETS:
            if role in secret.must_see and secret.phrase not in seen:
                problems.append(
                    f"NOT SEEN {role}: {secret.phrase} ({secret.what}) by any route; "
                    "ACCESS.md lets this role see it"
                )
    for hit in result.hits:
        # The outsider is a DSL in their own school (whose trail they may read);
        # ours is marked by AUDIT_ADDRESS, checked above like any phrase.
        outsider = role == "outsider"
        if not outsider and role not in DSLS and hit.route in AUDIT_ROUTES and hit.status == 200:
            problems.append(f"LEAK {role}: reached the audit trail via {_where(hit)}")
        if hit.route == "safeguarding:concern-detail" and not hit.htmx:
            pk = int(hit.url.rstrip("/").rsplit("/", 1)[1])
            name = next(n for n, c in pw.concerns.items() if c.pk == pk)
            allowed = role in next(s.allowed for s in SECRETS if s.phrase == CONCERN_PHRASE[name])
            if not allowed and hit.status != 404:
                problems.append(f"SCOPE {role}: concern {name} answered {_where(hit)}, not 404")
            if allowed and hit.status != 200:
                problems.append(f"SCOPE {role}: own-scope concern {name} answered {_where(hit)}")
        if hit.route in CASE_DATA_ROUTES and not hit.htmx:
            pk = int(hit.url.rstrip("/").rsplit("/", 1)[1])
            name = next(
                n for n in ("learner9", "learner10", "other_learner") if getattr(pw, n).pk == pk
            )
            in_scope = name in CASE_DATA_LEARNERS[role]
            if not in_scope and hit.status != 404:
                problems.append(f"SCOPE {role}: {name}'s case data answered {_where(hit)}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_no_route_gives_a_role_what_access_md_keeps_from_it(pw: Any, role: str) -> None:
    result = crawl(pw, role, client_for(pw, role))
    problems = _problems(pw, role, result)
    assert not problems, f"{len(problems)} breaches of ACCESS.md:\n" + "\n".join(problems)


def test_a_person_of_another_school_gets_nothing_of_ours_even_naming_our_school(
    pw: Any,
) -> None:
    """The other school's DSL with our school forced into their session (a
    school they hold no role in) still reaches none of our records."""
    client = client_for(pw, "outsider", forced_school=pw.school)
    result = crawl(pw, "outsider", client)
    problems = [
        p for p in _problems(pw, "outsider", result, must_see=False) if not p.startswith("SCOPE")
    ]
    # Our records, by phrase: none may reach them whatever school the session names.
    ours = [s.phrase for s in SECRETS if "outsider" not in s.allowed]
    for hit in _all_hits(result):
        for phrase in ours:
            if phrase in hit.text and not any(phrase in p for p in problems):
                problems.append(f"LEAK outsider (our school forced): {phrase} via {_where(hit)}")
    assert not problems, "\n".join(problems)


class TestTheDslSeesTheWholeRecordInEveryChannel:
    """So that the absence of a phrase elsewhere means something: the DSL's own
    exports carry the restricted record, in PDF and in the JSON bundle."""

    @pytest.mark.parametrize(
        "export",
        [
            "subject-access",
            "caseload_reports:bundle",
            "caseload_reports:case-conference",
            "safeguarding_reports:cp-transfer",
            "safeguarding_reports:agency-report",
        ],
    )
    def test_the_export_carries_the_restricted_concern(self, pw: Any, export: str) -> None:
        carried = "PURPLE-ELEPHANT-1" in pw.dsl_exports[export]
        assert carried, f"the DSL's {export} of learner9 lacks the restricted concern"

    @pytest.mark.parametrize(
        "phrase",
        [
            "PURPLE-ELEPHANT-1",
            "PURPLE-ELEPHANT-2",
            "PURPLE-ELEPHANT-3",
            "WITHDRAWN-WOLF-1",
            "DEFAULT-DINGO-1",
            "PASTORAL-BADGER-1",
            "PASTORAL-BADGER-2",
        ],
    )
    def test_the_cp_file_carries_every_record_of_the_learner_at_all_levels(
        self, pw: Any, phrase: str
    ) -> None:
        """ACCESS.md: "The CP file carries every safeguarding record of the
        learner, all levels" (learner9's concerns, the DSL's actions and notes)."""
        carried = phrase in pw.dsl_exports["safeguarding_reports:cp-transfer"]
        assert carried, f"learner9's CP file (as the DSL sent it) lacks {phrase}"

    def test_the_pages_carry_it(self, pw: Any) -> None:
        result = crawl_some(pw, "dsl")
        for route in (
            "safeguarding:concern-detail",
            "safeguarding:learner-chronology",
            "safeguarding:cp-file",
        ):
            texts = [h.text for h in result if h.route == route and h.status == 200]
            assert any("PURPLE-ELEPHANT-1" in t for t in texts), route
        # The search finds it by a word of its text (the list shows references).
        reference = pw.concerns["restricted"].reference
        found = [h.text for h in result if h.route == "safeguarding:concern-list"]
        assert found and all(reference in t for t in found)
        htmx = [h for h in result if h.htmx and h.route == "safeguarding:concern-detail"]
        assert any("PURPLE-ELEPHANT-2" in h.text for h in htmx)

    def test_the_audit_export_carries_the_address(self, pw: Any) -> None:
        client = client_for(pw, "dsl")
        response = client.get("/audit/export.csv")
        assert response.status_code == 200
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"203.0.113.77" in text

    def test_the_dsl_was_e_mailed(self, pw: Any) -> None:
        assert _emails_to(pw, "dsl"), "no e-mail reached the DSL: the e-mail channel is untested"


SAR_PARTS = ("caseload_reports:sar-safeguarding", "caseload_reports:sar-release")


class TestSubjectAccess:
    """ACCESS.md: "An admin or DSL may record a request; the safeguarding
    section is assembled, redacted and approved by a DSL only; nothing is
    released before that approval"; the admin has "none of the case content,
    by any route (... subject access, PDFs ...)"."""

    def test_the_released_pack_carries_the_restricted_record_for_the_dsl(self, pw: Any) -> None:
        from tests.policy.crawl import pdf_text

        response = client_for(pw, "dsl").get(
            reverse("reports:job-download", kwargs={"pk": pw.sar_job.pk})
        )
        assert response.status_code == 200
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        assert raw.startswith(b"%PDF-")
        text = pdf_text(raw)
        assert "PURPLE-ELEPHANT-1" in text, "the released subject-access pack lacks it"

    @pytest.mark.parametrize("role", [r for r in ROLES if r not in DSLS])
    def test_no_one_but_the_dsl_team_opens_the_pack(self, pw: Any, role: str) -> None:
        client = client_for(pw, role)
        for name in ("reports:job-detail", "reports:job-download"):
            response = client.get(reverse(name, kwargs={"pk": pw.sar_job.pk}))
            assert response.status_code == 404, (role, name, response.status_code)

    @pytest.mark.parametrize("role", [r for r in ROLES if r not in DSLS])
    def test_no_one_but_the_dsl_team_reaches_the_safeguarding_part_or_the_release(
        self, pw: Any, role: str
    ) -> None:
        client = client_for(pw, role)
        for sar in (pw.sar_released, pw.sar_open):
            for name in SAR_PARTS:
                url = reverse(name, kwargs={"pk": sar.pk})
                assert client.get(url).status_code == 404, (role, name, "GET")
                data = {"action": "approve"} if name.endswith("safeguarding") else {}
                assert client.post(url, data).status_code == 404, (role, name, "POST")
        pw.sar_open.refresh_from_db()
        assert pw.sar_open.safeguarding_approved_at is None and pw.sar_open.released_at is None

    def test_the_admin_records_and_follows_the_request_but_reaches_no_content(
        self, pw: Any
    ) -> None:
        client = client_for(pw, "admin")
        assert client.get(reverse("caseload_reports:sar-list")).status_code == 200
        for sar in (pw.sar_released, pw.sar_open):
            detail = client.get(reverse("caseload_reports:sar-detail", kwargs={"pk": sar.pk}))
            assert detail.status_code == 200
            assert (
                client.get(
                    reverse("caseload_reports:sar-records", kwargs={"pk": sar.pk})
                ).status_code
                == 404
            )

    def test_nothing_is_released_before_the_dsl_approves(self, pw: Any) -> None:
        client = client_for(pw, "dsl")
        url = reverse("caseload_reports:sar-release", kwargs={"pk": pw.sar_open.pk})
        assert client.post(url).status_code == 422
        pw.sar_open.refresh_from_db()
        assert pw.sar_open.released_at is None and pw.sar_open.report_job is None

    def test_the_dsl_sees_the_restricted_record_in_the_open_safeguarding_part(
        self, pw: Any
    ) -> None:
        client = client_for(pw, "dsl")
        url = reverse("caseload_reports:sar-safeguarding", kwargs={"pk": pw.sar_open.pk})
        page = client.get(url)
        assert page.status_code == 200 and "PURPLE-ELEPHANT-1" in page.content.decode()


def crawl_some(pw: Any, role: str) -> list[Hit]:
    from tests.policy.crawl import get

    client = client_for(pw, role)
    hits = []
    c = pw.concerns["restricted"]
    for route, kwargs, query in [
        ("safeguarding:concern-detail", {"pk": c.pk}, ""),
        ("safeguarding:learner-chronology", {"pk": pw.learner9.pk}, ""),
        ("safeguarding:cp-file", {"pk": pw.learner9.pk}, ""),
        ("safeguarding:concern-list", {}, "q=PURPLE"),
    ]:
        url = reverse(route, kwargs=kwargs) + (f"?{query}" if query else "")
        for htmx in (False, True):
            hits.append(get(client, route, url, htmx=htmx))
    return hits
