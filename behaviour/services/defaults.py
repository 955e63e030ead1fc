"""The defaults a new school starts from, shaped by the DfE's "Behaviour in
schools" guidance (2024): recognition of good behaviour used as much as
sanctions, a graduated scale of sanctions proportionate to the behaviour,
serious and discriminatory behaviour (bullying, prejudice, violence, damage)
recorded and passed to the pastoral leads with a follow-up, and the needs of
learners with SEND considered (the SENCO hears of incidents involving them).
Every school edits its own copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from behaviour.models import BehaviourSettings, BehaviourType, DetentionType, Kind, Severity
from pastoral.models import School

P, N = Kind.POSITIVE, Kind.NEGATIVE
S = Severity

# name, kind, category, default, min, max, severity, follow-up, tutor, hoy, key worker, senco
DEFAULT_TYPES: list[tuple[Any, ...]] = [
    ("Excellent work", P, "Learning", 2, 1, 5, S.NONE, False, False, False, False, False),
    ("Effort and resilience", P, "Learning", 1, 1, 3, S.NONE, False, False, False, False, False),
    (
        "Kindness and helping others",
        P,
        "Character",
        2,
        1,
        5,
        S.NONE,
        False,
        True,
        False,
        False,
        False,
    ),
    (
        "Leadership / representing the school",
        P,
        "Character",
        3,
        1,
        5,
        S.NONE,
        False,
        True,
        False,
        False,
        False,
    ),
    ("Homework completed well", P, "Learning", 1, 1, 2, S.NONE, False, False, False, False, False),
    ("Low-level disruption", N, "Classroom", -1, -2, -1, S.LOW, False, False, False, False, False),
    ("Late to lesson", N, "Conduct", -1, -1, -1, S.LOW, False, True, False, False, False),
    ("Homework not done", N, "Learning", -1, -2, -1, S.LOW, False, False, False, False, False),
    ("Equipment or uniform", N, "Conduct", -1, -1, -1, S.LOW, False, True, False, False, False),
    (
        "Mobile phone seen or used",
        N,
        "Conduct",
        -2,
        -3,
        -1,
        S.MEDIUM,
        False,
        True,
        False,
        False,
        False,
    ),
    (
        "Refusal to follow instructions",
        N,
        "Classroom",
        -2,
        -3,
        -1,
        S.MEDIUM,
        True,
        True,
        True,
        False,
        True,
    ),
    ("Rudeness to staff", N, "Conduct", -3, -5, -2, S.MEDIUM, True, True, True, False, True),
    ("Truancy / leaving a lesson", N, "Conduct", -3, -5, -2, S.HIGH, True, True, True, True, True),
    ("Bullying", N, "Serious", -5, -5, -3, S.HIGH, True, True, True, True, True),
    (
        "Discriminatory language or behaviour",
        N,
        "Serious",
        -5,
        -5,
        -3,
        S.HIGH,
        True,
        True,
        True,
        True,
        True,
    ),
    ("Physical aggression", N, "Serious", -5, -5, -3, S.SERIOUS, True, True, True, True, True),
    ("Damage to property", N, "Serious", -4, -5, -2, S.HIGH, True, True, True, False, True),
]

# name, when, minutes, start, escalates to (name)
DEFAULT_DETENTION_TYPES = [
    ("Break detention", DetentionType.When.BREAK, 15, dt.time(10, 40), "Lunch detention"),
    ("Lunch detention", DetentionType.When.LUNCH, 30, dt.time(12, 50), "After-school detention"),
    (
        "After-school detention",
        DetentionType.When.AFTER_SCHOOL,
        60,
        dt.time(15, 15),
        "Extended after-school detention",
    ),
    ("Extended after-school detention", DetentionType.When.AFTER_SCHOOL, 90, dt.time(15, 15), ""),
]


@transaction.atomic
def behaviour_defaults_ensure(*, school: School) -> bool:
    """Give a school that has none the default settings, behaviour types and
    detention types (with their escalation rule). Returns whether it wrote."""
    BehaviourSettings.objects.get_or_create(school=school)
    if BehaviourType.objects.filter(school=school).exists():
        return False
    BehaviourType.objects.bulk_create(
        [
            BehaviourType(
                school=school,
                name=name,
                kind=kind,
                category=category,
                default_points=default,
                min_points=low,
                max_points=high,
                severity=severity,
                needs_follow_up=follow_up,
                notify_tutor=tutor,
                notify_hoy=hoy,
                notify_key_worker=key_worker,
                notify_senco_if_sen=senco,
                order=i,
            )
            for i, (
                name,
                kind,
                category,
                default,
                low,
                high,
                severity,
                follow_up,
                tutor,
                hoy,
                key_worker,
                senco,
            ) in enumerate(DEFAULT_TYPES)
        ],
        ignore_conflicts=True,
    )
    if not DetentionType.objects.filter(school=school).exists():
        made = {
            name: DetentionType.objects.create(
                school=school, name=name, when=when, minutes=minutes, default_start=start
            )
            for name, when, minutes, start, _ in DEFAULT_DETENTION_TYPES
        }
        for name, *_rest, to in DEFAULT_DETENTION_TYPES:
            if to:
                made[name].escalates_to = made[to]
                made[name].save(update_fields=["escalates_to"])
    return True


def school_created(
    sender: Any, instance: School, created: bool, raw: bool = False, **kw: Any
) -> None:
    """post_save of School: a new school gets the defaults (pages never write on GET)."""
    if created and not raw:
        behaviour_defaults_ensure(school=instance)
