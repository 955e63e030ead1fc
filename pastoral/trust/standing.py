"""A person's trust roles: part of their standing (pastoral/standing.py), looked
up once per web process and reused while their `User.access_stamp` is
unchanged; saving or deleting a TrustMembership gives the person a new stamp,
so a stale entry can never be found again.

`TrustScope` is the trust-level counterpart of `pastoral.access.Scope`: the
person, the trust and their trust roles. It carries no school (`school` is
None) and reaches no learner: case content of a school is reached only
through a role in that school.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.http import Http404

from pastoral import standing
from pastoral.models import Trust, User
from pastoral.trust.models import TrustMembership, TrustRole


@dataclass(frozen=True)
class TrustScope:
    """A person's standing in one trust."""

    user: User
    trust: Trust
    roles: frozenset[str]
    # Exports and audit events of trust pages belong to no school's trail.
    school: None = None

    @property
    def is_lead(self) -> bool:
        return TrustRole.SAFEGUARDING_LEAD in self.roles

    @property
    def is_admin(self) -> bool:
        return TrustRole.ADMIN in self.roles

    @property
    def roles_label(self) -> str:
        labels = dict(TrustRole.choices)
        return ", ".join(str(labels[r]) for r in TrustRole if r in self.roles)


def trust_scopes_for(user: User) -> list[TrustScope]:
    """The person's trusts (by name) with their roles there, from the
    person's cached standing (pastoral/standing.py builds it with their school
    roles: no query while their stamp is unchanged)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [
        TrustScope(user=user, trust=trust, roles=roles)
        for trust, roles in standing.cached_standing(user).trusts
    ]


def trust_scope_or_404(user: User, trust_pk: int, *roles: str) -> TrustScope:
    """The person's standing in the trust when they hold one of `roles` there
    (any trust role when none are named); otherwise 404 (existence never leaks)."""
    for scope in trust_scopes_for(user):
        if scope.trust.pk == trust_pk and (not roles or scope.roles.intersection(roles)):
            return scope
    raise Http404("Not found")


def _trust_membership_changed(sender, instance: TrustMembership, **kwargs) -> None:
    standing.restamp(user_ids=[instance.user_id])


def _trust_changed(sender, instance: Trust, created: bool = False, **kwargs) -> None:
    if not created:
        standing.restamp(
            user_ids=list(
                TrustMembership.objects.filter(trust=instance).values_list("user_id", flat=True)
            )
        )


def connect() -> None:
    """Called from PastoralConfig.ready()."""
    post_save.connect(
        _trust_membership_changed, sender=TrustMembership, dispatch_uid="standing-tm-save"
    )
    post_delete.connect(
        _trust_membership_changed, sender=TrustMembership, dispatch_uid="standing-tm-del"
    )
    post_save.connect(_trust_changed, sender=Trust, dispatch_uid="standing-trust")
