"""What a CTF carries beyond a learner's fields: the per-pupil record kept on the
import (`ImportBatch.details`) and the lines shown beside each pupil in the preview
(attendance years, school history, former UPNs). See pastoral/imports/ctf.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pastoral.ctf import CTFPupil
from pastoral.models import Learner


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def stored_pupil(pupil: CTFPupil, learner: Learner) -> dict[str, Any]:
    return {
        "upn": pupil.upn,
        "learner_id": learner.pk,
        "name": f"{pupil.forename} {pupil.surname}".strip(),
        "former_upns": list(pupil.former_upns),
        "care_authority": pupil.care_authority,
        "sen_history": [
            {"start": _iso(s.start), "provision": s.provision, "end": _iso(s.end)}
            for s in pupil.sen_history
        ],
        "sen_needs": [
            {"rank": n.rank, "type": n.type, "start": _iso(n.start)} for n in pupil.sen_needs
        ],
        "attendance": [
            {
                "year": y.year,
                "school": y.school.name,
                "la": y.school.la,
                "estab": y.school.estab,
                "possible": y.possible,
                "attended": y.attended,
                "authorised": y.authorised,
                "unauthorised": y.unauthorised,
                "percent": y.percent,
            }
            for y in pupil.attendance
        ],
        "schools": [
            {
                "school": s.school.name,
                "la": s.school.la,
                "estab": s.school.estab,
                "entry": _iso(s.entry),
                "leaving": _iso(s.leaving),
                "reason": s.leaving_reason,
            }
            for s in pupil.schools
        ],
    }


def _year_label(year: str) -> str:
    """The CTF names an academic year by its start: "2025" → "2025/26"."""
    return f"{year}/{(int(year) + 1) % 100:02d}" if year.isdigit() else year


def _school_name(name: str, la: str, estab: str) -> str:
    return name or (f"LA {la} establishment {estab}" if la or estab else "another school")


def pupil_details(pupil: CTFPupil) -> tuple[str, ...]:
    """Lines beside a pupil's preview: what is kept with the import, not a field."""
    lines: list[str] = []
    if pupil.former_upns:
        lines.append("Former UPNs: " + ", ".join(pupil.former_upns))
    for y in pupil.attendance:
        where = _school_name(y.school.name, y.school.la, y.school.estab)
        percent = f"{y.percent}%" if y.percent is not None else "no sessions"
        lines.append(
            f"Attendance {_year_label(y.year)} at {where}: {percent} "
            f"({y.attended} of {y.possible} sessions; {y.authorised} authorised, "
            f"{y.unauthorised} unauthorised absences)"
        )
    for s in pupil.schools:
        where = _school_name(s.school.name, s.school.la, s.school.estab)
        dates = " – ".join(f"{d.day} {d:%b %Y}" for d in (s.entry, s.leaving) if d)
        reason = f" ({s.leaving_reason})" if s.leaving_reason else ""
        lines.append(f"School history: {where}{', ' + dates if dates else ''}{reason}")
    if pupil.sen_history or pupil.sen_needs:
        lines.append(
            f"SEN history: {len(pupil.sen_history)} spell(s), {len(pupil.sen_needs)} need(s) "
            "kept with the import (not shown)"
        )
    return tuple(lines)
