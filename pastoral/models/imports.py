"""An uploaded MIS file kept between the dry-run preview and the confirmation."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ImportBatch(models.Model):
    """One upload in the browser import: previewed, then applied or abandoned.

    The file's bytes stay in the database (not on a web server's disk) so the
    confirm request may reach any web process; they are wiped once applied,
    and unconfirmed batches are deleted after a day (see import_views).
    """

    class Kind(models.TextChoices):
        LEARNERS = "learners", "Learners"
        STAFF = "staff", "Staff"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        APPLIED = "applied", "Imported"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename} ({self.get_status_display()})"
