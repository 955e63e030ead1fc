"""Generated reports, CP-file transfers and imported transfer bundles.

These live in the core (not in safeguarding or caseload) so that the report
machinery, the CP transfer record and the import of another school's bundle
need no migrations in the apps that own the data they summarise.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral.private_files import private_files


class ReportJob(models.Model):
    """One request for a report: its parameters, progress and the finished file.

    The file sits in the private storage under reports/ and is served only by the
    permission-checked download view; it is deleted when the job expires.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being generated"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired (file deleted)"

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    learner = models.ForeignKey(
        "pastoral.Learner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100")
    stage = models.CharField(max_length=100, blank=True)
    background = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    file_path = models.CharField(
        max_length=300, blank=True, help_text="its name in the private storage"
    )
    filename = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=60, default="application/pdf")
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "requested_by", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and self.expires_at > timezone.now()

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    def open_file(self) -> Any:
        """The stored file, opened for reading (FileNotFoundError when gone)."""
        return private_files.open(self.file_path, "rb")

    def read_bytes(self) -> bytes:
        with self.open_file() as handle:
            return handle.read()


class CPFileTransfer(models.Model):
    """A child-protection file sent to a learner's new school (KCSIE: separately
    from the main file, within 5 school days, with receipt confirmed).

    The reminders app reminds the sender while `receipt_confirmed_at` is empty
    five school days after `sent_at`.
    """

    class Method(models.TextChoices):
        SECURE_PLATFORM = "platform", "Secure platform transfer (e.g. CPOMS, MyConcern)"
        SECURE_EMAIL = "email", "Secure (encrypted) e-mail"
        HAND = "hand", "Hand delivered to the receiving DSL"
        RECORDED_POST = "post", "Recorded / special delivery post"
        OTHER = "other", "Other secure method"

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.PROTECT, related_name="cp_transfers"
    )
    receiving_school = models.CharField(max_length=200)
    receiving_school_urn = models.CharField("Receiving school URN", max_length=8, blank=True)
    receiving_dsl = models.CharField("Receiving DSL", max_length=200, blank=True)
    receiving_contact = models.CharField(
        "Receiving DSL e-mail or phone", max_length=200, blank=True
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_at = models.DateTimeField("Date sent")
    sent_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        ReportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    receipt_confirmed_at = models.DateTimeField("Receipt confirmed at", null=True, blank=True)
    receipt_confirmed_by = models.CharField(
        "Receipt confirmed by", max_length=200, blank=True, help_text="the receiving DSL's name"
    )
    receipt_recorded_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set once a receipt signed with `receipt_key` (pastoral/reports/receipts.py)
    # was checked: proved by the receiving installation, not typed by the sender.
    receipt_verified = models.BooleanField(default=False)
    # Travels inside the transfer bundle sent with this CP file; never shown.
    receipt_key = models.CharField(max_length=64, blank=True, editable=False)
    bundle_job = models.ForeignKey(
        ReportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["school", "receipt_confirmed_at", "sent_at"])]

    def __str__(self) -> str:
        return f"CP file to {self.receiving_school} on {self.sent_at:%d %b %Y}"

    def clean(self) -> None:
        if self.receipt_confirmed_at and self.receipt_confirmed_at < self.sent_at:
            raise ValidationError(
                {"receipt_confirmed_at": "Receipt cannot be confirmed before the file was sent."}
            )
        if self.receipt_confirmed_at and not self.receipt_confirmed_by:
            raise ValidationError(
                {"receipt_confirmed_by": "Say who at the receiving school confirmed receipt."}
            )

    @property
    def is_confirmed(self) -> bool:
        return self.receipt_confirmed_at is not None


class ImportedBundle(models.Model):
    """A transfer bundle from another school, imported for one of our learners."""

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.PROTECT, related_name="imported_bundles"
    )
    origin_school = models.CharField(max_length=200)
    origin_urn = models.CharField(max_length=8, blank=True)
    origin_exported_by = models.CharField(max_length=200, blank=True)
    origin_exported_at = models.DateTimeField()
    schema_version = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    attendance_summary = models.JSONField(default=dict, blank=True)
    # The signed receipt for the sending school, when the bundle asked for one.
    receipt = models.TextField(blank=True)
    receipt_reference = models.CharField(max_length=40, blank=True)
    imported_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "learner", "sha256"], name="importedbundle_once_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"Bundle from {self.origin_school} ({self.origin_exported_at:%d %b %Y})"

    @property
    def origin_label(self) -> str:
        urn = f", URN {self.origin_urn}" if self.origin_urn else ""
        return f"Imported from {self.origin_school}{urn}"

    @property
    def attendance(self) -> dict[str, Any]:
        """The sending school's attendance figures, read the way the profile
        shows ours (a bundle from another installation may name them differently):
        start/end, possible, attendance label, authorised, unauthorised, lates, flag."""
        raw = self.attendance_summary or {}

        def first(*keys: str) -> Any:
            return next((raw[k] for k in keys if raw.get(k) not in (None, "")), None)

        pct = first("attendance_pct", "attendance_percent")
        possible = first("possible", "possible_sessions")
        absence = first("absence_pct", "absence_percent")
        return {
            "start": first("start", "from"),
            "end": first("end", "to"),
            "possible": possible,
            "no_sessions": bool(raw.get("no_sessions")) or possible == 0,
            "attendance": f"{float(pct):.1f}%" if isinstance(pct, int | float) else (pct or "—"),
            "absence": f"{float(absence):.1f}%" if isinstance(absence, int | float) else None,
            "authorised": first("authorised"),
            "unauthorised": first("unauthorised"),
            "lates": first("lates"),
            "sa": bool(first("sa", "severe_absence")),
            "pa": bool(first("pa", "persistent_absence")),
        }


class ImportedEntry(models.Model):
    """One chronology entry or plan carried over from the learner's previous school.

    Kept as its own record (never merged into our concerns or plans) so that
    what came from elsewhere is always visibly marked with its origin.
    """

    class Kind(models.TextChoices):
        CONCERN = "concern", "Concern"
        ACTION = "action", "Action"
        PLAN = "plan", "Plan"
        REVIEW = "review", "Plan review"
        CONTACT = "contact", "Contact"
        SESSION = "session", "Session"
        ATTENDANCE = "attendance", "Attendance"
        OTHER = "other", "Other"

    class Level(models.TextChoices):
        PASTORAL = "pastoral", "Pastoral"
        RESTRICTED = "restricted", "Restricted (child protection)"

    bundle = models.ForeignKey(ImportedBundle, on_delete=models.CASCADE, related_name="entries")
    learner = models.ForeignKey("pastoral.Learner", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.PASTORAL)
    occurred_at = models.DateTimeField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    author = models.CharField(max_length=200, blank=True)
    origin_ref = models.CharField(
        max_length=80, help_text="the entry's id in the sending school's system"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["learner", "-occurred_at"])]

    def __str__(self) -> str:
        return self.title
