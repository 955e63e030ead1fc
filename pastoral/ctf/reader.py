"""Read a CTF (versions 19 to 25) into records. Tolerant: optional elements may
be missing, and elements it does not know are skipped and listed, never fatal.
Parsed with defusedxml: no entities, no external references."""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, ElementTree

from pastoral.ctf.records import (
    AttendanceYear,
    CTFContact,
    CTFFile,
    CTFHeader,
    CTFPupil,
    PreviousSchool,
    SchoolRef,
    SENNeed,
    SENSpell,
)

# The versions MIS suppliers write and read today: the current and the previous
# ones, and 19 (SIMS files still in the wild).
FIRST_VERSION, LAST_VERSION = 19, 25

_PUPIL_KNOWN = {
    "UPN", "UniqueLearnerNumber", "Surname", "Forename", "DOB", "Gender", "Sex",
    "BasicDetails", "LookedAfter", "FSMhistory", "NAWdetails", "SENhistory", "Address",
    "Phones", "Email", "Contacts", "Attendance", "StageAssessments", "SchoolHistory",
}  # fmt: skip


class CTFError(ValueError):
    """The file cannot be read as a CTF; the message says where and why.

    `pupil` is the pupil's number in the file (1 for the first <Pupil>) when the
    problem is in one pupil's record, else None."""

    def __init__(self, message: str, pupil: int | None = None) -> None:
        super().__init__(message)
        self.pupil = pupil


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: Element) -> Element:
    for el in root.iter():
        el.tag = _local(el.tag)
    return root


