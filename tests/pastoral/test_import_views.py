"""The browser import: upload → preview → confirm, as the school administrator."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pastoral.models import AuditEvent, ImportBatch, Learner
from tests.conftest import World, sign_in
from tests.pastoral.importdata import learner_row, learners_csv, to_csv, upn


def admin_client(client: Client, world: World) -> Client:
    return sign_in(client, world.user("admin"), school=world.school)


def upload(client: Client, data: bytes, kind: str = "learners", name: str = "mis.csv") -> Any:
    return client.post(
        reverse("pastoral:import-start"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def confirm_form_fingerprint(html: str) -> str:
    marker = 'name="fingerprint" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_upload_preview_confirm_imports_the_learners(client: Client, world: World) -> None:
    admin_client(client, world)
    response = upload(client, learners_csv(3))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("pastoral:import-detail", args=[batch.pk])
    assert not Learner.objects.filter(upn=upn(1)).exists()  # nothing written on upload

    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "Preview: nothing has been changed yet" in html
    assert "<strong>3</strong> to create" in html
    assert "Ada1 Lovelace1" in html and upn(1) in html
    assert not Learner.objects.filter(upn=upn(1)).exists()  # nor on preview

    done = client.post(
        reverse("pastoral:import-confirm", args=[batch.pk]),
        {"fingerprint": confirm_form_fingerprint(html)},
        follow=True,
    )
    assert "Imported: 3 created, 0 updated, 0 unchanged." in done.content.decode()
    assert (
        Learner.objects.filter(school=world.school, upn__in=[upn(1), upn(2), upn(3)]).count() == 3
    )
    batch.refresh_from_db()
    assert batch.status == "applied" and bytes(batch.content) == b""
    assert batch.counts["create"] == 3
    event = AuditEvent.objects.get(action="pastoral.import.learners")
    assert event.actor == world.user("admin") and event.changes["created"] == 3


def test_the_preview_shows_field_level_changes(client: Client, world: World) -> None:
    admin_client(client, world)
    learner = world.learner9
    row = learner_row(
        0,
        UPN=learner.upn,
        **{
            "Legal First Name": "Nina",
            "Legal Last Name": "Nine-Smith",
            "Date of Birth": learner.date_of_birth.isoformat(),
            "Gender": learner.gender,
        },
    )
    response = upload(client, to_csv([row]))
    html = client.get(response["Location"]).content.decode()
    assert "<strong>1</strong> to update" in html
    assert "Legal last name: <del>Nine</del> → Nine-Smith" in html


def test_a_second_upload_of_the_same_file_has_nothing_to_import(
    client: Client, world: World
) -> None:
    admin_client(client, world)
    first = upload(client, learners_csv(2))
    html = client.get(first["Location"]).content.decode()
    client.post(first["Location"] + "confirm/", {"fingerprint": confirm_form_fingerprint(html)})
    again = client.get(upload(client, learners_csv(2))["Location"]).content.decode()
    assert "<strong>0</strong> to create" in again and "<strong>0</strong> to update" in again
    assert "there is nothing to import" in again
    assert 'name="fingerprint"' not in again


def test_a_bad_file_lists_line_column_and_reason(client: Client, world: World) -> None:
    admin_client(client, world)
    data = to_csv(
        [
            learner_row(1, **{"Legal First Name": '=HYPERLINK("http://x.example","Hi")'}),
            learner_row(2, **{"Year Group": "Year 20"}),
            learner_row(1),
        ]
    )
    html = client.get(upload(client, data)["Location"]).content.decode()
    assert "Nothing can be imported: 3 problems found" in html
    assert "<td>2</td><td>Legal First Name</td><td>starts with &#x27;=&#x27;" in html
    assert "<td>3</td><td>Year Group</td>" in html
    assert "<td>4</td><td>UPN</td>" in html
    assert 'name="fingerprint"' not in html  # no way to confirm
    assert not Learner.objects.filter(upn__in=[upn(1), upn(2)]).exists()


def test_a_file_in_another_encoding_is_explained(client: Client, world: World) -> None:
    admin_client(client, world)
    data = to_csv([learner_row(1, **{"Legal Last Name": "Brontë"})]).decode().encode("cp1252")
    html = client.get(upload(client, data)["Location"]).content.decode()
    assert "not UTF-8" in html and "CSV UTF-8" in html


def test_a_50_mb_upload_is_refused_beside_the_field(client: Client, world: World) -> None:
    admin_client(client, world)
    big = learners_csv(1) + b"\n" * (50 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The file is 50.0 MB; the limit is 40 MB" in html
    assert 'id="id_file"' in html and "is-invalid" in html
    assert not ImportBatch.objects.exists()


def test_a_preview_that_went_stale_imports_nothing(client: Client, world: World) -> None:
    admin_client(client, world)
    location = upload(client, learners_csv(2))["Location"]
    fingerprint = confirm_form_fingerprint(client.get(location).content.decode())
    Learner.objects.create(
        school=world.school,
        upn=upn(1),
        legal_first_name="Someone",
        legal_last_name="Else",
        date_of_birth="2012-01-01",
        gender="M",
        year_group=world.year9,
    )
    response = client.post(location + "confirm/", {"fingerprint": fingerprint}, follow=True)
    html = response.content.decode()
    assert "Nothing was imported. file: The data changed since the preview" in html
    assert "<strong>1</strong> to update" in html  # the fresh preview
    assert not Learner.objects.filter(upn=upn(2)).exists()
    assert ImportBatch.objects.get().status == "pending"


def test_confirming_twice_imports_once(client: Client, world: World) -> None:
    admin_client(client, world)
    location = upload(client, learners_csv(1))["Location"]
    fingerprint = confirm_form_fingerprint(client.get(location).content.decode())
    client.post(location + "confirm/", {"fingerprint": fingerprint})
    second = client.post(location + "confirm/", {"fingerprint": fingerprint}, follow=True)
    assert "This file was imported already." in second.content.decode()
    assert AuditEvent.objects.filter(action="pastoral.import.learners").count() == 1


def test_discard_deletes_the_upload(client: Client, world: World) -> None:
    admin_client(client, world)
    location = upload(client, learners_csv(1))["Location"]
    response = client.post(location + "discard/", follow=True)
    assert "nothing was imported" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_staff_upload_previews_role_changes(client: Client, world: World) -> None:
    admin_client(client, world)
    data = b"email,full_name,roles,hoy_year_groups\r\nnew.hoy@school.test,New Hoy,hoy,Year 10\r\n"
    html = client.get(upload(client, data, kind="staff")["Location"]).content.decode()
    assert "Role: Head of year: requested: awaits DSL approval" in html
    assert "Head of year for: Year 10" in html


def test_the_nav_offers_imports_to_the_administrator_only(client: Client, world: World) -> None:
    url = reverse("pastoral:import-start")
    html = admin_client(client, world).get(reverse("home")).content.decode()
    assert f'href="{url}"' in html
    other = Client()
    sign_in(other, world.user("dsl"), school=world.school)
    assert f'href="{url}"' not in other.get(reverse("home")).content.decode()


# Session, user, device, memberships with their schools, the batch, year groups,
# reg groups, the school's learners.
PREVIEW_QUERIES = 6


def test_the_preview_query_count_is_pinned_and_independent_of_the_file(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    admin_client(client, world)
    for size in (5, 250):
        location = upload(client, learners_csv(size))["Location"]
        with django_assert_num_queries(PREVIEW_QUERIES):
            assert client.get(location).status_code == 200
        with django_assert_num_queries(PREVIEW_QUERIES):
            assert client.get(location + "?page=3").status_code == 200


def test_unconfirmed_uploads_are_deleted_after_a_day(client: Client, world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    admin_client(client, world)
    stale = ImportBatch.objects.create(
        school=world.school,
        uploaded_by=world.user("admin"),
        kind="learners",
        filename="old.csv",
        size=3,
        content=b"old",
        created_at=timezone.now() - dt.timedelta(days=2),
    )
    upload(client, learners_csv(1))
    assert not ImportBatch.objects.filter(pk=stale.pk).exists()
    assert ImportBatch.objects.count() == 1
