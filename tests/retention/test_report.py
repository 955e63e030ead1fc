"""The yearly disposal report: a PDF of the school year's tombstones, read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent, DisposalTombstone
from pastoral.retention.selectors import school_year_of
from tests.conftest import sign_in
from tests.policy.crawl import pdf_text


def _tombstone(world: Any, *, safeguarding: bool, name: str, when: dt.datetime) -> None:
    DisposalTombstone.objects.create(
        school=world.school,
        record_type="cp-file" if safeguarding else "behaviour",
        record_label="Child-protection file" if safeguarding else "Behaviour records",
        safeguarding=safeguarding,
        learner_name=name,
        count=3,
        files=1,
        rule="Date of birth + 25 years" if safeguarding else "Date the learner left + 6 years",
        basis_date=dt.date(2000, 3, 4),
        due_on=dt.date(2025, 3, 4),
        disposed_by=world.user("dsl"),
        disposed_at=when,
    )


def test_the_report_lists_the_years_disposals_for_the_person(world: Any, client: Any) -> None:
    now = timezone.now()
    _tombstone(world, safeguarding=True, name="Cara <b>Closed</b>", when=now)
    _tombstone(world, safeguarding=False, name="Ben Behaved", when=now)
    _tombstone(world, safeguarding=False, name="Old Year", when=now - dt.timedelta(days=400))
    year = school_year_of(timezone.localdate())
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("retention:report") + f"?year={year}")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"records disposed of in {year}" in text
    assert "Cara <b>Closed</b>" in text  # typed text printed as text
    assert "Ben Behaved" in text and "Old Year" not in text
    assert "Date of birth + 25 years" in text and "2 disposals" in text
    assert AuditEvent.objects.filter(action="retention.report.downloaded").exists()
    # The admin's report leaves out the safeguarding tombstones.
    sign_in(client, world.user("admin"))
    text = pdf_text(client.get(reverse("retention:report") + f"?year={year}").content)
    assert "Ben Behaved" in text and "Cara" not in text
    assert "reported to the DSL only" in text
