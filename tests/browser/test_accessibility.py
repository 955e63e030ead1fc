"""The pages this wave added, scanned by axe-core (WCAG 2.2 A and AA rules) in
Chromium at desktop (1280 px) and phone (390 px) widths, as the people who use
them: the DSL's categories, role requests, subject-access parts and triage
(with each learner's part), and the administrator's subject-access pages.

axe-core is vendored in tests/browser/vendor (MPL-2.0); it is run through the
DevTools protocol, so the pages' CSP is left as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.models import SubjectAccessRequest
from pastoral.access import scope_for
from pastoral.accounts import services as accounts
from pastoral.models import Role
from tests.auth import browser_sign_in
from tests.factories import UserFactory, member
from tests.safeguarding.helpers import log_concern

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [1280, 390]


def _violations(page: Any) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.fixture
def records(world: Any) -> dict[str, Any]:
    concern = log_concern(world, "staff", [world.learner9, world.learner10])
    newcomer = member(UserFactory(full_name="Nia Newcomer"), world.school, Role.STAFF)
    request = accounts.role_request_create(
        scope=scope_for(world.user("admin"), world.school), user=newcomer, role=Role.SENCO
    )
    sar = SubjectAccessRequest.objects.create(
        school=world.school,
        learner=world.learner9,
        requester_name="Pat Parent",
        requester_relationship="parent",
        received_on=timezone.localdate(),
        identity_checked_by="Reception",
        identity_checked_on=timezone.localdate(),
        identity_method="Passport",
        recorded_by=world.user("admin"),
    )
    return {"concern": concern, "request": request, "sar": sar, "newcomer": newcomer}


def _pages(world: Any, r: dict[str, Any]) -> dict[str, list[str]]:
    sar = r["sar"].pk
    return {
        "dsl": [
            reverse("safeguarding:categories"),
            reverse("safeguarding:concern-triage", args=[r["concern"].pk]),
            reverse("accounts:role-requests"),
            reverse("accounts:role-request", args=[r["request"].pk]),
            reverse("caseload_reports:sar-list"),
            reverse("caseload_reports:sar-detail", args=[sar]),
            reverse("caseload_reports:sar-safeguarding", args=[sar]),
            reverse("caseload_reports:sar-records", args=[sar]),
        ],
        "admin": [
            reverse("caseload_reports:sar-list"),
            reverse("caseload_reports:sar-detail", args=[sar]),
            reverse("caseload_reports:sar-record", args=[world.learner10.pk]),
            reverse("accounts:user-detail", args=[r["newcomer"].pk]),
        ],
    }


@pytest.mark.parametrize("role", ["dsl", "admin"])
def test_the_new_pages_pass_axe_at_desktop_and_phone_widths(
    page: Any, world: Any, records: dict[str, Any], role: str
) -> None:
    browser_sign_in(page, world.user(role))
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in _pages(world, records)[role]:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, width)
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    assert found == {}
