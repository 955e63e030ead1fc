"""A person's standing (schools, roles, years, verified second factor), looked up
once and reused until anything it was built from changes.

Every request needs the person's schools and roles (the scope) and whether the
second factor proved in this session is still good. Both used to cost a query
each on every request. Here they are kept per web process, keyed by the user's
`access_stamp`: a random token on the user row (which Django loads on every
request anyway) that is replaced whenever a membership, a head of year's years,
a second-factor device or a school of theirs changes (the signal receivers at
the foot of this module). A stale entry can never be found again: its key names
a stamp the user no longer has. Nothing is written to the session.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save

from pastoral.access import Scope, scope_from
from pastoral.models import Membership, School, Trust, User
from pastoral.models.people import new_access_stamp

# Entries kept per process: one per (person, stamp, second-factor device). A
# school of 200 staff fits many times over; the oldest go first.
MAX_ENTRIES = 4096


@dataclass(frozen=True)
class _Standing:
    schools: tuple[School, ...]
    roles: dict[int, tuple[frozenset[str], frozenset[int]]]
    # Roles held at trust level (pastoral/trust): (trust, roles) by trust name.
    trusts: tuple[tuple[Trust, frozenset[str]], ...] = ()


class _Cache:
    """A small thread-safe LRU dictionary."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> object | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: tuple, value: object) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_standings = _Cache(MAX_ENTRIES)
_devices = _Cache(MAX_ENTRIES)


def standing_for(
    user: User, chosen_school_id: int | None
) -> tuple[list[School], School | None, Scope | None]:
    """The schools the person belongs to (by name), the chosen one (else the
    first) and their scope in it: from the cache while the user's stamp is
    unchanged, else in one query (one more per school where they lead years).
    Each request gets its own copies of the School rows."""
    cached = cached_standing(user)
    schools = [copy.copy(s) for s in cached.schools]
    school = next((s for s in schools if s.pk == chosen_school_id), schools[0] if schools else None)
    if school is None or not user.is_active or school.pk not in cached.roles:
        return schools, school, None
    roles_here, years = cached.roles[school.pk]
    return schools, school, Scope(user=user, school=school, roles=roles_here, year_group_ids=years)


def cached_standing(user: User) -> _Standing:
    """The person's standing from the cache, built (and kept) on a miss."""
    key = (user.pk, user.access_stamp)
    cached = _standings.get(key)
    if not isinstance(cached, _Standing):
        cached = _build(user)
        _standings.put(key, cached)
    return cached


def _build(user: User) -> _Standing:
    from pastoral.trust.models import TrustMembership

    # Whether they also hold a trust role rides on the same query; the trust
    # roles themselves cost one more query, for trust people only (and for
    # people with no school role at all, who might be one).
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("school")
        .annotate(in_trust=Exists(TrustMembership.objects.filter(user_id=OuterRef("user_id"))))
        .order_by("school__name", "school_id", "pk")
    )
    schools: list[School] = []
    for m in memberships:
        if not schools or schools[-1].pk != m.school_id:
            schools.append(m.school)
    roles: dict[int, tuple[frozenset[str], frozenset[int]]] = {}
    for school in schools:
        scope = scope_from(user, school, [m for m in memberships if m.school_id == school.pk])
        if scope is not None:
            roles[school.pk] = (scope.roles, scope.year_group_ids)
    trusts: dict[int, tuple[Trust, set[str]]] = {}
    if not memberships or memberships[0].in_trust:
        for tm in (
            TrustMembership.objects.filter(user=user)
            .select_related("trust")
            .order_by("trust__name", "trust_id", "role")
        ):
            trusts.setdefault(tm.trust_id, (tm.trust, set()))[1].add(tm.role)
    return _Standing(
        schools=tuple(schools),
        roles=roles,
        trusts=tuple((trust, frozenset(r)) for trust, r in trusts.values()),
    )


def device_verified(user: User, persistent_id: str) -> bool:
    """True when this device was found confirmed and the user's own under the
    user's current stamp (so it has not been removed or reset since)."""
    return _devices.get((user.pk, user.access_stamp, persistent_id)) is True


def remember_device(user: User, persistent_id: str) -> None:
    _devices.put((user.pk, user.access_stamp, persistent_id), True)


def clear() -> None:
    """Forget everything (tests that rebuild the world call it; never needed for
    correctness, since a changed stamp already misses)."""
    _standings.clear()
    _devices.clear()


def restamp(*, user_ids: list[int] | None = None, school: School | None = None) -> None:
    """Give the users (or every member of the school) a new stamp."""
    users = User.objects.all()
    if school is not None:
        users = users.filter(memberships__school=school).distinct()
    elif user_ids is not None:
        users = users.filter(pk__in=user_ids)
    else:
        return
    User.objects.filter(pk__in=list(users.values_list("pk", flat=True))).update(
        access_stamp=new_access_stamp()
    )


# --- what makes a standing stale ------------------------------------------------


def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    restamp(user_ids=[instance.user_id])


def _years_changed(sender, instance, action: str, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Membership):
        restamp(user_ids=[instance.user_id])
    else:  # the reverse side: a year group's memberships changed
        restamp(
            user_ids=list(
                Membership.objects.filter(pk__in=pk_set or []).values_list("user_id", flat=True)
            )
        )


def _school_changed(sender, instance: School, created: bool = False, **kwargs) -> None:
    if not created:
        restamp(school=instance)


def _device_changed(sender, instance, **kwargs) -> None:
    if instance.user_id:
        restamp(user_ids=[instance.user_id])


def connect() -> None:
    """Called from PastoralConfig.ready()."""
    from django.apps import apps
    from django_otp.models import Device

    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="standing-m-save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="standing-m-del")
    m2m_changed.connect(
        _years_changed, sender=Membership.year_groups.through, dispatch_uid="standing-years"
    )
    post_save.connect(_school_changed, sender=School, dispatch_uid="standing-school")
    for model in apps.get_models():
        if issubclass(model, Device):
            uid = f"standing-device-{model._meta.label_lower}"
            post_save.connect(_device_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_device_changed, sender=model, dispatch_uid=f"{uid}-del")
