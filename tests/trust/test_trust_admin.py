"""The trust administrator's schools and school administrators, the trust
safeguarding lead's first DSL, `manage.py grant_trust_role`, and staff who
work in two schools of the trust with one account."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from pastoral.accounts.models import Invitation
from pastoral.models import AuditEvent, Membership, Role, School, User
from pastoral.notifications.models import Notification
from pastoral.trust.models import TrustMembership, TrustRole
from tests.conftest import sign_in
from tests.factories import LearnerFactory, UserFactory, YearGroupFactory, member
from tests.trust.fixtures import trust_world


@pytest.fixture
def tworld(world: Any) -> Any:
    return trust_world(world)


def _last(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, action
    return event


def test_the_trust_administrator_adds_a_school_to_the_trust(tworld: Any, client: Any) -> None:
    sign_in(client, tworld.trust_admin)
    url = reverse("trust:school-create", args=[tworld.trust.pk])
    response = client.post(url, {"name": "Cedar Academy", "urn": "140001", "la_code": "330"})
    assert response.status_code == 302
    school = School.objects.get(urn="140001")
    assert school.trust == tworld.trust and school.name == "Cedar Academy"
    event = _last("trust.school.created")
    assert event.actor == tworld.trust_admin and event.school == school
    listing = client.get(reverse("trust:schools", args=[tworld.trust.pk])).content.decode()
    assert "Cedar Academy" in listing and "None yet" in listing


def test_a_school_with_a_urn_already_taken_is_refused_beside_the_field(
    tworld: Any, client: Any
) -> None:
    sign_in(client, tworld.trust_admin)
    url = reverse("trust:school-create", args=[tworld.trust.pk])
    response = client.post(url, {"name": "Copy", "urn": tworld.school.urn})
    assert response.status_code == 422 and "URN already exists" in response.content.decode()
    assert not School.objects.filter(name="Copy").exists()


def test_the_trust_administrator_invites_a_school_administrator(
    tworld: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sign_in(client, tworld.trust_admin)
    url = reverse("trust:school-invite-admin", args=[tworld.trust.pk, tworld.sister_school.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"full_name": "Bea Bursar", "email": "bea@birch.test"})
    assert response.status_code == 302
    user = User.objects.get(email="bea@birch.test")
    roles = set(Membership.objects.filter(user=user).values_list("school_id", "role"))
    assert roles == {(tworld.sister_school.pk, Role.STAFF), (tworld.sister_school.pk, Role.ADMIN)}
    invitation = Invitation.objects.get(user=user)
    assert invitation.school == tworld.sister_school and invitation.created_by == tworld.trust_admin
    assert any("Your Pastoral account at Birch Primary" in m.subject for m in mail.outbox)
    event = _last("accounts.invitation.created")
    assert event.actor == tworld.trust_admin and event.school == tworld.sister_school
    # The trust administrator gained no role in the school by inviting.
    assert not Membership.objects.filter(user=tworld.trust_admin).exists()


def test_the_trust_administrator_sees_no_case_content(tworld: Any, client: Any) -> None:
    sign_in(client, tworld.trust_admin)
    assert client.get(reverse("trust:dashboard", args=[tworld.trust.pk])).status_code == 404
    learner = reverse("pastoral:learner-detail", args=[tworld.learner9.pk])
    assert client.get(learner).status_code == 404


def test_trust_administrators_add_and_remove_each_other_but_not_themselves(
    tworld: Any, client: Any
) -> None:
    colleague = UserFactory(full_name="Cal Colleague")
    sign_in(client, tworld.trust_admin)
    url = reverse("trust:members", args=[tworld.trust.pk])
    assert client.post(url, {"email": colleague.email}).status_code == 302
    membership = TrustMembership.objects.get(user=colleague, trust=tworld.trust)
    assert membership.role == TrustRole.ADMIN
    assert _last("trust.role.granted").actor == tworld.trust_admin
    again = client.post(url, {"email": colleague.email})
    assert again.status_code == 422 and "already a trust administrator" in again.content.decode()
    unknown = client.post(url, {"email": "nobody@nowhere.test"})
    assert unknown.status_code == 422
    remove = reverse("trust:member-remove", args=[tworld.trust.pk, membership.pk])
    assert client.post(remove).status_code == 302
    assert not TrustMembership.objects.filter(user=colleague).exists()
    assert _last("trust.role.revoked").changes["user"] == colleague.email
    own = TrustMembership.objects.get(user=tworld.trust_admin)
    client.post(reverse("trust:member-remove", args=[tworld.trust.pk, own.pk]))
    assert TrustMembership.objects.filter(pk=own.pk).exists()
    lead = TrustMembership.objects.get(user=tworld.trust_lead)
    response = client.post(reverse("trust:member-remove", args=[tworld.trust.pk, lead.pk]))
    assert response.status_code == 404 and TrustMembership.objects.filter(pk=lead.pk).exists()


def test_the_trust_lead_sets_the_first_dsl_of_a_school_with_none(
    tworld: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = member(UserFactory(), tworld.sister_school, Role.ADMIN)
    sign_in(client, tworld.trust_lead)
    url = reverse("trust:school-first-dsl", args=[tworld.trust.pk, tworld.sister_school.pk])
    assert "no DSL yet" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "dora@birch.test", "full_name": "Dora Dsl"})
    assert response.status_code == 302
    dora = User.objects.get(email="dora@birch.test")
    assert Membership.objects.filter(user=dora, school=tworld.sister_school, role=Role.DSL).exists()
    event = _last("accounts.role.approved")
    assert event.actor == tworld.trust_lead and event.changes["first_dsl"] is True
    assert event.school == tworld.sister_school
    assert Invitation.objects.filter(user=dora, school=tworld.sister_school).exists()
    told = set(
        Notification.objects.filter(title__startswith="First DSL of Birch Primary").values_list(
            "recipient_id", flat=True
        )
    )
    assert {dora.pk, admin.pk} <= told
    # Once the school has a DSL, the lead cannot set another: the two-person rule applies.
    page = client.get(url).content.decode()
    assert "already has a DSL" in page
    again = client.post(url, {"email": tworld.user("staff").email})
    assert again.status_code == 422
    assert not Membership.objects.filter(
        user=tworld.user("staff"), school=tworld.sister_school
    ).exists()


def test_grant_trust_role_gives_and_takes_away_a_trust_role(tworld: Any) -> None:
    person = UserFactory(email="pat@trust.test")
    out = StringIO()
    call_command(
        "grant_trust_role",
        trust="Oak Learning Trust",
        email="pat@trust.test",
        role="lead",
        stdout=out,
    )
    assert "Trust safeguarding lead of Oak Learning Trust" in out.getvalue()
    assert TrustMembership.objects.filter(
        user=person, trust=tworld.trust, role=TrustRole.SAFEGUARDING_LEAD
    ).exists()
    event = _last("trust.role.granted")
    assert event.actor is None and event.changes["source"] == "manage.py grant_trust_role"
    with pytest.raises(CommandError, match="already holds"):
        call_command(
            "grant_trust_role", trust="Oak Learning Trust", email=person.email, role="lead"
        )
    with pytest.raises(CommandError, match="No trust"):
        call_command("grant_trust_role", trust="Nope Trust", email=person.email, role="lead")
    call_command(
        "grant_trust_role",
        trust="New Trust",
        email=person.email,
        role="admin",
        create_trust=True,
        stdout=StringIO(),
    )
    assert TrustMembership.objects.filter(user=person, trust__name="New Trust").exists()
    call_command(
        "grant_trust_role",
        trust="Oak Learning Trust",
        email=person.email,
        role="lead",
        revoke=True,
        stdout=StringIO(),
    )
    assert not TrustMembership.objects.filter(user=person, trust=tworld.trust).exists()
    assert _last("trust.role.revoked").changes["user"] == person.email


def test_staff_in_two_schools_of_the_trust_keep_one_account_and_see_each_schools_data_there(
    tworld: Any, client: Any
) -> None:
    """A DSL who also works at the sister school: one account, a membership in
    each school; each school's learners only while that school is chosen."""
    dsl = tworld.user("dsl")
    year = YearGroupFactory(school=tworld.sister_school, number=3)
    LearnerFactory(year_group=year, legal_first_name="Bryony", legal_last_name="Birch")
    member(dsl, tworld.sister_school, Role.DSL)
    sign_in(client, dsl, school=tworld.school)
    learners = reverse("pastoral:learner-list")
    page = client.get(learners).content.decode()
    assert "Nine, Nina" in page and "Birch, Bryony" not in page
    assert client.post(reverse("pastoral:school-switch"), {"school": tworld.sister_school.pk})[
        "Location"
    ] == reverse("home")
    page = client.get(learners).content.decode()
    assert "Birch, Bryony" in page and "Nine, Nina" not in page
    # A learner of the first school answers 404 while the sister school is chosen.
    detail = reverse("pastoral:learner-detail", args=[tworld.learner9.pk])
    assert client.get(detail).status_code == 404
    client.post(reverse("pastoral:school-switch"), {"school": tworld.school.pk})
    assert client.get(detail).status_code == 200
    # Leaving a school ends that membership only.
    Membership.objects.filter(user=dsl, school=tworld.sister_school).delete()
    assert client.get(detail).status_code == 200
    assert (
        client.post(
            reverse("pastoral:school-switch"), {"school": tworld.sister_school.pk}
        ).status_code
        == 404
    )
