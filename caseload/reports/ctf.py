"""A Common Transfer File for a leaver, from our records (pastoral.ctf writes the XML).

MIS data only: names, UPNs, date of birth, year, SEN provision, looked-after
flag, address, contacts, attendance per academic year and the dates on roll.
Never a concern, a plan or anything else of the safeguarding or pastoral record
(KCSIE: the child-protection file travels separately, DSL to DSL). The export
is the school administrator's, like the MIS imports (ACCESS.md: imports and
settings), and is audited.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from attendance import formula
from attendance.models import Mark
from pastoral import audit, ctf
from pastoral.access import Cap, Scope, require
from pastoral.ctf.writer import WRITTEN_VERSION
from pastoral.models import AcademicYear, Learner
from pastoral.people.ctf import RELATIONSHIP_CODES


def _split_name(name: str) -> tuple[str, str]:
    """(forename, surname) of a contact's one name field."""
    parts = name.strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def _attendance(learner: Learner, school_ref: ctf.SchoolRef) -> tuple[ctf.AttendanceYear, ...]:
    """The learner's sessions per academic year, in one query."""
    years = list(AcademicYear.objects.filter(school_id=learner.school_id).order_by("-start"))
    if not years:
        return ()
    label = Case(
        *[When(date__gte=y.start, date__lte=y.end, then=Value(y.name)) for y in years],
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        Mark.objects.filter(learner=learner)
        .annotate(academic_year=label)
        .exclude(academic_year="")
        .values("academic_year")
        .annotate(**formula.counts())
        .order_by("-academic_year")
    )
    return tuple(
        ctf.AttendanceYear(
            year=row["academic_year"][:4],  # the CTF names a year by its start: "2025"
            school=school_ref,
            possible=row["possible"] or 0,
            attended=(row["attending"] or 0) + (row["approved"] or 0),
            authorised=row["authorised"] or 0,
            unauthorised=row["unauthorised"] or 0,
        )
        for row in rows
        if row["possible"]
    )


def pupil_record(learner: Learner, school_ref: ctf.SchoolRef) -> ctf.CTFPupil:
    """The learner as a CTF pupil: MIS data only."""
    contacts = list(learner.contacts.order_by("priority", "name"))
    return ctf.CTFPupil(
        upn=learner.upn,
        surname=learner.legal_last_name,
        forename=learner.legal_first_name,
        preferred_surname=learner.preferred_last_name,
        preferred_forename=learner.preferred_first_name,
        date_of_birth=learner.date_of_birth,
        sex=learner.gender if learner.gender in ("M", "F") else "",
        year_group=str(learner.year_group.number) if learner.year_group.number else "R",
        looked_after=learner.looked_after,
        sen_history=(
            (ctf.SENSpell(start=learner.on_roll_from, provision=learner.sen_status),)
            if learner.sen_status != Learner.SEN.NONE
            else ()
        ),
        contacts=tuple(
            ctf.CTFContact(
                order=contact.priority,
                title=contact.title,
                forename=_split_name(contact.name)[0],
                surname=_split_name(contact.name)[1],
                relationship=RELATIONSHIP_CODES.get(contact.relationship, "OTH"),
                parental_responsibility=contact.parental_responsibility,
                address_as_pupil=contact.lives_with_learner and not contact.address,
                address=""
                if contact.lives_with_learner and not contact.address
                else contact.address,
                phones=tuple(
                    (kind, number)
                    for kind, number in (("M", contact.phone), ("H", contact.mobile))
                    if number
                ),
                email=contact.email,
            )
            for contact in contacts
        ),
        attendance=_attendance(learner, school_ref),
        schools=(
            ctf.PreviousSchool(
                school=school_ref, entry=learner.on_roll_from, leaving=learner.on_roll_until
            ),
        ),
    )


def leaver_ctf(
    *, scope: Scope, learner: Learner, source_estab: str, destination: ctf.SchoolRef
) -> bytes:
    """The CTF of one leaver for their next school (or an unknown destination,
    LA "MMM" / establishment "MMMM" as the DfE's rules have it), audited."""
    require(scope, Cap.IMPORT_MIS)
    school = scope.school
    source = ctf.SchoolRef(
        la=school.la_code, estab=source_estab, urn=school.urn, name=school.name,
        academic_year=str(_academic_year_start(timezone.localdate())),
    )  # fmt: skip
    header = ctf.CTFHeader(
        version=WRITTEN_VERSION,
        generated_at=timezone.localtime().replace(tzinfo=None),
        qualifier="full",
        supplier="Pastoral",
        source=source,
        destination=destination,
    )
    data = ctf.write(header, [pupil_record(learner, source)])
    audit.record(
        "caseload.ctf.exported",
        actor=scope.user,
        school=school,
        obj=learner,
        learner=learner,
        changes={"to_la": destination.la, "to_estab": destination.estab, "bytes": len(data)},
    )
    return data


def _academic_year_start(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1
