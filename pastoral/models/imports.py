"""An uploaded MIS file kept between the dry-run preview and the confirmation."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ImportBatch(models.Model):
    """One upload in the browser import: previewed, then applied or abandoned.

    The file's bytes stay in the database (not on a web server's disk) so the
    confirm request may reach any web process; they are wiped once applied,
    and unconfirmed batches are deleted after a day (see import_views). A Common
    Transfer File is the exception: its bytes are kept once applied, for audit
    (`KEEPS_FILE`), with what it carried beyond the learner's fields (attendance
    year summaries, school history, SEN history and needs) in `details`.
    """

    class Kind(models.TextChoices):
        LEARNERS = "learners", "Learners"
        STAFF = "staff", "Staff"
        TERM_DATES = "term_dates", "Term dates"
        CONTACTS = "contacts", "Parents and carers"
        AGENCIES = "agencies", "Outside agencies"
        CTF = "ctf", "Common Transfer File (CTF)"

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
    # A CTF's per-pupil record of what has no learner field (see pastoral/imports/ctf.py).
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    # Kinds whose uploaded file is kept after it is applied (the raw file, for audit).
    KEEPS_FILE = frozenset({Kind.CTF})

    @property
    def keeps_file(self) -> bool:
        return self.kind in self.KEEPS_FILE

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename} ({self.get_status_display()})"
