"""Issue 19: a school goes live by itself, from an empty database (no demo).

A superuser creates the trust and the school with `manage.py create_school`,
which invites the school administrator. The administrator opens the link, sets
a password and an authenticator, enters the term, imports learners with their
parents (CSV), a joining pupil from a Common Transfer File, staff and a week of
marks (each with a preview), and invites the DSL;
the server makes that person the first DSL (`manage.py grant_first_dsl`). The
DSL accepts, enrols and works (logs and opens a concern), and the go-live
checklist on the administrator's home page turns green.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from attendance.models import Mark
from pastoral.models import Contact, Learner, Membership, Role, School, Term
from pastoral.upn import make_upn
from safeguarding.models import Concern
from tests.browser.test_invitation_journey import LINK, PASSWORD, _code_from_key, _fresh_page

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ("dsl", "term_dates", "learners", "staff", "parents")
AMELIA, OLIVER, MAYA = (make_upn(330, 4001, 13, n) for n in (1, 2, 3))


def _accept(page: Any, link: str) -> None:
    """Open an invitation link: password, authenticator, recovery codes, home."""
    page.goto(link)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    key = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code").fill(_code_from_key(key))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.wait_for_load_state()


def _weekdays_before(today: dt.date, n: int) -> list[dt.date]:
    days, day = [], today - dt.timedelta(days=1)
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _status(page: Any, key: str) -> str:
    return page.locator(f"#golive-{key}").inner_text()


def _import(page: Any, kind: str, path: Path) -> None:
    page.goto("/imports/")
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("File (CSV in UTF-8, or a CTF's XML)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_text("Preview: nothing has been changed yet").wait_for()
    page.get_by_role("button", name="Import these changes").click()
    page.get_by_role("status").filter(has_text="Imported").first.wait_for()


def test_a_school_goes_live_from_an_empty_database(
    page: Any, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    assert not School.objects.exists() and not Learner.objects.exists()
    today = timezone.localdate()
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))

    # The server: the trust, the school and its administrator's invitation.
    mail.outbox.clear()
    out = StringIO()
    call_command(
        "create_school",
        name="Oakfield Academy",
        urn="137000",
        la_code="330",
        trust="Oak Learning Trust",
        admin_email="sam.bursar@oakfield.test",
        admin_name="Sam Bursar",
        stdout=out,
    )
    (invite,) = [m for m in mail.outbox if m.to == ["sam.bursar@oakfield.test"]]
    link = LINK.search(invite.body).group(1)
    assert link in out.getvalue()
    school = School.objects.get(urn="137000")

    # The administrator sets up their account and sees what is missing.
    _accept(page, link)
    checklist = page.get_by_role("region", name="Go-live checklist")
    for key in CHECKLIST:
        assert "To do" in checklist.locator(f"#golive-{key}").inner_text(), key

    # The term we are in (the school year starts at the term's first day).
    first = today - dt.timedelta(days=today.weekday() + 35)  # a Monday five weeks ago
    last = first + dt.timedelta(weeks=12) + dt.timedelta(days=4)  # a Friday
    page.get_by_role("link", name="School settings").first.click()
    page.get_by_role("link", name="Term dates and closures").click()
    form = page.get_by_role("form", name="Add a term")
    form.get_by_label("Term name").fill("Autumn term")
    form.get_by_label("First day").fill(first.isoformat())
    form.get_by_label("Last day").fill(last.isoformat())
    form.get_by_role("button", name="Add term").click()
    page.get_by_role("table", name="Terms").get_by_role("rowheader", name="Autumn term").wait_for()
    assert Term.objects.filter(academic_year__school=school).count() == 1

    # Learners with their parents, from the MIS's CSV.
    learners = tmp_path / "learners.csv"
    learners.write_text(
        "upn,legal_first_name,legal_last_name,date_of_birth,gender,year_group,reg_group,"
        "contact1_name,contact1_relationship,contact1_parental_responsibility,contact1_phone\n"
        f"{AMELIA},Amelia,Khan,2013-10-02,F,Year 9,9A,Sara Khan,Mother,Y,01632 960101\n"
        f"{OLIVER},Oliver,O'Neill,2012-05-14,M,Year 10,10B,Joe O'Neill,Father,Y,01632 960102\n"
        f"{MAYA},Maya,Patel,2013-01-20,F,Year 9,9A,,,,\n",
        encoding="utf-8",
    )
    _import(page, "Learners", learners)
    assert Learner.objects.filter(school=school).count() == 3
    # The MIS file brought the school's year and registration groups with it.
    assert sorted(school.year_groups.values_list("name", flat=True)) == ["Year 10", "Year 9"]
    page.goto("/")
    assert "Done" in _status(page, "learners")
    assert "1 of 3 learners have no parent" in _status(page, "parents")

    # The last learner's carer, from the contacts CSV.
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "upn,name,relationship,parental_responsibility,priority,phone\n"
        f"{MAYA},Ravi Patel,Father,Y,1,01632 960103\n",
        encoding="utf-8",
    )
    _import(page, "Parents and carers", contacts)
    assert Contact.objects.filter(learner__school=school).count() == 3
    page.goto("/")
    assert "Done" in _status(page, "parents")

    # A pupil joining from another school, from the Common Transfer File the
    # previous school's MIS sent (the documented v25 sample, joining Year 9).
    ctf = tmp_path / "arrival.xml"
    sample = (ROOT / "docs" / "ctf" / "sample-v25.xml").read_text(encoding="utf-8")
    ctf.write_text(
        sample.replace("<NCyearActual>6</NCyearActual>", "<NCyearActual>9</NCyearActual>"),
        encoding="utf-8",
    )
    _import(page, "Common Transfer File (CTF)", ctf)
    zofia = Learner.objects.get(school=school, upn="V873210726002")
    assert zofia.year_group.name == "Year 9"
    assert Contact.objects.filter(learner=zofia).exists()

    # Staff: a teacher from the staff CSV.
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "email,full_name,job_title,roles,hoy_year_groups\n"
        "t.jones@oakfield.test,Tom Jones,Teacher of Maths,staff,\n",
        encoding="utf-8",
    )
    _import(page, "Staff", staff)
    assert Membership.objects.filter(school=school, user__email="t.jones@oakfield.test").exists()

    # A week of marks, one row per mark, previewed then confirmed.
    days = _weekdays_before(today, 5)
    rows = ["UPN,Date,Session,Code,Minutes late"]
    for upn in (AMELIA, OLIVER, MAYA):
        for day in days:
            for session in ("AM", "PM"):
                unexplained = upn == MAYA and day == days[-1] and session == "AM"
                rows.append(f"{upn},{day.isoformat()},{session},{'N' if unexplained else '/'},")
    marks = tmp_path / "marks.csv"
    marks.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Attendance import"
    ).click()
    page.get_by_label("CSV file of marks").set_input_files(str(marks))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Check the import of marks.csv").wait_for()
    assert Mark.objects.filter(school=school).count() == 0
    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_text("marks created").wait_for()
    assert Mark.objects.filter(school=school).count() == 30
    assert Mark.objects.get(learner__upn=MAYA, date=days[-1], session="AM").code == "N"

    # The DSL: invited with the role, which waits for a DSL's approval ...
    page.goto("/accounts/invitations/new/")
    page.get_by_label("Full name").fill("Della Lead")
    page.get_by_label("E-mail").fill("d.lead@oakfield.test")
    page.get_by_label("Job title").fill("Deputy Head, DSL")
    page.get_by_label("Role beyond staff (optional)").select_option(label="DSL")
    mail.outbox.clear()
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to d.lead@oakfield.test").wait_for()
    assert not Membership.objects.filter(school=school, role=Role.DSL).exists()
    (dsl_mail,) = [m for m in mail.outbox if m.to == ["d.lead@oakfield.test"]]
    # ... and there is none yet, so the server makes the first one (ACCESS.md).
    call_command(
        "grant_first_dsl", school="137000", email="d.lead@oakfield.test", stdout=StringIO()
    )
    dsl = _fresh_page(browser, live_server)
    _accept(dsl, LINK.search(dsl_mail.body).group(1))

    # The DSL works: logs a concern about an imported learner, opens it from the inbox.
    dsl.goto("/safeguarding/")
    dsl.locator("#learner-search").fill("may")
    dsl.get_by_role("button", name=re.compile("Add Maya Patel")).click()
    dsl.get_by_label("Where").fill("Playground")
    dsl.get_by_label("Neglect").check()
    dsl.get_by_label("What was seen or said (verbatim)").fill("She said she had no breakfast.")
    dsl.get_by_role("button", name="Submit concern").click()
    dsl.wait_for_load_state()
    concern = Concern.objects.get(school=school)
    dsl.goto("/safeguarding/inbox/")
    dsl.get_by_role("link", name=concern.reference).click()
    dsl.get_by_role("link", name="Triage this concern").wait_for()

    # Everything on the checklist is done, and the home page stops showing it.
    page.goto("/school/settings/checklist/")
    for key in CHECKLIST:
        assert "Done" in _status(page, key), (key, _status(page, key))
    page.goto("/")
    assert page.get_by_role("region", name="Go-live checklist").count() == 0
