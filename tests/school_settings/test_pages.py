"""The school settings pages as the administrator (and the DSL) uses them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import LetterTemplate
from pastoral.calendar import is_school_day
from pastoral.models import AuditEvent, BankHolidayOpening, Closure, School, Term
from tests.conftest import sign_in
from tests.school_settings.data import GOOD_CSV, GOOD_ROWS, csv_of

D = dt.date
TERMS = reverse("school_settings:terms")


def _admin(client: Any, world: Any) -> Any:
    return sign_in(client, world.user("admin"), school=world.school)


def test_the_hub_lists_the_admins_sections_and_only_categories_for_the_dsl(world, client) -> None:
    _admin(client, world)
    page = client.get(reverse("school_settings:hub")).text
    assert "Term dates and closures" in page and "Attendance letter templates" in page
    assert "Concern categories" not in page
    sign_in(client, world.user("dsl"), school=world.school)
    page = client.get(reverse("school_settings:hub")).text
    assert reverse("safeguarding:categories") in page
    assert "Term dates and closures" not in page


def test_saving_school_details_is_audited(world, client) -> None:
    _admin(client, world)
    response = client.post(
        reverse("school_settings:details"),
        {
            "name": "Oakfield Academy",
            "la_code": "330",
            "phase": "secondary",
            "headteacher": "Ms Ali",
        },
    )
    assert response.status_code == 302
    school = School.objects.get(pk=world.school.pk)
    assert (school.name, school.headteacher) == ("Oakfield Academy", "Ms Ali")
    event = AuditEvent.objects.get(action="pastoral.school.details_updated")
    assert event.changes["name"] == {"from": "Oakfield Test School", "to": "Oakfield Academy"}


def test_session_times_out_of_order_are_refused(world, client) -> None:
    _admin(client, world)
    response = client.post(
        reverse("school_settings:sessions"),
        {
            "am_session_start": "09:30",
            "am_register_closes": "09:10",
            "pm_session_start": "13:15",
            "pm_register_closes": "13:45",
        },
    )
    assert response.status_code == 422 and "must run in order" in response.text
    assert School.objects.get(pk=world.school.pk).am_session_start == dt.time(8, 40)


def test_thresholds_and_retention_are_kept_in_range(world, client) -> None:
    _admin(client, world)
    bad = client.post(
        reverse("school_settings:reminders"),
        {"triage_limit_hours": 0, "rising_concern_count": 3, "rising_concern_days": 14},
    )
    assert bad.status_code == 422 and "from 1 to 168" in bad.text
    assert (
        client.post(
            reverse("school_settings:retention"), {"pastoral_retention_years": 99}
        ).status_code
        == 422
    )
    assert (
        client.post(
            reverse("school_settings:retention"), {"pastoral_retention_years": 7}
        ).status_code
        == 302
    )
    assert School.objects.get(pk=world.school.pk).pastoral_retention_years == 7
    assert AuditEvent.objects.filter(action="pastoral.school.retention_updated").exists()


def test_a_term_entered_on_screen_and_an_overlapping_one_refused(world, client) -> None:
    _admin(client, world)
    ok = client.post(
        reverse("school_settings:term-add"),
        {"name": "Autumn term", "start": "2026-09-03", "end": "2026-12-18"},
    )
    assert ok.status_code == 302
    term = Term.objects.get(academic_year__school=world.school)
    assert term.academic_year.name == "2026/27"
    assert AuditEvent.objects.filter(action="pastoral.term.created").exists()
    clash = client.post(
        reverse("school_settings:term-add"),
        {"name": "Extra", "start": "2026-12-01", "end": "2026-12-22"},
    )
    assert clash.status_code == 422 and "overlaps Autumn term" in clash.text
    outside = client.post(
        reverse("school_settings:term-add"),
        {"name": "Summer", "start": "2027-06-01", "end": "2027-09-10"},
    )
    assert outside.status_code == 422 and "outside the academic year 2026/27" in outside.text
    assert Term.objects.filter(academic_year__school=world.school).count() == 1


def test_a_closure_on_a_weekend_is_refused_on_screen(world, client) -> None:
    _admin(client, world)
    response = client.post(
        reverse("school_settings:closure-add"),
        {"kind": "inset", "name": "INSET", "start": "2026-10-03"},
    )
    assert response.status_code == 422 and "is a Saturday" in response.text
    assert not Closure.objects.filter(school=world.school).exists()
    ok = client.post(
        reverse("school_settings:closure-add"),
        {"kind": "holiday", "name": "Half term", "start": "2026-10-26", "end": "2026-10-30"},
    )
    assert ok.status_code == 302
    assert Closure.objects.filter(school=world.school).count() == 5
    run = Closure.objects.filter(school=world.school).first()
    client.post(reverse("school_settings:closure-delete", args=[run.pk]))
    assert not Closure.objects.filter(school=world.school).exists()


def test_bank_holidays_are_shown_closed_and_one_can_be_made_a_school_day(world, client) -> None:
    _admin(client, world)
    client.post(
        reverse("school_settings:term-add"),
        {"name": "Summer", "start": "2027-04-12", "end": "2027-07-21"},
    )
    page = client.get(TERMS + "?year=" + str(Term.objects.get().academic_year_id)).text
    assert "May Day" in page and "Spring Bank Holiday" in page
    may_day = D(2027, 5, 3)
    assert not is_school_day(world.school, may_day)
    response = client.post(
        reverse("school_settings:bank-holiday"),
        {"date": "2027-05-03", "open": "on", "reason": "GCSE exam"},
    )
    assert response.status_code == 302
    assert is_school_day(world.school, may_day)
    assert BankHolidayOpening.objects.get(school=world.school).reason == "GCSE exam"
    assert AuditEvent.objects.filter(action="pastoral.bank_holiday.opened").exists()
    client.post(reverse("school_settings:bank-holiday"), {"date": "2027-05-03"})
    assert not is_school_day(world.school, may_day)
    not_one = client.post(
        reverse("school_settings:bank-holiday"), {"date": "2027-05-04", "open": "on"}
    )
    assert not_one.status_code == 422 and not BankHolidayOpening.objects.exists()


def test_the_terms_page_costs_a_fixed_number_of_queries(
    world, client, django_assert_num_queries
) -> None:
    _admin(client, world)
    client.post(
        reverse("school_settings:term-import"), {"file": SimpleUploadedFile("t.csv", GOOD_CSV)}
    )
    batch_url = client.post(
        reverse("school_settings:term-import"), {"file": SimpleUploadedFile("t.csv", GOOD_CSV)}
    )["Location"]
    detail = client.get(batch_url)
    client.post(batch_url + "confirm/", {"fingerprint": detail.context["fingerprint"]})
    assert Term.objects.filter(academic_year__school=world.school).count() == 3
    client.get(TERMS)  # warm the session and caches
    with django_assert_num_queries(7):
        assert (
            client.get(TERMS + "?year=" + str(Term.objects.first().academic_year_id)).status_code
            == 200
        )


def test_an_upload_with_errors_shows_them_by_line_and_writes_nothing(world, client) -> None:
    _admin(client, world)
    bad = csv_of(GOOD_ROWS[0], "INSET,INSET day,2026-10-03,,2026/27")
    response = client.post(
        reverse("school_settings:term-import"), {"file": SimpleUploadedFile("la.csv", bad)}
    )
    page = client.get(response["Location"]).text
    assert "Nothing can be imported" in page and "<td>3</td><td>Start</td>" in page
    assert not Term.objects.filter(academic_year__school=world.school).exists()


def test_the_checklist_shows_what_is_missing_and_the_home_page_shows_it_to_the_admin(
    world, client
) -> None:
    _admin(client, world)
    home = client.get("/").text
    assert "Go-live checklist" in home and "Term dates for this academic year" in home
    checklist = {
        i.key: i for i in client.get(reverse("school_settings:checklist")).context["items"]
    }
    assert checklist["dsl"].done  # the world has a DSL
    assert checklist["learners"].done and not checklist["term_dates"].done
    assert not checklist["parents"].done
    assert checklist["parents"].detail == "2 of 2 learners have no parent or carer recorded"
    assert not checklist["staff"].done  # nobody in the world has an authenticator
    sign_in(client, world.user("dsl"), school=world.school)
    assert "Go-live checklist" not in client.get("/").text


def test_a_letter_template_is_edited_with_a_preview_and_unknown_placeholders_refused(
    world, client
) -> None:
    _admin(client, world)
    preview = client.post(
        reverse("attendance:letter-preview"), {"body": "Dear parent of {learner}, {oops}"}
    )
    assert "Dear parent of Sam Sample" in preview.text and "{oops}" in preview.text
    bad = client.post(reverse("attendance:letter-create"), {"name": "First", "body": "Hi {oops}"})
    assert bad.status_code == 422 and "Unknown placeholder" in bad.text
    assert not LetterTemplate.objects.exists()
    ok = client.post(
        reverse("attendance:letter-create"), {"name": "First", "body": "<b>Dear</b> {learner}"}
    )
    assert ok.status_code == 302
    letter = LetterTemplate.objects.get(school=world.school)
    page = client.get(reverse("attendance:letter-edit", args=[letter.pk])).text
    assert "&lt;b&gt;Dear&lt;/b&gt; Sam Sample" in page
    assert AuditEvent.objects.filter(action="attendance.letter_template.created").exists()
