"""Providers and placements for tests, made directly (the services are tested on their own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from provision.models import Confirmation, Placement, Provider, Report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DAYS = dt.timedelta(days=1)


def make_provider(
    school: Any,
    name: str = "Riverside Learning Centre",
    *,
    confirmed: str = "valid",
    recorded_by: Any = None,
    letter: bool = False,
) -> Provider:
    """A provider whose safer-recruitment confirmation is "valid", "expired" or "missing"."""
    provider = Provider.objects.create(
        school=school,
        name=name,
        urn="143210",
        registration=Provider.Registration.AP,
        contact_name="Jo Rivers",
        phone="01632 960123",
    )
    if confirmed != "missing":
        if recorded_by is None:
            from tests.factories import UserFactory

            recorded_by = UserFactory()
        today = timezone.localdate()
        expires = today + 200 * DAYS if confirmed == "valid" else today - 3 * DAYS
        confirmation = Confirmation(
            provider=provider,
            confirmed_by="Jo Rivers, manager",
            confirmed_on=today - 300 * DAYS,
            expires_on=expires,
            recorded_by=recorded_by,
        )
        if letter:
            confirmation.letter_name = "letter.pdf"
            confirmation.letter_type = "application/pdf"
            confirmation.letter.save(f"{provider.pk}-letter", ContentFile(PDF), save=False)
        confirmation.save()
    return provider


def make_placement(
    learner: Any,
    provider: Provider,
    owner: Any,
    *,
    status: str = Placement.Status.ACTIVE,
    start: dt.date | None = None,
    end: dt.date | None = None,
    sessions: list[str] | None = None,
) -> Placement:
    today = timezone.localdate()
    return Placement.objects.create(
        school=learner.school,
        learner=learner,
        provider=provider,
        owner=owner,
        created_by=owner,
        status=status,
        start=start or today - 14 * DAYS,
        end=end or today + 60 * DAYS,
        sessions=sessions
        if sessions is not None
        else ["MON-AM", "MON-PM", "TUE-AM", "TUE-PM", "WED-AM", "WED-PM", "THU-AM", "FRI-PM"],
        reason=Placement.Reason.REENGAGE,
        reason_detail="Small-group re-engagement programme.",
    )


def make_report(placement: Placement, day: dt.date, session: str, outcome: str, by: Any) -> Report:
    return Report.objects.create(
        placement=placement, date=day, session=session, outcome=outcome, recorded_by=by
    )


def placement_form(provider: Provider, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "provider": provider.pk,
        "start": (today + 1 * DAYS).isoformat(),
        "end": (today + 60 * DAYS).isoformat(),
        "sessions": ["MON-AM", "MON-PM"],
        "times": "9:30 to 14:30",
        "reason": "reengage",
        "reason_detail": "Re-engage with learning.",
        "cost": "",
        "action": "draft",
    }
    data.update(overrides)
    return data
