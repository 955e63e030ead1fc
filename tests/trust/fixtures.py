"""The trust around the test world, for the trust pages' tests and matrix.

`trust_world(world)` puts the world's school and a second school in a trust,
the world's other school in another trust, and adds two people with trust
roles and no school role: `world.trust_lead` (trust safeguarding lead) and
`world.trust_admin` (trust administrator); `world.foreign_lead` leads the
other trust. The six roles of the matrix are unchanged.
"""

from __future__ import annotations

from typing import Any

from pastoral.models import Trust
from pastoral.trust.models import TrustMembership, TrustRole
from tests.factories import SchoolFactory, UserFactory


def trust_world(world: Any) -> Any:
    if getattr(world, "trust", None) is not None:
        return world
    trust = Trust.objects.create(name="Oak Learning Trust")
    other_trust = Trust.objects.create(name="Elsewhere Trust")
    world.school.trust = trust
    world.school.save()
    world.other_school.trust = other_trust
    world.other_school.save()
    world.trust = trust
    world.other_trust = other_trust
    world.sister_school = SchoolFactory(name="Birch Primary", trust=trust)
    world.trust_lead = UserFactory(full_name="Tara Trustlead")
    world.trust_admin = UserFactory(full_name="Theo Trustadmin")
    world.foreign_lead = UserFactory(full_name="Fay Foreignlead")
    TrustMembership.objects.create(
        user=world.trust_lead, trust=trust, role=TrustRole.SAFEGUARDING_LEAD
    )
    TrustMembership.objects.create(user=world.trust_admin, trust=trust, role=TrustRole.ADMIN)
    TrustMembership.objects.create(
        user=world.foreign_lead, trust=other_trust, role=TrustRole.SAFEGUARDING_LEAD
    )
    return world
