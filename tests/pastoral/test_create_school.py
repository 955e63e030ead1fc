"""manage.py create_school: a school and its first administrator, from nothing."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from pastoral.models import AuditEvent, Membership, Role, School, Trust, User

pytestmark = pytest.mark.django_db


def _create(**options: str) -> str:
    out = StringIO()
    call_command("create_school", stdout=out, **options)
    return out.getvalue()


def test_it_creates_the_trust_school_and_invites_the_first_administrator(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        out = _create(
            name="Oakfield Academy",
            urn="137000",
            la_code="330",
            trust="Oak Learning Trust",
            admin_email="Sam.Bursar@Oakfield.test",
            admin_name="Sam Bursar",
        )
    school = School.objects.get(urn="137000")
    assert school.trust == Trust.objects.get(name="Oak Learning Trust")
    sam = User.objects.get(email="sam.bursar@oakfield.test")
    assert not sam.has_usable_password()
    roles = set(Membership.objects.filter(user=sam, school=school).values_list("role", flat=True))
    assert roles == {Role.STAFF, Role.ADMIN}
    link = re.search(r"/accounts/invitation/[\w-]+/", out).group(0)
    (message,) = mail.outbox
    assert message.to == ["sam.bursar@oakfield.test"] and link in message.body
    actions = set(AuditEvent.objects.filter(school=school).values_list("action", flat=True))
    assert {"pastoral.school.created", "accounts.invitation.created"} <= actions
    # The link opens the set-up page.
    assert Client().get(link).status_code == 200


def test_a_second_school_joins_the_same_trust() -> None:
    _create(name="Oakfield Academy", urn="137000", trust="Oak Learning Trust")
    _create(name="Elm Primary", urn="137001", trust="Oak Learning Trust", phase="primary")
    assert Trust.objects.get().schools.count() == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"urn": "137000"}, "urn"),  # taken by the first school
        ({"urn": ""}, "urn"),
        ({"admin_email": "not-an-address", "admin_name": "X"}, "email"),
        ({"admin_email": "a@b.test"}, "both --admin-email and --admin-name"),
    ],
)
def test_bad_input_creates_nothing_and_says_why(options: dict[str, str], message: str) -> None:
    _create(name="Oakfield Academy", urn="137000")
    before = (School.objects.count(), User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError) as raised:
        _create(**{"name": "Elm Primary", "urn": "137001", **options})
    assert message in str(raised.value)
    assert (School.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_a_school_with_an_administrator_refuses_another_first_administrator(
    world: Any,
) -> None:
    from django.core.exceptions import ValidationError

    from pastoral.accounts.services.schools import first_admin_invite

    with pytest.raises(ValidationError, match="already has an administrator"):
        first_admin_invite(school=world.school, email="new@oakfield.test", full_name="New Admin")
    assert not User.objects.filter(email="new@oakfield.test").exists()


def test_the_first_administrator_alone_does_not_count_as_staff_invited() -> None:
    from pastoral.access import scope_for
    from pastoral.school_settings.checklist import golive_checklist_for

    _create(name="Oakfield Academy", urn="137000", admin_email="a@o.test", admin_name="Ann Admin")
    school = School.objects.get(urn="137000")
    admin = User.objects.get(email="a@o.test")
    items = {item.key: item for item in golive_checklist_for(scope_for(admin, school))}
    assert not items["staff"].done
    assert not items["dsl"].done and not items["learners"].done
