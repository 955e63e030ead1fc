"""Roles held at trust level (ACCESS.md: trust safeguarding lead, trust administrator).

A trust role gives no school role: case content of a school is reached only
through a role in that school (`Membership`). The models belong to the core
app ("pastoral") and are migrated with it.
"""

from __future__ import annotations

from django.db import models


class TrustRole(models.TextChoices):
    SAFEGUARDING_LEAD = "lead", "Trust safeguarding lead"
    ADMIN = "admin", "Trust administrator"


class TrustMembership(models.Model):
    """One role a person holds in one trust."""

    Role = TrustRole

    user = models.ForeignKey(
        "pastoral.User", on_delete=models.CASCADE, related_name="trust_memberships"
    )
    trust = models.ForeignKey("pastoral.Trust", on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=8, choices=TrustRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "pastoral"
        ordering = ["trust", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "trust", "role"], name="trustmembership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.trust}"
