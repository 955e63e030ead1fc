"""Sign-in, two-factor, users and roles, and the audit screens."""

from typing import Any

from pastoral import audit
from tests.matrix import ALL_OK, Case, every, only

DSL_ONLY = only(dsl=True)


def _viewed_events(world: Any) -> None:
    """Someone looked at a learner in each school."""
    audit.record(
        "pastoral.learner.viewed",
        actor=world.user("senco"),
        school=world.school,
        obj=world.learner9,
    )
    audit.record(
        "pastoral.learner.viewed",
        actor=world.outsider,
        school=world.other_school,
        obj=world.other_learner,
    )


def _record(learner_attr: str) -> Any:
    def kwargs(world: Any) -> dict[str, Any]:
        return {"object_type": "pastoral.learner", "object_id": getattr(world, learner_attr).pk}

    return kwargs


ADMIN_ONLY = only(admin=True)
ADMIN_REDIRECT = only(302, admin=True)


def _person(role: str) -> Any:
    return lambda world: {"pk": world.user(role).pk}


def _outsider(world: Any) -> dict[str, Any]:
    return {"pk": world.outsider.pk}


def _membership(role: str, code: str) -> Any:
    def kwargs(world: Any) -> dict[str, Any]:
        user = world.user(role)
        return {"pk": user.pk, "membership_pk": user.memberships.get(role=code).pk}

    return kwargs


def _outsider_membership(world: Any) -> dict[str, Any]:
    return {
        "pk": world.outsider.pk,
        "membership_pk": world.outsider.memberships.get(role="dsl").pk,
    }


def _role_requests(world: Any) -> None:
    """The administrator asks for a SENCO in the school; another school's
    administrator asks for one there."""
    from pastoral.access import scope_for
    from pastoral.accounts import services
    from tests.factories import UserFactory, member

    world.role_request = services.role_request_create(
        scope=scope_for(world.user("admin"), world.school),
        user=world.user("staff"),
        role="senco",
    )
    foreign_admin = member(UserFactory(), world.other_school, "admin")
    world.foreign_request = services.role_request_create(
        scope=scope_for(foreign_admin, world.other_school),
        user=member(UserFactory(), world.other_school),
        role="senco",
    )


def _own_request(world: Any) -> dict[str, Any]:
    return {"pk": world.role_request.pk}


def _foreign_request(world: Any) -> dict[str, Any]:
    return {"pk": world.foreign_request.pk}


DSL_REDIRECT = only(302, dsl=True)

