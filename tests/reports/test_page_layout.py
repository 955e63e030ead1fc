"""Issue 18, reports: read back page by page (pdftotext -f N -l N), no page of
a transfer report, case-conference summary or CP pack holds only a heading or
only "Nothing recorded", and no section heading sits alone at the foot of a
page. The transfer report carries return-to-school plans, the part-time
timetable, SEN detail and the wording of letters sent; the CP pack opens with
its index on page 1 and ends with the receipt slip."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import Any

from django.urls import reverse
from django.utils import timezone

from attendance.models import Intervention as AttendanceIntervention
from attendance.models import LetterTemplate, ReturnPlan
from caseload.models import Need, Plan
from caseload.reports.transfer import CONFERENCE_SECTIONS, TRANSFER_SECTIONS
from pastoral.reports.models import ReportJob
from tests.reports import test_reports
from tests.reports.conftest import job_text
from tests.reports.data import full_record
from tests.reports.test_reports import ALL_TRANSFER_SECTIONS, _post

TITLES = {label for _key, label in TRANSFER_SECTIONS + CONFERENCE_SECTIONS} | {
    "Attendance history and targets",
    "Contacts since the date",
    "Index",
    "Transfer",
    "Sending DSL",
    "Learner",
    "Child-protection chronology",
    "Investigations: this learner's part",
    "Attachments",
    "Redactions",
    "Receipt slip for the receiving DSL",
}


def pages_of(content: bytes, tmp_path: Any) -> list[list[str]]:
    """Each page's lines (running header and footer left out)."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    pages = []
    for n in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        lines = [" ".join(line.split()) for line in text.splitlines()]
        pages.append([line for line in lines if line and not _furniture(line)])
    return pages


def _furniture(line: str) -> bool:
    return bool(
        re.search(r"Page \d+ of \d+$", line)
        or "CONFIDENTIAL — exported by" in line
        or line.startswith("Oakfield Test School")
    )


def lonely_pages(pages: list[list[str]]) -> list[str]:
    """Pages that hold only headings / "Nothing recorded", or end on a heading."""
    problems = []
    for number, lines in enumerate(pages, start=1):
        body = [x for x in lines if x not in TITLES and not x.startswith("Nothing recorded")]
        if not body:
            problems.append(f"page {number} holds only {lines}")
        elif lines[-1] in TITLES:
            problems.append(f"page {number} ends on the heading {lines[-1]!r}")
    return problems


def _job_pdf(job: ReportJob) -> bytes:
    return job.read_bytes()


def _transfer_extras(world: Any) -> None:
    learner = world.learner9
    today = timezone.localdate()
    hoy = world.user("hoy")
    ReturnPlan.objects.create(
        school=world.school,
        learner=learner,
        absent_from=today - dt.timedelta(days=30),
        return_date=today - dt.timedelta(days=10),
        reason="Anxiety after a bereavement",
        reduced_timetable=True,
        support="Mornings only for two weeks, then full time",
        review_date=today + dt.timedelta(days=4),
        owner=hoy,
        created_by=hoy,
    )
    letter = LetterTemplate.objects.create(
        school=world.school, name="First letter", body="Dear parent, attendance has fallen."
    )
    AttendanceIntervention.objects.create(
        school=world.school,
        learner=learner,
        kind=AttendanceIntervention.Kind.LETTER,
        letter_template=letter,
        letter_text="Dear Ms Parent, Nina's attendance is 88% this term.",
        owner=hoy,
        created_by=hoy,
    )
    need = Need.objects.create(school=world.school, name="Speech, language and communication")
    sen = Plan.objects.create(
        school=world.school,
        learner=learner,
        type=Plan.Type.SEN_SUPPORT,
        status=Plan.Status.ACTIVE,
        start=today - dt.timedelta(days=60),
        next_review=today + dt.timedelta(days=20),
    )
    sen.needs.add(need)


def _transfer(client: Any, world: Any) -> ReportJob:
    return _post(
        client,
        world,
        "senco",
        reverse("caseload_reports:transfer", args=[world.learner9.pk]),
        {"sections": ALL_TRANSFER_SECTIONS, "destination": "Riverside Academy"},
    )


def test_a_full_transfer_report_flows_and_carries_the_whole_record(
    world: Any, client: Any, tmp_path: Any
) -> None:
    full_record(world)
    _transfer_extras(world)
    job = _transfer(client, world)
    pages = pages_of(_job_pdf(job), tmp_path)
    text = job_text(job)
    assert lonely_pages(pages) == []
    assert "Return-to-school plan" in text and "Anxiety after a bereavement" in text
    assert "Part-time timetable (C2)" in text and "Agreed, temporary" in text
    assert "Speech, language and communication" in text and "SEN support plans" in text
    assert "Nina's attendance is 88% this term" in text  # the letter's wording
    assert len(pages) < len(ALL_TRANSFER_SECTIONS)


def test_an_empty_transfer_report_is_not_a_page_per_nothing_recorded(
    world: Any, client: Any, tmp_path: Any
) -> None:
    pages = pages_of(_job_pdf(_transfer(client, world)), tmp_path)
    assert lonely_pages(pages) == []
    assert len(pages) <= 2
    assert sum(" ".join(p).count("Nothing recorded") for p in pages) >= 4


def test_case_conference_headings_keep_with_their_content(
    world: Any, client: Any, tmp_path: Any
) -> None:
    full_record(world)
    _transfer_extras(world)
    data = {
        "since": (timezone.localdate() - dt.timedelta(days=90)).isoformat(),
        "meeting": "Review child protection conference",
        "sections": [key for key, _label in CONFERENCE_SECTIONS],
    }
    url = reverse("caseload_reports:case-conference", args=[world.learner9.pk])
    pages = pages_of(_job_pdf(_post(client, world, "dsl", url, data)), tmp_path)
    assert lonely_pages(pages) == []


def test_the_cp_pack_opens_with_its_index_and_ends_with_the_receipt_slip(
    world: Any, client: Any, tmp_path: Any
) -> None:
    records = full_record(world)
    job = test_reports.TestCPFileTransfer()._send(client, world)
    pages = pages_of(_job_pdf(job), tmp_path)
    first = " ".join(pages[0])
    assert "Index" in pages[0]
    for concern in (records["pastoral"], records["restricted"]):
        assert concern.reference in first
    last = " ".join(pages[-1])
    assert "Receipt slip for the receiving DSL" in last and "Received by (name)" in last
    assert "Receipt slip" not in " ".join(" ".join(p) for p in pages[:-1])
    assert lonely_pages(pages) == []
    assert len(pages) <= 5  # ten sections that flow: not a page per section or per entry


def test_the_caseload_review_names_the_exporters_role_once(world: Any, client: Any) -> None:
    senco = world.user("senco")
    senco.job_title = "SENCO"
    senco.save(update_fields=["job_title"])
    job = _post(client, world, "senco", reverse("caseload_reports:caseload-review"), {})
    text = job_text(job)
    assert f"{senco.full_name}, SENCO" in text
    assert "SENCO (SENCO)" not in text
