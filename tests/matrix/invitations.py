"""Staff invitations, second-factor resets and the invitee's one-time link."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrix import Case, every, only

ADMIN_ONLY = only(admin=True)
ADMIN_REDIRECT = only(302, admin=True)
ADMIN_INVALID = only(422, admin=True)


def _invitations(world: Any) -> None:
    """A pending invitation in the school and one in another school."""
    from pastoral.access import scope_for
    from pastoral.accounts import services
    from tests.factories import UserFactory, member

    world.invitation = services.invitation_create(
        scope=scope_for(world.user("admin"), world.school),
        email="ivy.invited@school.test",
        full_name="Ivy Invited",
    )
    foreign_admin = member(UserFactory(), world.other_school, "admin")
    world.foreign_invitation = services.invitation_create(
        scope=scope_for(foreign_admin, world.other_school),
        email="fred.foreign@school.test",
        full_name="Fred Foreign",
    )


def _own(world: Any) -> dict[str, Any]:
    return {"pk": world.invitation.pk}


def _foreign(world: Any) -> dict[str, Any]:
    return {"pk": world.foreign_invitation.pk}


def _token(world: Any) -> dict[str, Any]:
    return {"token": world.invitation.token}


def _unknown_token(world: Any) -> dict[str, Any]:
    return {"token": "not-a-real-token-at-all"}


def _csv(body: str) -> Any:
    return lambda w: {"file": SimpleUploadedFile("staff.csv", body.encode(), "text/csv")}


CASES = [
    Case("accounts:invitation-list", "list", ADMIN_ONLY, setup=_invitations),
    Case(
        "accounts:invitation-list", "pending", ADMIN_ONLY, setup=_invitations, query="state=pending"
    ),
    Case("accounts:invitation-create", "form", ADMIN_ONLY),
    Case(
        "accounts:invitation-create",
        "invite",
        ADMIN_REDIRECT,
        method="post",
        data=lambda w: {"full_name": "Nia New", "email": "nia.new@school.test"},
    ),
    Case(
        "accounts:invitation-create",
        "no e-mail",
        ADMIN_INVALID,
        method="post",
        data=lambda w: {"full_name": "Nia New", "email": ""},
    ),
    Case(
        "accounts:invitation-csv",
        "staff csv",
        ADMIN_REDIRECT,
        method="post",
        data=_csv("email,full_name,roles\nnia.new@school.test,Nia New,staff\n"),
    ),
    Case(
        "accounts:invitation-csv",
        "bad row",
        ADMIN_INVALID,
        method="post",
        data=_csv("email,full_name,roles\nnot-an-email,Nia New,staff\n"),
    ),
    Case(
        "accounts:invitation-resend",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        setup=_invitations,
        kwargs=_own,
    ),
    Case(
        "accounts:invitation-resend",
        "other school",
        every(404),
        method="post",
        setup=_invitations,
        kwargs=_foreign,
    ),
    Case(
        "accounts:invitation-revoke",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        setup=_invitations,
        kwargs=_own,
    ),
    Case(
        "accounts:invitation-revoke",
        "other school",
        every(404),
        method="post",
        setup=_invitations,
        kwargs=_foreign,
    ),
    Case(
        "accounts:two-factor-reset",
        "form",
        ADMIN_ONLY,
        kwargs=lambda w: {"pk": w.user("dsl").pk},
    ),
    Case(
        "accounts:two-factor-reset",
        "reset, code entered just before",
        ADMIN_REDIRECT,
        method="post",
        kwargs=lambda w: {"pk": w.user("dsl").pk},
        data=lambda w: {"code": ""},
    ),
    Case(
        "accounts:two-factor-reset",
        "wrong code",
        ADMIN_INVALID,
        method="post",
        kwargs=lambda w: {"pk": w.user("dsl").pk},
        data=lambda w: {"code": "000000"},
    ),
    Case(
        "accounts:two-factor-reset",
        "other school",
        every(404),
        kwargs=lambda w: {"pk": w.outsider.pk},
    ),
    # The invitee's link is public; someone already signed in is asked to
    # sign out first (409), and an unknown token is a clear 404 page.
    Case("accounts:invitation-accept", "signed in", every(409), setup=_invitations, kwargs=_token),
    Case("accounts:invitation-accept", "unknown token", every(404), kwargs=_unknown_token),
    Case(
        "accounts:invitation-authenticator",
        "signed in",
        every(409),
        setup=_invitations,
        kwargs=_token,
    ),
    Case("accounts:invitation-authenticator", "unknown token", every(404), kwargs=_unknown_token),
]
