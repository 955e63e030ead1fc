"""Term-date files for the tests: the CSV and iCalendar shapes of docs/term-dates.md."""

from __future__ import annotations

HEADER = "Type,Name,Start,End,Academic year"
GOOD_ROWS = [
    "Term,Autumn term,2026-09-03,2026-12-18,2026/27",
    "INSET,INSET day,2026-09-03,,2026/27",
    "Holiday,Autumn half term,2026-10-26,2026-10-30,2026/27",
    "Term,Spring term,2027-01-05,2027-03-26,2026/27",
    "Term,Summer term,2027-04-12,2027-07-21,2026/27",
]


def csv_of(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


GOOD_CSV = csv_of(*GOOD_ROWS)


def ics_of(*events: tuple[str, str, str, str]) -> bytes:
    """(categories, summary, dtstart, dtend-exclusive) per event, dates as YYYYMMDD."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test LA//Term dates//EN"]
    for n, (category, summary, start, end) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{n}@la.example",
            f"SUMMARY:{summary}",
            f"CATEGORIES:{category}",
            f"DTSTART;VALUE=DATE:{start}",
            f"DTEND;VALUE=DATE:{end}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


GOOD_ICS = ics_of(
    ("Term", "Autumn term", "20260903", "20261219"),
    ("Holiday", "Autumn half term", "20261026", "20261031"),
    ("Term", "Spring term", "20270105", "20270327"),
)
