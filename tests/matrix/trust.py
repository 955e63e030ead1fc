"""Trust pages (/trust/): only people with a trust role reach them. None of the
six school roles holds one, so every case answers 404 for all six; the two
trust roles have their own tests (tests/trust/test_access.py), including
another trust's pages (404)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Case, every
from tests.trust.fixtures import trust_world

NOBODY = every(404)


def _trust(world: Any) -> dict[str, Any]:
    return {"pk": world.trust.pk}


def _other_trust(world: Any) -> dict[str, Any]:
    return {"pk": world.other_trust.pk}


def _school(world: Any) -> dict[str, Any]:
    return {"pk": world.trust.pk, "school_pk": world.school.pk}


def _other_school(world: Any) -> dict[str, Any]:
    return {"pk": world.other_trust.pk, "school_pk": world.other_school.pk}


def _member(world: Any) -> dict[str, Any]:
    from pastoral.trust.models import TrustMembership

    m = TrustMembership.objects.get(user=world.trust_admin)
    return {"pk": world.trust.pk, "member_pk": m.pk}


def _other_member(world: Any) -> dict[str, Any]:
    from pastoral.trust.models import TrustMembership

    m = TrustMembership.objects.get(user=world.foreign_lead)
    return {"pk": world.other_trust.pk, "member_pk": m.pk}


def _cases(name: str, own: Any, other: Any, method: str = "get", data: Any = None) -> list[Case]:
    return [
        Case(name, f"own trust {method}", NOBODY, own, method, data=data, setup=trust_world),
        Case(name, f"other trust {method}", NOBODY, other, method, data=data, setup=trust_world),
    ]


_NEW_SCHOOL = lambda w: {"name": "New School", "urn": "987654", "la_code": "330"}  # noqa: E731
_PERSON = lambda w: {"full_name": "Ann Admin", "email": "ann.admin@school.test"}  # noqa: E731

CASES = [
    Case("trust:index", "index", NOBODY, setup=trust_world),
    *_cases("trust:dashboard", _trust, _other_trust),
    Case("trust:dashboard", "export", NOBODY, kwargs=_trust, setup=trust_world, query="export=csv"),
    *_cases("trust:schools", _trust, _other_trust),
    *_cases("trust:school-create", _trust, _other_trust),
    *_cases("trust:school-create", _trust, _other_trust, "post", _NEW_SCHOOL),
    *_cases("trust:school-invite-admin", _school, _other_school),
    *_cases("trust:school-invite-admin", _school, _other_school, "post", _PERSON),
    *_cases("trust:school-first-dsl", _school, _other_school),
    *_cases("trust:school-first-dsl", _school, _other_school, "post", _PERSON),
    *_cases("trust:members", _trust, _other_trust),
    *_cases("trust:member-remove", _member, _other_member, "post"),
]
