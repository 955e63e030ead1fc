"""CSV helpers for the import tests (shared with tests/matrix/imports.py)."""

from __future__ import annotations

import csv
import io

from pastoral.upn import make_upn

LEARNER_HEADER = [
    "UPN",
    "Legal First Name",
    "Legal Last Name",
    "Preferred First Name",
    "Date of Birth",
    "Gender",
    "Year Group",
    "Reg Group",
    "SEN Status",
    "Pupil Premium",
    "EAL",
    "Looked After",
    "CP Status",
    "On Roll From",
]


def upn(serial: int) -> str:
    return make_upn(823, 4321, 14, serial)


def learner_row(serial: int, **overrides: str) -> dict[str, str]:
    row = {
        "UPN": upn(serial),
        "Legal First Name": f"Ada{serial}",
        "Legal Last Name": f"Lovelace{serial}",
        "Preferred First Name": "",
        "Date of Birth": "04/03/2012",
        "Gender": "F",
        "Year Group": "9",
        "Reg Group": "9A",
        "SEN Status": "N",
        "Pupil Premium": "N",
        "EAL": "N",
        "Looked After": "N",
        "CP Status": "",
        "On Roll From": "2023-09-01",
    }
    row.update(overrides)
    return row


def to_csv(
    rows: list[dict[str, str]], header: list[str] | None = None, *, bom: bool = False
) -> bytes:
    header = header or LEARNER_HEADER
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def learners_csv(count: int, start: int = 1, **overrides: str) -> bytes:
    return to_csv([learner_row(n, **overrides) for n in range(start, start + count)])


STAFF_HEADER = ["Email", "Full Name", "Job Title", "Roles", "HoY Year Groups"]


def staff_csv(rows: list[dict[str, str]]) -> bytes:
    return to_csv(rows, STAFF_HEADER)
