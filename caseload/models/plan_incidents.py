"""Behaviour plans and pastoral support programmes linked to the behaviour
incidents that prompted them (issue 15). Caseload sits above behaviour, so it
may point at an incident; behaviour never learns about the plan."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PlanIncident(models.Model):
    """One incident that prompted a plan (a behaviour plan or a PSP)."""

    plan = models.ForeignKey(
        "caseload.Plan", on_delete=models.CASCADE, related_name="incident_links"
    )
    incident = models.ForeignKey("behaviour.Incident", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-incident__occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "incident"], name="planincident_unique")
        ]

    def __str__(self) -> str:
        return f"P-{self.plan_id} ← B-{self.incident_id}"
