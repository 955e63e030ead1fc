"""In-app notifications. They carry no case content: a title naming the kind
of event and a reference, and a link that is access-checked when followed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        "pastoral.User", on_delete=models.CASCADE, related_name="notifications"
    )
    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    title = models.CharField(
        max_length=200, help_text="No learner details: kind of event and a reference."
    )
    url = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title
