"""Parents and carers (with restrictions) and the agencies directory × the six roles.

Parents: the administrator (MIS data, every learner) and the case roles for the
learners in their case scope (learner9: support's caseload and HoY's year;
learner10: SENCO and DSL only). Agencies: read by the case roles and the
administrator, kept by the administrator and the DSLs. Another school's: 404.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Case, every, only

NEAR = {"support": True, "hoy": True, "senco": True, "dsl": True, "admin": True}
WHOLE = {"senco": True, "dsl": True, "admin": True}
READERS = NEAR
EDITORS = {"dsl": True, "admin": True}


def _setup(world: Any) -> None:
    from tests.people.factories import make_agency, make_parent, make_restriction

    world.parent9 = make_parent(world.learner9)
    world.restriction9 = make_restriction(world.parent9)
    world.parent10 = make_parent(world.learner10, "Ted Parent")
    world.restriction10 = make_restriction(world.parent10)
    world.other_parent = make_parent(world.other_learner, "Otto Parent")
    world.other_restriction = make_restriction(world.other_parent)
    world.agency = make_agency(world.school)
    world.agency_person = world.agency.people.get()
    world.other_agency = make_agency(world.other_school, "Their MASH")
    world.other_person = world.other_agency.people.get()


def pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _contact(w: Any) -> dict[str, str]:
    from tests.people.factories import contact_form

    # The parents of the setup are under a no-contact restriction: acknowledged.
    return contact_form(acknowledge_restriction="on")


def _restriction(w: Any) -> dict[str, str]:
    from tests.people.factories import restriction_form

    return restriction_form(restricts="no_collection")


def _agency(w: Any) -> dict[str, str]:
    return {"name": "Virtual School", "kind": "virtual_school", "phone": "", "email": ""}


def _person(w: Any) -> dict[str, str]:
    return {"name": "Val Head", "role": "Virtual school head", "phone": "", "email": ""}


def _parent_cases(name: str, attr9: str, attr10: str, other: str, data: Any) -> list[Case]:
    return [
        Case(name, "in case scope", only(**NEAR), setup=_setup, kwargs=pk(attr9)),
        Case(name, "whole school only", only(**WHOLE), setup=_setup, kwargs=pk(attr10)),
        Case(name, "other school", every(404), setup=_setup, kwargs=pk(other)),
        Case(
            name,
            "save, in case scope",
            only(302, **NEAR),
            method="post",
            setup=_setup,
            kwargs=pk(attr9),
            data=data,
        ),
        Case(
            name,
            "save, other school",
            every(404),
            method="post",
            setup=_setup,
            kwargs=pk(other),
            data=data,
        ),
    ]


CASES = [
    Case(
        "people:learner-contacts",
        "in case scope",
        only(**NEAR),
        setup=_setup,
        kwargs=pk("learner9"),
    ),
    Case(
        "people:learner-contacts",
        "whole school only",
        only(**WHOLE),
        setup=_setup,
        kwargs=pk("learner10"),
    ),
    Case("people:learner-contacts", "other school", every(404), kwargs=pk("other_learner")),
    *_parent_cases("people:contact-create", "learner9", "learner10", "other_learner", _contact),
    *_parent_cases("people:contact-edit", "parent9", "parent10", "other_parent", _contact),
    *_parent_cases(
        "people:restriction-create", "parent9", "parent10", "other_parent", _restriction
    ),
    *_parent_cases(
        "people:restriction-edit",
        "restriction9",
        "restriction10",
        "other_restriction",
        _restriction,
    ),
    Case("people:agency-list", "directory", only(**READERS), setup=_setup),
    Case("people:agency-create", "form", only(**EDITORS)),
    Case("people:agency-create", "save", only(302, **EDITORS), method="post", data=_agency),
    Case("people:agency-edit", "own school", only(**EDITORS), setup=_setup, kwargs=pk("agency")),
    Case(
        "people:agency-edit",
        "save",
        only(302, **EDITORS),
        method="post",
        setup=_setup,
        kwargs=pk("agency"),
        data=_agency,
    ),
    Case("people:agency-edit", "other school", every(404), setup=_setup, kwargs=pk("other_agency")),
    Case(
        "people:agency-contact-create",
        "own school",
        only(**EDITORS),
        setup=_setup,
        kwargs=pk("agency"),
    ),
    Case(
        "people:agency-contact-create",
        "save",
        only(302, **EDITORS),
        method="post",
        setup=_setup,
        kwargs=pk("agency"),
        data=_person,
    ),
    Case(
        "people:agency-contact-create",
        "other school",
        every(404),
        setup=_setup,
        kwargs=pk("other_agency"),
    ),
    Case(
        "people:agency-contact-edit",
        "own school",
        only(**EDITORS),
        setup=_setup,
        kwargs=pk("agency_person"),
    ),
    Case(
        "people:agency-contact-edit",
        "save",
        only(302, **EDITORS),
        method="post",
        setup=_setup,
        kwargs=pk("agency_person"),
        data=_person,
    ),
    Case(
        "people:agency-contact-edit",
        "other school",
        every(404),
        setup=_setup,
        kwargs=pk("other_person"),
    ),
]


def _letters(world: Any) -> None:
    """Attendance letters addressed to a parent under a no-contact restriction."""
    from attendance.models import Intervention

    _setup(world)

    def letter(learner: Any, parent: Any, by: Any) -> Intervention:
        return Intervention.objects.create(
            school=learner.school,
            learner=learner,
            kind=Intervention.Kind.LETTER,
            owner=by,
            created_by=by,
            letter_text="Dear parent or carer,\n\nAttendance is 88%.",
            recipient=parent,
        )

    world.letter9 = letter(world.learner9, world.parent9, world.user("senco"))
    world.letter10 = letter(world.learner10, world.parent10, world.user("senco"))
    world.other_letter = letter(world.other_learner, world.other_parent, world.outsider)


CASE_ROLES = {"support": True, "hoy": True, "senco": True, "dsl": True}
CASES += [
    Case(
        "attendance:intervention-letter",
        "in case scope",
        only(**CASE_ROLES),
        setup=_letters,
        kwargs=pk("letter9"),
    ),
    Case(
        "attendance:intervention-letter",
        "whole school only",
        only(senco=True, dsl=True),
        setup=_letters,
        kwargs=pk("letter10"),
    ),
    Case(
        "attendance:intervention-letter",
        "other school",
        every(404),
        setup=_letters,
        kwargs=pk("other_letter"),
    ),
]