def _text(el: Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise CTFError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _int(value: str, where: str) -> int:
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise CTFError(f"{where}: {value!r} is not a whole number") from None


def _bool(value: str) -> bool:
    return value.strip().lower() in {"true", "1", "y", "yes"}


def _school(el: Element | None) -> SchoolRef:
    return SchoolRef(
        la=_text(el, "LEA"),
        estab=_text(el, "Estab"),
        urn=_text(el, "URN"),
        name=_text(el, "SchoolName"),
        academic_year=_text(el, "AcademicYear"),
    )


def _address(el: Element | None) -> tuple[str, str]:
    """(address lines, postcode) from an <Address> element."""
    if el is None:
        return "", ""
    bs = el.find("BS7666Address")
    parts = [_text(bs, name) for name in ("SAON", "PAON", "Street", "Locality", "Town", "PostTown")]
    lines = [p for p in parts if p]
    lines += [x for x in (_text(el, "County"),) if x]
    # Older files carry plain <AddressLine1..5> instead of BS7666.
    lines += [_text(el, f"AddressLines/AddressLine{i}") for i in range(1, 6)]
    return "\n".join(line for line in lines if line), _text(el, "PostCode")


def _phones(el: Element | None) -> tuple[tuple[str, str], ...]:
    if el is None:
        return ()
    return tuple(
        (_text(p, "TelephoneType"), _text(p, "PhoneNo"))
        for p in el.findall("Phones/Phone")
        if _text(p, "PhoneNo")
    )


def _contact(el: Element, where: str) -> CTFContact:
    address_el = el.find("Address")
    as_pupil = address_el is None or _bool(_text(address_el, "AddressAsPupil") or "false")
    address, postcode = ("", "") if as_pupil else _address(address_el)
    return CTFContact(
        order=_int(_text(el, "Order"), f"{where} <Order>") or 99,
        title=_text(el, "Title"),
        surname=_text(el, "Surname"),
        forename=_text(el, "Forename"),
        relationship=_text(el, "Relationship"),
        parental_responsibility=_bool(_text(el, "Responsibility")),
        address_as_pupil=as_pupil,
        address="\n".join(x for x in (address, postcode) if x),
        phones=_phones(el),
        email=_text(el, "Email"),
        court_order=_bool(_text(el, "CourtOrder")),
    )


def _pupil(el: Element, number: int, skipped: set[str]) -> CTFPupil:
    surname, forename = _text(el, "Surname"), _text(el, "Forename")
    where = f"Pupil {number} ({forename} {surname})".replace(" ()", "")
    upn = _text(el, "UPN").upper()
    if not upn:
        raise CTFError(f"{where} has no <UPN>: every pupil in a CTF needs one")
    for child in el:
        if child.tag not in _PUPIL_KNOWN:
            skipped.add(f"Pupil/{child.tag}")
    basic = el.find("BasicDetails")
    address, postcode = _address(el.find("Address"))
    return CTFPupil(
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=_date(_text(el, "DOB"), f"{where} <DOB>"),
        sex=_text(el, "Sex") or _text(el, "Gender"),
        former_upns=tuple(
            (f.text or "").strip().upper()
            for f in (basic.findall("FormerUPN") if basic is not None else [])
            if (f.text or "").strip()
        ),
        preferred_surname=_text(basic, "PreferredSurname"),
        preferred_forename=_text(basic, "PreferredForename"),
        middle_names=_text(basic, "MiddleNames"),
        year_group=_text(basic, "NCyearActual"),
        looked_after=_bool(_text(el, "LookedAfter/InCare")),
        care_authority=_text(el, "LookedAfter/CareAuthority"),
        sen_history=tuple(
            SENSpell(
                start=_date(_text(s, "StartDate"), f"{where} <SEN><StartDate>"),
                provision=_text(s, "SENprovision") or "N",
                end=_date(_text(s, "EndDate"), f"{where} <SEN><EndDate>"),
            )
            for s in el.findall("SENhistory/SEN")
        ),
        sen_needs=tuple(
            SENNeed(
                rank=_int(_text(n, "SENtypeRank"), f"{where} <SENtypeRank>") or 1,
                type=_text(n, "SENtype"),
                start=_date(_text(n, "NeedStartDate"), f"{where} <NeedStartDate>"),
            )
            for n in el.findall("SENhistory/SENneeds/SENneed")
        ),
        address=address,
        postcode=postcode,
        phones=_phones(el),
        email=_text(el, "Email"),
        contacts=tuple(
            sorted(
                (
                    _contact(c, f"{where} contact {i}")
                    for i, c in enumerate(el.findall("Contacts/Contact"), 1)
                ),
                key=lambda c: c.order,
            )
        ),
        attendance=tuple(
            AttendanceYear(
                year=_text(y, "Year"),
                school=_school(y),
                possible=_int(_text(y, "SessionsPossible"), f"{where} <SessionsPossible>"),
                attended=_int(_text(y, "SessionsAttended"), f"{where} <SessionsAttended>"),
                authorised=_int(_text(y, "SessionsAuthorised"), f"{where} <SessionsAuthorised>"),
                unauthorised=_int(
                    _text(y, "SessionsUnauthorised"), f"{where} <SessionsUnauthorised>"
                ),
            )
            for y in el.findall("Attendance/YearData")
        ),
        schools=tuple(
            PreviousSchool(
                school=_school(s),
                entry=_date(_text(s, "EntryDate"), f"{where} <EntryDate>"),
                leaving=_date(_text(s, "LeavingDate"), f"{where} <LeavingDate>"),
                leaving_reason=_text(s, "LeavingReason"),
            )
            for s in el.findall("SchoolHistory/School")
        ),
    )


def _header(root: Element) -> CTFHeader:
    header = root.find("Header")
    if header is None:
        raise CTFError("The file has no <Header>: it is not a Common Transfer File")
    name = _text(header, "DocumentName")
    if name and name.lower() != "common transfer file":
        raise CTFError(f"The file is a {name!r}, not a Common Transfer File")
    version = _text(header, "CTFversion")
    try:
        major = int(float(version))
    except ValueError:
        raise CTFError(f"<CTFversion> {version!r} is not a version number") from None
    if not FIRST_VERSION <= major <= LAST_VERSION:
        raise CTFError(
            f"CTF version {version} is not one Pastoral reads "
            f"(versions {FIRST_VERSION} to {LAST_VERSION}); ask the sending school for a newer export"
        )
    when = _text(header, "DateTime")
    try:
        generated = dt.datetime.fromisoformat(when) if when else None
    except ValueError:
        generated = None
    return CTFHeader(
        version=version,
        generated_at=generated,
        qualifier=_text(header, "DocumentQualifier").lower() or "full",
        supplier=_text(header, "SupplierID"),
        source=_school(header.find("SourceSchool")),
        destination=_school(header.find("DestSchool")),
        description=_text(header, "DataDescriptor"),
    )


def read(data: bytes | str) -> CTFFile:
    """The CTF in `data` as records, or CTFError saying what is wrong and where."""
    try:
        root = _strip_namespaces(ElementTree.fromstring(data))
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        # expat counts columns from 0; people count from 1.
        raise CTFError(f"Line {line}, column {column + 1}: the XML is not well formed") from None
    except DefusedXmlException as exc:  # entities, external references: refused, never expanded
        raise CTFError(
            "The file declares XML entities or external references, which a CTF never "
            f"needs; it is refused unread for safety ({exc.__class__.__name__})"
        ) from None
    except Exception as exc:
        raise CTFError(f"The file cannot be read safely: {exc.__class__.__name__}") from None
    if root.tag != "CTfile":
        raise CTFError(f"The file starts with <{root.tag}>, not <CTfile>")
    header = _header(root)
    skipped: set[str] = set()
    pupils: list[CTFPupil] = []
    for number, el in enumerate(root.findall("CTFpupilData/Pupil"), 1):
        try:
            pupils.append(_pupil(el, number, skipped))
        except CTFError as exc:
            exc.pupil = number
            raise
    return CTFFile(header=header, pupils=tuple(pupils), skipped=tuple(sorted(skipped)))
