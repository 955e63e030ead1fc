"""Reading and writing the DfE Common Transfer File (pastoral/ctf): the versions
in use, tolerance of what we do not know, clear refusals, and a round trip."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from pastoral import ctf

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ctf"


def _read(name: str) -> ctf.CTFFile:
    return ctf.read((DOCS / name).read_bytes())


def test_a_version_19_file_from_sims_is_read_with_contacts_in_order() -> None:
    file = _read("sample-v19.xml")
    assert file.header.version == "19.0"
    assert file.header.source.name == "Fenside Primary School"
    assert (file.header.source.la, file.header.source.estab) == ("873", "2041")
    (pupil,) = file.pupils
    assert pupil.upn == "C873204126001"
    assert pupil.former_upns == ("E873204125999",)
    assert (pupil.forename, pupil.surname, pupil.sex) == ("Chidi", "Okafor", "M")
    assert pupil.date_of_birth == dt.date(2015, 3, 14)
    assert pupil.address == "12 Willow Row\nCambridge" and pupil.postcode == "CB4 1AA"
    # Order 1 first, whatever the file's order.
    assert [c.forename for c in pupil.contacts] == ["Ada", "Emeka"]
    ada, emeka = pupil.contacts
    assert ada.parental_responsibility and ada.address_as_pupil and ada.email
    assert emeka.court_order and not emeka.address_as_pupil and "40 Mill Lane" in emeka.address
    assert pupil.sen_provision == "K" and pupil.sen_needs[0].type == "SLCN"
    assert pupil.attendance[0].percent == 94.7
    assert pupil.schools[0].leaving_reason == "Transfer"


def test_elements_it_does_not_know_are_skipped_and_listed_not_fatal() -> None:
    assert _read("sample-v19.xml").skipped == ("Pupil/UnknownBlock",)


def test_a_version_25_file_with_namespaces_sex_and_bs7666_address() -> None:
    file = _read("sample-v25.xml")
    assert file.header.qualifier == "partial"
    (pupil,) = file.pupils
    assert pupil.sex == "F" and pupil.preferred_forename == "Zosia"
    assert pupil.looked_after and pupil.care_authority == "873"
    assert pupil.sen_provision == "E"  # the open spell, not the ended one
    assert [n.type for n in pupil.sen_needs] == ["SEMH", "SPLD"]
    assert pupil.address == "Flat 2, 7\nHarbour Street\nSt Ives\nCambridgeshire"
    assert [y.year for y in pupil.attendance] == ["2025", "2024"]


def test_missing_optional_elements_give_empty_values() -> None:
    file = ctf.read(
        b"<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
        b"<CTFversion>24.0</CTFversion></Header><CTFpupilData><Pupil><UPN>A123456789012</UPN>"
        b"<Surname>Lee</Surname><Forename>Sam</Forename></Pupil></CTFpupilData></CTfile>"
    )
    (pupil,) = file.pupils
    assert pupil.date_of_birth is None and pupil.contacts == () and pupil.sen_provision == "N"
    assert file.header.source == ctf.SchoolRef()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<CTfile><Header>", "Line 1, column 17: the XML is not well formed"),
        (b"<ATfile/>", "starts with <ATfile>, not <CTfile>"),
        (
            b"<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
            b"<CTFversion>12.0</CTFversion></Header></CTfile>",
            "CTF version 12.0 is not one Pastoral reads (versions 19 to 25)",
        ),
        (
            b"<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData>"
            b"<Pupil><Surname>Lee</Surname><Forename>Sam</Forename></Pupil></CTFpupilData></CTfile>",
            "Pupil 1 (Sam Lee) has no <UPN>",
        ),
        (
            b"<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil>"
            b"<UPN>A123456789012</UPN><DOB>14/03/2015</DOB></Pupil></CTFpupilData></CTfile>",
            "'14/03/2015' is not a date (YYYY-MM-DD)",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_saying_where_and_why(
    data: bytes, message: str
) -> None:
    with pytest.raises(ctf.CTFError) as error:
        ctf.read(data)
    assert message in str(error.value)


def test_entities_are_refused_never_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><CTfile>&b;</CTfile>'
    )
    with pytest.raises(ctf.CTFError, match="refused unread for safety"):
        ctf.read(bomb)


def test_what_is_written_reads_back_the_same() -> None:
    original = _read("sample-v25.xml").pupils + _read("sample-v19.xml").pupils
    header = dataclasses.replace(
        _read("sample-v25.xml").header, version="25.0", generated_at=dt.datetime(2026, 12, 1, 9)
    )
    again = ctf.read(ctf.write(header, original))
    assert again.header.source == header.source and again.header.destination == header.destination
    # Addresses are written as plain lines (the postcode apart): the same text.
    assert again.pupils == original


def test_text_people_typed_is_escaped_in_the_written_file() -> None:
    (pupil,) = _read("sample-v25.xml").pupils
    tricky = dataclasses.replace(pupil, surname='<Nowak & "Sons">')
    data = ctf.write(_read("sample-v25.xml").header, [tricky])
    assert b'&lt;Nowak &amp; "Sons"&gt;' in data
    assert ctf.read(data).pupils[0].surname == '<Nowak & "Sons">'
