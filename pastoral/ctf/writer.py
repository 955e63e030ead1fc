"""Write a CTF from records: what `reader.read` reads back (a round trip keeps
every field it knows). The caller builds the records from our data and never
passes child-protection content: a CTF has no place for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from pastoral.ctf.records import CTFContact, CTFHeader, CTFPupil, SchoolRef

WRITTEN_VERSION = "25.0"


def _add(parent: Element, tag: str, value: object) -> Element | None:
    """A child element, unless the value is empty (optional elements are left out)."""
    if value is None or value == "":
        return None
    el = SubElement(parent, tag)
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        el.text = value.replace(microsecond=0).isoformat()
    elif isinstance(value, dt.date):
        el.text = value.isoformat()
    else:
        el.text = str(value)
    return el


def _school(parent: Element, tag: str, school: SchoolRef) -> Element:
    el = SubElement(parent, tag)
    _add(el, "LEA", school.la)
    _add(el, "Estab", school.estab)
    _add(el, "URN", school.urn)
    _add(el, "SchoolName", school.name)
    _add(el, "AcademicYear", school.academic_year)
    return el


def _address(parent: Element, lines: str, postcode: str) -> None:
    el = SubElement(parent, "Address")
    block = SubElement(el, "AddressLines")
    for i, line in enumerate([x for x in lines.splitlines() if x.strip()][:5], 1):
        _add(block, f"AddressLine{i}", line.strip())
    _add(el, "PostCode", postcode)


def _phones(parent: Element, phones: Iterable[tuple[str, str]]) -> None:
    phones = list(phones)
    if not phones:
        return
    block = SubElement(parent, "Phones")
    for kind, number in phones:
        phone = SubElement(block, "Phone")
        _add(phone, "TelephoneType", kind or "H")
        _add(phone, "PhoneNo", number)


def _contact(parent: Element, contact: CTFContact) -> None:
    el = SubElement(parent, "Contact")
    _add(el, "Order", contact.order)
    _add(el, "Title", contact.title)
    _add(el, "Surname", contact.surname)
    _add(el, "Forename", contact.forename)
    _add(el, "Relationship", contact.relationship)
    _add(el, "Responsibility", contact.parental_responsibility)
    if contact.address_as_pupil:
        _add(SubElement(el, "Address"), "AddressAsPupil", True)
    else:
        _address(el, contact.address, "")
    _phones(el, contact.phones)
    _add(el, "Email", contact.email)
    if contact.court_order:
        _add(el, "CourtOrder", True)


def _pupil(parent: Element, pupil: CTFPupil) -> None:
    el = SubElement(parent, "Pupil")
    _add(el, "UPN", pupil.upn)
    _add(el, "Surname", pupil.surname)
    _add(el, "Forename", pupil.forename)
    _add(el, "DOB", pupil.date_of_birth)
    _add(el, "Sex", pupil.sex)
    basic = SubElement(el, "BasicDetails")
    for former in pupil.former_upns:
        _add(basic, "FormerUPN", former)
    _add(basic, "PreferredSurname", pupil.preferred_surname)
    _add(basic, "PreferredForename", pupil.preferred_forename)
    _add(basic, "MiddleNames", pupil.middle_names)
    _add(basic, "NCyearActual", pupil.year_group)
    care = SubElement(el, "LookedAfter")
    _add(care, "InCare", pupil.looked_after)
    _add(care, "CareAuthority", pupil.care_authority)
    if pupil.sen_history or pupil.sen_needs:
        history = SubElement(el, "SENhistory")
        for spell in pupil.sen_history:
            sen = SubElement(history, "SEN")
            _add(sen, "StartDate", spell.start)
            _add(sen, "SENprovision", spell.provision)
            _add(sen, "EndDate", spell.end)
        if pupil.sen_needs:
            needs = SubElement(history, "SENneeds")
            for need in pupil.sen_needs:
                n = SubElement(needs, "SENneed")
                _add(n, "NeedStartDate", need.start)
                _add(n, "SENtypeRank", need.rank)
                _add(n, "SENtype", need.type)
    if pupil.address or pupil.postcode:
        _address(el, pupil.address, pupil.postcode)
    _phones(el, pupil.phones)
    _add(el, "Email", pupil.email)
    if pupil.contacts:
        contacts = SubElement(el, "Contacts")
        for contact in pupil.contacts:
            _contact(contacts, contact)
    if pupil.attendance:
        attendance = SubElement(el, "Attendance")
        for year in pupil.attendance:
            y = SubElement(attendance, "YearData")
            _add(y, "Year", year.year)
            _add(y, "LEA", year.school.la)
            _add(y, "Estab", year.school.estab)
            _add(y, "URN", year.school.urn)
            _add(y, "SchoolName", year.school.name)
            _add(y, "SessionsPossible", year.possible)
            _add(y, "SessionsAuthorised", year.authorised)
            _add(y, "SessionsAttended", year.attended)
            _add(y, "SessionsUnauthorised", year.unauthorised)
    if pupil.schools:
        history = SubElement(el, "SchoolHistory")
        for previous in pupil.schools:
            s = _school(history, "School", previous.school)
            _add(s, "EntryDate", previous.entry)
            _add(s, "LeavingDate", previous.leaving)
            _add(s, "LeavingReason", previous.leaving_reason)


def write(header: CTFHeader, pupils: Iterable[CTFPupil]) -> bytes:
    """The CTF as UTF-8 XML bytes."""
    root = Element("CTfile")
    head = SubElement(root, "Header")
    _add(head, "DocumentName", "Common Transfer File")
    _add(head, "CTFversion", header.version or WRITTEN_VERSION)
    _add(head, "DateTime", header.generated_at)
    _add(head, "DocumentQualifier", header.qualifier or "full")
    _add(head, "DataDescriptor", header.description)
    _add(head, "SupplierID", header.supplier or "Pastoral")
    _school(head, "SourceSchool", header.source)
    _school(head, "DestSchool", header.destination)
    data = SubElement(root, "CTFpupilData")
    for pupil in pupils:
        _pupil(data, pupil)
    indent(root)
    return tostring(root, encoding="utf-8", xml_declaration=True)
