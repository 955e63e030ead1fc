"""Investigations of incidents involving several pupils (bullying, fights,
child-on-child abuse): statements, evidence notes, and an outcome per pupil.

Each learner's chronology shows only their own part: their statement, their
outcome; never another pupil's statement.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Investigation(models.Model):
    concern = models.ForeignKey(
        "safeguarding.Concern", on_delete=models.CASCADE, related_name="investigations"
    )
    title = models.CharField(max_length=200)
    opened_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    conclusion = models.TextField(blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    class Part(models.TextChoices):
        AFFECTED = "affected", "Affected / target"
        ALLEGED = "alleged", "Alleged to have caused harm"
        WITNESS = "witness", "Witness"
        INVOLVED = "involved", "Involved"

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="participants"
    )
    learner = models.ForeignKey("pastoral.Learner", on_delete=models.PROTECT, related_name="+")
    part = models.CharField(max_length=10, choices=Part.choices)
    outcome = models.TextField(blank=True, help_text="The conclusion and outcome for this pupil")
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "learner"], name="sg_participant_unique"
            )
        ]
        indexes = [models.Index(fields=["learner"])]

    def __str__(self) -> str:
        return f"{self.learner_id} ({self.part})"


class Statement(models.Model):
    """A statement taken from a pupil (typed, or a scanned page attached)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.TextField(blank=True)
    taken_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self) -> str:
        return f"statement {self.pk}"


class EvidenceNote(models.Model):
    """E.g. CCTV reviewed: by whom, when, what it showed."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="evidence"
    )
    source = models.CharField(max_length=120, help_text="e.g. CCTV, messages, witness account")
    reviewed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    finding = models.TextField("What it showed")

    class Meta:
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return self.source
