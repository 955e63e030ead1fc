"""Issue 14, done-when (3), in Chromium: the admin records a subject-access
request -> the head of year assembles the records -> the safeguarding part is
produced only after a DSL withholds a passage and approves -> the DSL releases
the pack. The admin follows the dates at every step and never sees the
safeguarding text, nor the pack."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from caseload.models import SubjectAccessRequest, add_months
from pastoral.models import AuditEvent
from tests.reports.conftest import pdf_text
from tests.reports.data import concern, full_record

SECRET = "RESTRICTED disclosure about home"
NAMED = "Tess Ten took her phone"


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _admin_sees_no_case_content(page: Any, sar: SubjectAccessRequest) -> str:
    page.goto(f"/caseload/reports/subject-access/{sar.pk}/")
    html = page.content()
    for text in (SECRET, "about home", NAMED, "MASH referral accepted", "Pastoral worry"):
        assert text not in html, text
    assert page.get_by_role("link", name=re.compile("safeguarding part")).count() == 0
    assert page.get_by_role("link", name=re.compile("records part")).count() == 0
    for part in ("safeguarding", "records", "release"):
        response = page.goto(f"/caseload/reports/subject-access/{sar.pk}/{part}/")
        assert response.status == 404, part
        assert SECRET not in page.content()
    page.goto("/caseload/reports/subject-access/")
    assert SECRET not in page.content()
    page.goto(f"/caseload/reports/subject-access/{sar.pk}/")
    return page.locator("main").inner_text()


def test_a_subject_access_request_from_record_to_release(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    records = full_record(world)
    named = concern(world, world.learner9, text=NAMED, restricted=True, days_ago=1)
    admin, hoy, dsl = world.user("admin"), world.user("hoy"), world.user("dsl")
    received = timezone.localdate() - dt.timedelta(days=1)
    due = add_months(received, 1).strftime("%-d %b %Y")

    # The admin records the request from the learner's directory card.
    browser_login(admin)
    page.goto(f"/learners/{world.learner9.pk}/")
    page.get_by_role("link", name="Subject-access request").click()
    page.get_by_label("Requester's name").fill("Pat Parent")
    page.get_by_label("Relationship to the learner").select_option("parent")
    page.get_by_label("Request received on").fill(received.isoformat())
    page.get_by_label("Identity checked by").fill("Reception")
    page.get_by_label("Identity checked on").fill(received.isoformat())
    page.get_by_label("How identity was checked").fill("Passport seen at reception")
    page.get_by_role("button", name="Record the request").click()
    page.get_by_text(re.compile(r"Request SAR-\d+ recorded: due " + re.escape(due))).wait_for()
    sar = SubjectAccessRequest.objects.get()
    text = _admin_sees_no_case_content(page, sar)
    assert "Open" in text and due in text
    _sign_out(page)

    # The head of year assembles the records part; the safeguarding part is not theirs.
    browser_login(hoy)
    page.goto(f"/caseload/reports/subject-access/{sar.pk}/")
    page.get_by_role("link", name="Assemble the records part").click()
    assert page.get_by_text("Phoned about attendance").first.is_visible()
    assert SECRET not in page.content()
    page.get_by_role("button", name="Records assembled").click()
    page.get_by_text("Records assembled.").wait_for()
    response = page.goto(f"/caseload/reports/subject-access/{sar.pk}/safeguarding/")
    assert response.status == 404
    _sign_out(page)

    # Still nothing of the safeguarding part for the admin.
    browser_login(admin)
    text = _admin_sees_no_case_content(page, sar)
    assert "Records assembled; safeguarding with the DSL" in text
    _sign_out(page)

    # The DSL reads the safeguarding part: the entry naming another learner is pointed out.
    browser_login(dsl)
    page.goto(f"/caseload/reports/subject-access/{sar.pk}/")
    page.get_by_role("link", name="Assemble and approve the safeguarding part").click()
    assert page.get_by_text(SECRET).first.is_visible()
    assert page.get_by_text(re.compile("names Tess Ten")).first.is_visible()
    # Withhold a passage of the restricted concern (serious harm) and the other learner's name.
    page.get_by_role("combobox", name=re.compile("^Entry")).select_option(
        f"concern:{records['restricted'].pk}"
    )
    page.get_by_label(re.compile("Words or passage to withhold")).fill("about home")
    page.get_by_label("Reason code").select_option("SH")
    page.get_by_role("button", name="Withhold", exact=True).click()
    page.get_by_text("Withheld. The part must be approved again.").wait_for()
    page.get_by_role("combobox", name=re.compile("^Entry")).select_option(f"concern:{named.pk}")
    page.get_by_label(re.compile("Words or passage to withhold")).fill("Tess Ten")
    page.get_by_label("Reason code").select_option("TP")
    page.get_by_role("button", name="Withhold", exact=True).click()
    page.get_by_text("Withheld. The part must be approved again.").wait_for()
    assert page.get_by_text(re.compile("names Tess Ten")).count() == 0
    page.get_by_role("button", name="Approve as DSL").click()
    page.get_by_text("Safeguarding part approved.").wait_for()
    _sign_out(page)

    # Approved but not released: the admin still sees dates and status only.
    browser_login(admin)
    text = _admin_sees_no_case_content(page, sar)
    assert "Ready to release" in text
    _sign_out(page)

    # The DSL releases the pack and downloads it: the withheld text is not in it.
    browser_login(dsl)
    page.goto(f"/caseload/reports/subject-access/{sar.pk}/release/")
    page.get_by_role("button", name="Generate and release the pack").click()
    page.wait_for_url("**/reports/*/")
    sar.refresh_from_db()
    job = sar.report_job
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download {job.filename}").click()
    content = tmp_path / "pack.pdf"
    info.value.save_as(str(content))
    pdf = pdf_text(content.read_bytes())
    assert "about home" not in pdf and "Tess Ten" not in pdf
    assert "RESTRICTED disclosure [SH]" in pdf
    assert "[TP] took her phone" in pdf
    assert "What was withheld, and why" in pdf
    _sign_out(page)

    # Released: the admin sees that it was, and nothing else; the pack is the DSL team's.
    browser_login(admin)
    text = _admin_sees_no_case_content(page, sar)
    assert "Released" in text
    response = page.goto(f"/reports/{job.pk}/")
    assert response.status == 404
    assert SECRET not in page.content()
    assert not AuditEvent.objects.filter(
        actor=admin, action__in=["reports.subject_access.downloaded", "caseload.sar.released"]
    ).exists()
