"""What a CTF holds, as plain frozen records (no database, no XML)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SchoolRef:
    la: str = ""  # the local authority number, <LEA>
    estab: str = ""  # the establishment number, <Estab>
    urn: str = ""
    name: str = ""
    academic_year: str = ""


@dataclass(frozen=True)
class CTFHeader:
    version: str
    generated_at: dt.datetime | None
    qualifier: str  # "full" or "partial"
    supplier: str
    source: SchoolRef
    destination: SchoolRef
    description: str = ""


@dataclass(frozen=True)
class CTFContact:
    order: int
    surname: str
    forename: str
    title: str = ""
    relationship: str = ""  # the DfE code (PAM, PAF, CAR, ...)
    parental_responsibility: bool = False
    address_as_pupil: bool = True
    address: str = ""
    phones: tuple[tuple[str, str], ...] = ()  # (type H/M/W, number)
    email: str = ""
    court_order: bool = False

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.title, self.forename, self.surname) if p)


@dataclass(frozen=True)
class SENSpell:
    start: dt.date | None
    provision: str  # N, K or E
    end: dt.date | None = None


@dataclass(frozen=True)
class SENNeed:
    rank: int
    type: str  # the DfE code (SLCN, SEMH, ASD, ...)
    start: dt.date | None = None


@dataclass(frozen=True)
class AttendanceYear:
    year: str
    school: SchoolRef
    possible: int
    attended: int
    authorised: int
    unauthorised: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.attended / self.possible, 1) if self.possible else None


@dataclass(frozen=True)
class PreviousSchool:
    school: SchoolRef
    entry: dt.date | None = None
    leaving: dt.date | None = None
    leaving_reason: str = ""


@dataclass(frozen=True)
class CTFPupil:
    upn: str
    surname: str
    forename: str
    date_of_birth: dt.date | None
    sex: str  # M, F (or the file's own code)
    former_upns: tuple[str, ...] = ()
    preferred_surname: str = ""
    preferred_forename: str = ""
    middle_names: str = ""
    year_group: str = ""  # NCyearActual: "7" ... "11", "R", "N1"...
    looked_after: bool = False
    care_authority: str = ""
    sen_history: tuple[SENSpell, ...] = ()
    sen_needs: tuple[SENNeed, ...] = ()
    address: str = ""
    postcode: str = ""
    phones: tuple[tuple[str, str], ...] = ()
    email: str = ""
    contacts: tuple[CTFContact, ...] = ()
    attendance: tuple[AttendanceYear, ...] = ()
    schools: tuple[PreviousSchool, ...] = ()

    @property
    def sen_provision(self) -> str:
        """The current SEN provision (N, K, E): the open spell, else the latest."""
        spells = sorted(self.sen_history, key=lambda s: s.start or dt.date.min)
        current = [s for s in spells if s.end is None]
        return (current or spells or [SENSpell(None, "N")])[-1].provision


@dataclass(frozen=True)
class CTFFile:
    header: CTFHeader
    pupils: tuple[CTFPupil, ...] = field(default_factory=tuple)
    # Elements the reader did not know, by path (told in the preview, never an error).
    skipped: tuple[str, ...] = ()
