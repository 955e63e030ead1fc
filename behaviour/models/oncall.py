"""On-call, removals from class and internal exclusion (isolation).

A teacher summons help from a room (an OnCallRequest); a member of the
school's on-call rota (or a behaviour lead) accepts it and resolves it with an
outcome. Removal from class is recorded as such (DfE, Behaviour in schools,
Feb 2024): a Removal, from an on-call outcome or by hand. Internal exclusion
runs in IsolationSessions (date, room, supervisor) where learners are placed
for a number of periods and their attendance is taken.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class OnCallPolicy(models.Model):
    """The school's on-call and removal settings (the behaviour leads keep them)."""

    school = models.OneToOneField(
        "pastoral.School", on_delete=models.CASCADE, related_name="oncall_policy"
    )
    removal_threshold = models.PositiveSmallIntegerField(
        "Removals that alert the head of year",
        default=3,
        help_text="A learner removed this many times in the window alerts their head of year.",
    )
    removal_window_days = models.PositiveSmallIntegerField(
        "Window (school days)", default=5, help_text="Counted in school days, today included."
    )

    class Meta:
        verbose_name_plural = "on-call policies"

    def __str__(self) -> str:
        return f"On-call policy of school {self.school_id}"

    def clean(self) -> None:
        errors = {}
        if not 1 <= (self.removal_threshold or 0) <= 50:
            errors["removal_threshold"] = "Choose a number of removals from 1 to 50."
        if not 1 <= (self.removal_window_days or 0) <= 60:
            errors["removal_window_days"] = "Choose a window from 1 to 60 school days."
        if errors:
            raise ValidationError(errors)


class OnCallMember(models.Model):
    """A member of staff on the school's on-call rota: sees and answers requests."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("pastoral.User", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="oncallmember_once")]

    def __str__(self) -> str:
        return f"On call: {self.user_id}"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class Reason(models.TextChoices):
    DISRUPTION = "disruption", "Persistent disruption"
    REFUSAL = "refusal", "Refusing instructions"
    LEFT_ROOM = "left", "Learner left the room"
    CONFLICT = "conflict", "Conflict between learners"
    SAFETY = "safety", "Someone's safety"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    RETURNED = "returned", "Returned to class"
    REMOVED = "removed", "Removed from class"
    ISOLATION = "isolation", "Taken to isolation"
    SENT_HOME = "home", "Sent home"
    NOT_NEEDED = "not_needed", "Help no longer needed"
    OTHER = "other", "Other"


# Outcomes that take the learner out of the lesson: recorded as a removal.
REMOVAL_OUTCOMES = frozenset({Outcome.REMOVED, Outcome.ISOLATION, Outcome.SENT_HOME})


class OnCallRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting"
        ACCEPTED = "accepted", "On the way"
        RESOLVED = "resolved", "Resolved"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    room = models.CharField(max_length=30)
    lesson = models.CharField("Lesson / period", max_length=30, blank=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    urgency = models.CharField(max_length=7, choices=Urgency.choices, default=Urgency.ROUTINE)
    note = models.CharField(max_length=300, blank=True)
    learner = models.ForeignKey(
        "pastoral.Learner", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    accepted_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status", "requested_at"], name="oncall_school_status")
        ]

    def __str__(self) -> str:
        return f"OC-{self.pk}"

    @property
    def reference(self) -> str:
        return f"OC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class Removal(models.Model):
    """A learner removed from a lesson (DfE: recorded and monitored)."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="behaviour_removals"
    )
    removed_at = models.DateTimeField(default=timezone.now)
    lesson = models.CharField("Lesson / period", max_length=30)
    room = models.CharField(max_length=30, blank=True)
    removed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    where_to = models.CharField("Where to", max_length=60)
    minutes = models.PositiveSmallIntegerField("Duration (minutes)")
    request = models.OneToOneField(
        OnCallRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="removal"
    )
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    # This removal took the learner to the school's threshold: the head of year was told.
    alerted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-removed_at", "-id"]
        indexes = [models.Index(fields=["school", "learner", "removed_at"], name="removal_learner")]

    def __str__(self) -> str:
        return f"R-{self.pk}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk}"


class IsolationSession(models.Model):
    """A day of internal exclusion (isolation) in a room, with a supervisor."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    room = models.CharField(max_length=30)
    supervisor = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "room", "id"]
        indexes = [models.Index(fields=["school", "date"], name="isolation_school_date")]

    def __str__(self) -> str:
        return f"Isolation {self.date:%d %b %Y}, {self.room}"


class IsolationPlace(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        ATTENDED = "attended", "Attended"
        LEFT = "left", "Left early"
        ABSENT = "absent", "Did not attend"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(IsolationSession, on_delete=models.CASCADE, related_name="places")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="isolation_places"
    )
    reason = models.CharField(max_length=300)
    periods = models.PositiveSmallIntegerField("Periods")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.EXPECTED)
    placed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["learner__legal_last_name", "learner__legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="isolation_once_a_session")
        ]

    def __str__(self) -> str:
        return f"I-{self.pk}"
