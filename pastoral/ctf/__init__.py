"""The DfE Common Transfer File (CTF): read one into plain records, write one for a leaver.

`read(data)` accepts the current and the previous versions seen in use (19, 23-25),
tolerates missing optional elements and skips elements it does not know. `write(...)`
produces a file from our records. Neither touches the database: the import
(upload -> preview -> confirm) and the leaver export build on them. A CTF never
carries child-protection content (KCSIE: the CP file travels separately, DSL to DSL).
See docs/ctf.md.
"""

from pastoral.ctf.reader import CTFError, read
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
from pastoral.ctf.writer import write

__all__ = [
    "AttendanceYear",
    "CTFContact",
    "CTFError",
    "CTFFile",
    "CTFHeader",
    "CTFPupil",
    "PreviousSchool",
    "SENNeed",
    "SENSpell",
    "SchoolRef",
    "read",
    "write",
]