CASES = [
    # A signed-in, verified person is sent on from the second-factor pages.
    Case("accounts:otp-verify", "already verified", every(302)),
    Case("accounts:otp-setup", "already enrolled", every(302)),
    Case("accounts:recovery-codes", "nothing new to show", every(302)),
    Case("accounts:step-up", "confirm your code", ALL_OK),
    Case("accounts:password-change", "form", ALL_OK),
    Case(
        "accounts:password-change",
        "wrong old password",
        every(422),
        method="post",
        data=lambda w: {
            "old_password": "not-it",
            "new_password1": "a-long-enough-passphrase-7",
            "new_password2": "a-long-enough-passphrase-7",
        },
    ),
    # The audit trail: DSLs only, and only their own school's events.
    Case("pastoral:audit-list", "search", DSL_ONLY, setup=_viewed_events),
    Case(
        "pastoral:audit-list",
        "filtered",
        DSL_ONLY,
        setup=_viewed_events,
        query="action=pastoral.&date_from=2020-01-01",
    ),
    Case("pastoral:audit-export", "csv", DSL_ONLY, setup=_viewed_events),
    Case(
        "pastoral:audit-object",
        "own school's record",
        DSL_ONLY,
        setup=_viewed_events,
        kwargs=_record("learner9"),
    ),
    Case(
        "pastoral:audit-object",
        "other school's record",
        every(404),
        setup=_viewed_events,
        kwargs=_record("other_learner"),
    ),
    # Users and roles: the school administrator only, and only their school's people.
    Case("accounts:user-list", "staff list", ADMIN_ONLY),
    Case("accounts:user-list", "search", ADMIN_ONLY, query="q=sally"),
    Case("accounts:user-create", "form", ADMIN_ONLY),
    Case(
        "accounts:user-create",
        "add",
        ADMIN_REDIRECT,
        method="post",
        data=lambda w: {
            "full_name": "Nia New",
            "email": "nia.new@school.test",
            "password": "a-long-enough-passphrase-7",
        },
    ),
    Case("accounts:user-detail", "own school", ADMIN_ONLY, kwargs=_person("staff")),
    Case("accounts:user-detail", "other school", every(404), kwargs=_outsider),
    Case(
        "accounts:role-grant",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_person("staff"),
        data=lambda w: {"role": "senco"},
    ),
    Case(
        "accounts:role-grant",
        "other school",
        every(404),
        method="post",
        kwargs=_outsider,
        data=lambda w: {"role": "senco"},
    ),
    Case(
        "accounts:role-years",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_membership("hoy", "hoy"),
        data=lambda w: {"year_groups": [w.year10.pk]},
    ),
    Case(
        "accounts:role-years",
        "other school",
        every(404),
        method="post",
        kwargs=_outsider_membership,
        data=lambda w: {"year_groups": [w.year10.pk]},
    ),
    Case(
        "accounts:role-remove",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_membership("senco", "senco"),
    ),
    Case(
        "accounts:role-remove",
        "other school",
        every(404),
        method="post",
        kwargs=_outsider_membership,
    ),
    Case(
        "accounts:user-deactivate",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_person("staff"),
    ),
    Case("accounts:user-deactivate", "other school", every(404), method="post", kwargs=_outsider),
    Case(
        "accounts:user-reactivate",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_person("staff"),
    ),
    Case("accounts:user-reactivate", "other school", every(404), method="post", kwargs=_outsider),
    Case(
        "accounts:user-unlock", "own school", ADMIN_REDIRECT, method="post", kwargs=_person("staff")
    ),
    Case("accounts:user-unlock", "other school", every(404), method="post", kwargs=_outsider),
    Case(
        "accounts:user-sessions-end",
        "own school",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_person("staff"),
    ),
    Case("accounts:user-sessions-end", "other school", every(404), method="post", kwargs=_outsider),
    # Anyone ends their own other sessions (and lands back on their account page).
    Case("accounts:sessions-end-others", "own", every(302), method="post"),
    # Role requests: DSLs (not the requester) decide; another school's: 404 for all.
    Case("accounts:role-requests", "list", DSL_ONLY, setup=_role_requests),
    Case(
        "accounts:role-request",
        "own school",
        DSL_ONLY,
        setup=_role_requests,
        kwargs=_own_request,
    ),
    Case(
        "accounts:role-request",
        "other school",
        every(404),
        setup=_role_requests,
        kwargs=_foreign_request,
    ),
    Case(
        "accounts:role-request-approve",
        "own school, code just entered",
        DSL_REDIRECT,
        method="post",
        setup=_role_requests,
        kwargs=_own_request,
        data=lambda w: {"code": ""},
    ),
    Case(
        "accounts:role-request-approve",
        "other school",
        every(404),
        method="post",
        setup=_role_requests,
        kwargs=_foreign_request,
        data=lambda w: {"code": ""},
    ),
    Case(
        "accounts:role-request-decline",
        "own school",
        DSL_REDIRECT,
        method="post",
        setup=_role_requests,
        kwargs=_own_request,
        data=lambda w: {"reason": "Not yet trained"},
    ),
    Case(
        "accounts:role-request-decline",
        "no reason",
        only(422, dsl=True),
        method="post",
        setup=_role_requests,
        kwargs=_own_request,
        data=lambda w: {"reason": ""},
    ),
    Case(
        "accounts:role-request-decline",
        "other school",
        every(404),
        method="post",
        setup=_role_requests,
        kwargs=_foreign_request,
        data=lambda w: {"reason": "Not yet trained"},
    ),
    Case(
        "accounts:role-grant",
        "administrator role, at once",
        ADMIN_REDIRECT,
        method="post",
        kwargs=_person("staff"),
        data=lambda w: {"role": "admin"},
    ),
]
