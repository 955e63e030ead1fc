"""The attendance pages as a user sees them; audit of views and changes; query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import ImportJob, Intervention, LetterTemplate, Mark, Target
from pastoral.access import Cap, learner_or_404, scope_for
from pastoral.models import AuditEvent
from tests.attendance.helpers import calendar, marks
from tests.conftest import sign_in
from tests.factories import LearnerFactory

TODAY = timezone.localdate()


def recent_monday(weeks_ago: int = 1) -> dt.date:
    return TODAY - dt.timedelta(days=TODAY.weekday()) - dt.timedelta(weeks=weeks_ago)


def test_the_learner_page_shows_summary_calendar_and_audits_the_view(
    client: Any, world: Any
) -> None:
    marks(world.learner9, ["/", "\\", "N", "N", "X", "X"] + ["/"] * 4, start=recent_monday())
    sign_in(client, world.user("hoy"), school=world.school)
    response = client.get(reverse("attendance:learner", kwargs={"pk": world.learner9.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "75.0%" in html and "of 8 possible sessions" in html
    assert "Reason for absence not yet established" in html, "codes are spelled out as text"
    assert AuditEvent.objects.filter(
        action="attendance.learner.viewed", learner=world.learner9, actor=world.user("hoy")
    ).exists()


def test_a_learner_with_no_sessions_shows_no_sessions(client: Any, world: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    html = client.get(reverse("attendance:learner", kwargs={"pk": world.learner10.pk})).content
    assert b"No sessions: there are no possible sessions" in html


def test_setting_a_target_records_the_baseline_and_shows_progress(client: Any, world: Any) -> None:
    calendar(world.school)
    marks(world.learner9, ["/"] * 8 + ["O"] * 2, start=recent_monday(2))
    sign_in(client, world.user("support"), school=world.school)
    url = reverse("attendance:target-create", kwargs={"pk": world.learner9.pk})
    response = client.post(
        url,
        {
            "target_percent": "95",
            "review_date": (TODAY + dt.timedelta(days=40)).isoformat(),
            "owner": world.user("support").pk,
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(learner=world.learner9)
    assert target.baseline_percent == Decimal("80.0")
    assert target.owner == world.user("support")
    assert AuditEvent.objects.filter(
        action="attendance.target.created", learner=world.learner9
    ).exists()
    page = client.get(
        reverse("attendance:learner", kwargs={"pk": world.learner9.pk})
    ).content.decode()
    assert "Target" in page and "95.0%" in page and "Baseline" in page and "80.0%" in page


def test_a_bad_target_is_refused_beside_the_field(client: Any, world: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    url = reverse("attendance:target-create", kwargs={"pk": world.learner9.pk})
    response = client.post(url, {"target_percent": "120", "review_date": "2001-01-01"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "less than or equal to 100" in html and "must be in the future" in html
    assert not Target.objects.exists()


def test_reviewing_a_target_keeps_the_review_and_can_close_it(world: Any) -> None:
    scope = scope_for(world.user("hoy"), world.school)
    target = services.target_create(
        scope=scope,
        learner=learner_or_404(scope, world.learner9.pk, Cap.SET_ATTENDANCE_TARGETS),
        target_percent=Decimal("95"),
        review_date=TODAY + dt.timedelta(days=30),
        owner=world.user("hoy"),
    )
    marks(
        world.learner9,
        ["/"] * 10,
        start=recent_monday(0) if TODAY.weekday() >= 4 else recent_monday(),
    )
    review = services.target_review(
        scope=scope, target=selectors.target_or_404(scope, target.pk), outcome="met"
    )
    target.refresh_from_db()
    assert target.status == Target.Status.CLOSED
    assert review.outcome == "met"
    assert AuditEvent.objects.filter(action="attendance.target.reviewed").exists()
    entries = selectors.timeline_entries_for(scope, world.learner9)
    titles = [e.title for e in entries]
    assert "Attendance target reviewed: Target met" in titles
    assert any(t.startswith("Attendance target set: 95") for t in titles)


def test_an_out_of_scope_target_is_not_found(client: Any, world: Any) -> None:
    from django.http import Http404

    scope = scope_for(world.user("hoy"), world.school)
    # The learner a target is set for comes from the selector, which 404s out of scope ...
    with pytest.raises(Http404):
        learner_or_404(scope, world.learner10.pk, Cap.SET_ATTENDANCE_TARGETS)
    # ... and the service refuses a learner of another school handed to it.
    with pytest.raises(Http404):
        services.target_create(
            scope=scope,
            learner=world.other_learner,
            target_percent=Decimal("95"),
            review_date=TODAY + dt.timedelta(days=30),
            owner=world.user("hoy"),
        )
    sign_in(client, world.user("hoy"), school=world.school)
    response = client.post(
        reverse("attendance:target-create", kwargs={"pk": world.learner10.pk}),
        {
            "target_percent": "95",
            "review_date": (TODAY + dt.timedelta(days=30)).isoformat(),
            "owner": world.user("hoy").pk,
        },
    )
    assert response.status_code == 404
    assert not Target.objects.exists()


def test_a_letter_is_written_from_the_schools_template(client: Any, world: Any) -> None:
    template = LetterTemplate.objects.create(
        school=world.school,
        name="Stage 1",
        body="Dear parent, {learner}'s attendance is {attendance}.",
    )
    marks(world.learner9, ["/"] * 9 + ["O"], start=recent_monday())
    sign_in(client, world.user("senco"), school=world.school)
    url = reverse("attendance:intervention-create", kwargs={"pk": world.learner9.pk})
    missing = client.post(
        url, {"kind": "letter", "date": TODAY.isoformat(), "owner": world.user("senco").pk}
    )
    assert "Choose a letter template for a letter." in missing.content.decode()
    response = client.post(
        url,
        {
            "kind": "letter",
            "date": TODAY.isoformat(),
            "owner": world.user("senco").pk,
            "letter_template": template.pk,
        },
    )
    assert response.status_code == 302
    letter = Intervention.objects.get(learner=world.learner9)
    assert letter.letter_text == "Dear parent, Nina Nine's attendance is 90.0%."
    assert AuditEvent.objects.filter(action="attendance.intervention.created").exists()


def test_the_pa_crossing_appears_on_the_timeline(world: Any) -> None:
    calendar(world.school)
    scope = scope_for(world.user("senco"), world.school)
    start = recent_monday(3)
    # Two weeks present (20 sessions), then a week absent. Monday of week 3: 2 of 22
    # missed (9.1%); Tuesday: 4 of 24 (16.7%): the crossing is that Tuesday.
    marks(world.learner9, ["/"] * 20 + ["O"] * 10, start=start)
    entries = [
        e for e in selectors.timeline_entries_for(scope, world.learner9) if "persistent" in e.title
    ]
    assert len(entries) == 1
    assert entries[0].when.date() == start + dt.timedelta(weeks=2, days=1)
    assert (
        selectors.timeline_entries_for(scope_for(world.user("hoy"), world.school), world.learner10)
        == []
    )


def test_todays_list_shows_n_and_missing_marks_and_logs_a_call(client: Any, world: Any) -> None:
    if TODAY.weekday() >= 5:
        pytest.skip("no registers at weekends")  # pragma: no cover
    extra = LearnerFactory(year_group=world.year9, legal_first_name="Ned", legal_last_name="Nomark")
    Mark.objects.create(
        school=world.school, learner=world.learner9, date=TODAY, session="AM", code="N"
    )
    Mark.objects.create(
        school=world.school, learner=world.learner10, date=TODAY, session="AM", code="/"
    )
    sign_in(client, world.user("senco"), school=world.school)
    html = client.get(reverse("attendance:today")).content.decode()
    assert "Nina Nine" in html and "Code N" in html
    assert "Ned Nomark" in html and "no mark" in html
    assert "Tess Ten" not in html
    response = client.post(
        reverse("attendance:quick-call", kwargs={"pk": extra.pk}),
        {"outcome": "Mum: dentist"},
        HTTP_HX_REQUEST="true",
    )
    assert "First-day call logged: Mum: dentist" in response.content.decode()
    call = Intervention.objects.get(learner=extra)
    assert call.kind == "first_day_call" and call.owner == world.user("senco")


def test_the_head_of_year_sees_only_their_years_on_today_s_list(client: Any, world: Any) -> None:
    Mark.objects.create(
        school=world.school, learner=world.learner9, date=TODAY, session="AM", code="N"
    )
    Mark.objects.create(
        school=world.school, learner=world.learner10, date=TODAY, session="AM", code="N"
    )
    sign_in(client, world.user("hoy"), school=world.school)
    html = client.get(reverse("attendance:today")).content.decode()
    assert "Nina Nine" in html and "Tess Ten" not in html


def test_a_browser_upload_is_previewed_then_runs_as_a_job(
    client: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    calendar(world.school)
    sign_in(client, world.user("admin"), school=world.school)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile(
        "marks.csv",
        f"UPN,Date,Session,Code\n{world.learner9.upn},2025-11-03,AM,Q9\n".encode(),
        content_type="text/csv",
    )
    response = client.post(reverse("attendance:import"), {"file": bad})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "attendance:import-detail", kwargs={"pk": job.pk}
    )
    assert job.status == ImportJob.Status.PREVIEW
    page = client.get(response.url).content.decode()
    assert "Nothing can be imported" in page and "not a DfE attendance code" in page
    assert "Confirm and import" not in page
    good = SimpleUploadedFile(
        "marks.csv", f"UPN,Date,Session,Code\n{world.learner9.upn},2025-11-03,AM,/\n".encode()
    )
    response = client.post(reverse("attendance:import"), {"file": good})
    job = ImportJob.objects.order_by("-pk").first()
    preview = client.get(response.url)
    assert "Confirm and import" in preview.text and Mark.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("attendance:import-confirm", kwargs={"pk": job.pk}),
            {"fingerprint": preview.context["fingerprint"]},
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.summary["created"] == 1
    fragment = client.get(
        reverse("attendance:import-detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "1 marks created" in fragment and "hx-get" not in fragment, "polling stops when done"


def test_an_unfinished_job_is_polled(client: Any, world: Any) -> None:
    job = ImportJob.objects.create(school=world.school, total_rows=100, processed_rows=40)
    sign_in(client, world.user("admin"), school=world.school)
    html = client.get(reverse("attendance:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert 'hx-trigger="every 1s"' in html and "40 of about 100 rows checked" in html


def test_running_a_job_twice_does_nothing_the_second_time(world: Any) -> None:
    calendar(world.school)
    job = ImportJob.objects.create(
        school=world.school,
        content=f"UPN,Date,Session,Code\n{world.learner9.upn},2025-11-03,AM,/\n",
    )
    assert services.import_job_run(job_id=job.pk).status == ImportJob.Status.DONE
    assert services.import_job_run(job_id=job.pk).status == ImportJob.Status.DONE
    assert Mark.objects.count() == 1


def _learners(world: Any, n: int) -> None:
    monday = recent_monday()
    for i in range(n):
        learner = LearnerFactory(year_group=world.year9 if i % 2 else world.year10)
        marks(learner, ["/"] * 6 + ["N"] * 4, start=monday)
        Target.objects.create(
            school=world.school,
            learner=learner,
            target_percent=95,
            baseline_percent=60,
            start=monday,
            review_date=TODAY + dt.timedelta(days=20),
            owner=world.user("senco"),
            created_by=world.user("senco"),
        )


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("attendance:dashboard", ""),
        ("attendance:learner-list", ""),
        ("attendance:learner-list", "?flag=pa"),
        ("attendance:learner-list", "?flag=falls"),
        ("attendance:learner-list", "?flag=below_target"),
        ("attendance:today", ""),
    ],
)
def test_query_counts_do_not_grow_with_the_number_of_learners(
    client: Any, world: Any, django_assert_max_num_queries: Any, name: str, query: str
) -> None:
    _learners(world, 3)
    sign_in(client, world.user("senco"), school=world.school)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse(name) + query)  # warm up: the first audit event creates the chain head
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name) + query).status_code == 200
    _learners(world, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name) + query).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


# Session, user, device, schools with roles, and their years (5); the academic year;
# every table and the four short lists (PA, SA, falls, below target) in one
# statement; the learners of the four lists in one query; and the audit event of
# the view (savepoint, the chain head read with its lock, insert, head update,
# release); the part-time timetable counts (one aggregate). None of these grows
# with the number of learners.
DASHBOARD_QUERIES = 7


def test_the_dashboard_query_count_is_pinned(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    _learners(world, 5)
    sign_in(client, world.user("hoy"), school=world.school)
    client.get(reverse("attendance:dashboard"))  # warm the session and the calendar
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get(reverse("attendance:dashboard"))


def test_the_below_target_lists_link_to_the_learner_not_the_target(client: Any, world: Any) -> None:
    # Targets numbered differently from learners: a list row once took the target's id.
    monday = recent_monday()
    for _ in range(7):
        Target.objects.create(
            school=world.school,
            learner=world.learner10,
            target_percent=95,
            baseline_percent=60,
            start=monday,
            review_date=TODAY + dt.timedelta(days=20),
            status=Target.Status.CLOSED,
            owner=world.user("senco"),
            created_by=world.user("senco"),
        )
    _learners(world, 1)
    learner = Target.objects.get(status=Target.Status.ACTIVE).learner
    assert Target.objects.get(status=Target.Status.ACTIVE).pk != learner.pk
    sign_in(client, world.user("senco"), school=world.school)
    link = reverse("attendance:learner", kwargs={"pk": learner.pk})
    for url in (
        reverse("attendance:dashboard"),
        reverse("attendance:learner-list") + "?flag=below_target",
    ):
        html = client.get(url).content.decode()
        assert f'href="{link}"' in html, url


def test_the_dashboard_says_how_many_are_in_each_list(client: Any, world: Any) -> None:
    _learners(world, 12)  # 60% each: persistent, not severe absence
    sign_in(client, world.user("senco"), school=world.school)
    html = client.get(reverse("attendance:dashboard")).content.decode()
    assert "All 12 learners in persistent absence" in html
    assert "The 10 with the lowest attendance." in html
    assert "No learners in severe absence." in html
    assert "in severe absence</a>" not in html


def _active_target(world: Any) -> Target:
    return Target.objects.create(
        school=world.school,
        learner=world.learner9,
        target_percent=95,
        baseline_percent=88,
        start=recent_monday(),
        review_date=TODAY + dt.timedelta(days=28),
        owner=world.user("senco"),
        created_by=world.user("senco"),
    )


@pytest.mark.parametrize(
    ("name", "kwargs", "action"),
    [
        ("attendance:dashboard", None, "attendance.dashboard.viewed"),
        ("attendance:learner-list", None, "attendance.learner_list.viewed"),
        ("attendance:learner", "learner", "attendance.learner.viewed"),
        ("attendance:today", None, "attendance.today.viewed"),
        ("attendance:target-create", "learner", "attendance.learner.viewed"),
        ("attendance:target-review", "target", "attendance.target.viewed"),
    ],
)
def test_a_page_of_case_data_is_audited_once(
    client: Any, world: Any, name: str, kwargs: str | None, action: str
) -> None:
    target = _active_target(world)
    pk = {"learner": world.learner9.pk, "target": target.pk}.get(kwargs or "")
    sign_in(client, world.user("senco"), school=world.school)
    before = AuditEvent.objects.count()
    response = client.get(reverse(name, kwargs={"pk": pk} if pk else None))
    assert response.status_code == 200
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == [action]
    assert events[0].actor == world.user("senco")
    if kwargs:
        assert events[0].learner == world.learner9


@pytest.mark.parametrize(
    ("name", "kwargs", "data"),
    [
        ("attendance:target-create", "learner", {"target_percent": "120"}),
        ("attendance:target-review", "target", {"outcome": "nonsense"}),
        ("attendance:intervention-create", "learner", {"kind": "letter"}),
        ("attendance:return-plan-create", "learner", {"reason": ""}),
    ],
)
def test_an_invalid_submission_answers_422_with_its_errors_and_audits_nothing(
    client: Any, world: Any, name: str, kwargs: str, data: dict[str, str]
) -> None:
    target = _active_target(world)
    pk = {"learner": world.learner9.pk, "target": target.pk}[kwargs]
    sign_in(client, world.user("senco"), school=world.school)
    client.get(reverse("attendance:dashboard"))  # the session's own events first
    before = AuditEvent.objects.count()
    response = client.post(reverse(name, kwargs={"pk": pk}), data)
    assert response.status_code == 422
    assert response.context["form"].errors, "the errors are shown with the form"
    assert AuditEvent.objects.count() == before


def test_an_invalid_upload_answers_422(client: Any, world: Any) -> None:
    sign_in(client, world.user("admin"), school=world.school)
    response = client.post(reverse("attendance:import"), {})
    assert response.status_code == 422
    assert not ImportJob.objects.exists()


def test_a_services_validation_error_goes_beside_its_field(client: Any, world: Any) -> None:
    from unittest import mock

    from django.core.exceptions import ValidationError

    sign_in(client, world.user("senco"), school=world.school)
    url = reverse("attendance:target-create", kwargs={"pk": world.learner9.pk})
    refusal = ValidationError({"review_date": "The service refused this review date."})
    with mock.patch.object(services, "target_create", side_effect=refusal):
        response = client.post(
            url,
            {
                "target_percent": "95",
                "review_date": (TODAY + dt.timedelta(days=30)).isoformat(),
                "owner": world.user("senco").pk,
            },
        )
    assert response.status_code == 422
    assert response.context["form"].errors["review_date"] == [
        "The service refused this review date."
    ]
    assert "The service refused this review date." in response.content.decode()
