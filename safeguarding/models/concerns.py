"""The safeguarding log: concerns, their append-only entries, actions, sharing.

A concern's own text (what was seen or said, where, when, action taken, body
map) is frozen once submitted: the model refuses a change to those columns.
Everything that happens afterwards is a new row: a follow-up or correction
(ConcernEntry), a DSL action (ConcernAction), a link, a share. Triage fields
(level, owner, next action, due date, status) do change, but only through
services that write an audit event with the old and new values and bump
`version`, so two DSLs triaging at once cannot overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from pastoral.private_files import PrivateFiles

DEFAULT_CATEGORIES = [
    "Child protection",
    "Neglect",
    "Physical abuse",
    "Emotional abuse",
    "Sexual abuse",
    "Child-on-child sexual violence or harassment",
    "Domestic abuse",
    "Honour-based abuse",
    "FGM",
    "CSE / CCE",
    "Prevent / radicalisation",
    "Self-harm",
    "Mental health",
    "Bullying",
    "Child-on-child abuse",
    "Online safety",
    "Substance misuse",
    "Attendance",
    "Behaviour",
    "Medical",
    "Family",
    "Other",
]

# ACCESS.md, "Default level by category": a concern with any of these is
# restricted from the moment it is saved, whatever the author ticked.
RESTRICTED_CATEGORIES = frozenset(
    {
        "Child protection",
        "Sexual abuse",
        "Child-on-child sexual violence or harassment",
        "FGM",
        "Prevent / radicalisation",
        "CSE / CCE",
        "Domestic abuse",
        "Honour-based abuse",
    }
)


class Level(models.TextChoices):
    PASTORAL = "pastoral", "Pastoral"
    RESTRICTED = "restricted", "Restricted (child protection)"


class AlertGroup(models.TextChoices):
    """Who an author may ask to be told of a new concern, by their part in the
    learner's care rather than by name. The school has no attendance role, so
    the attendance team is the SENCO and the learner's head of year, who set
    attendance targets (ACCESS.md's capability table)."""

    DSL = "dsl", "DSL team"
    HEAD_OF_YEAR = "hoy", "The learner's head of year"
    SEN = "sen", "SEN team (SENCO)"
    ATTENDANCE = "attendance", "Attendance team (SENCO and head of year)"
    KEY_WORKER = "keyworker", "Key worker(s)"


# The alert groups a new school's pastoral categories start with (the DSL team
# is always told; restricted categories alert nobody else).
DEFAULT_ALERT_GROUPS: dict[str, list[str]] = {
    "Neglect": ["hoy", "keyworker"],
    "Physical abuse": ["hoy"],
    "Emotional abuse": ["hoy", "keyworker"],
    "Self-harm": ["hoy", "keyworker"],
    "Mental health": ["hoy", "sen", "keyworker"],
    "Bullying": ["hoy"],
    "Child-on-child abuse": ["hoy"],
    "Online safety": ["hoy"],
    "Substance misuse": ["hoy", "keyworker"],
    "Attendance": ["attendance", "keyworker"],
    "Behaviour": ["hoy"],
    "Medical": ["sen"],
    "Family": ["hoy", "keyworker"],
}


def default_category(name: str) -> dict[str, object]:
    """A default category's level and alert groups (for a new school, the demo, migrations)."""
    if name in RESTRICTED_CATEGORIES:
        return {"default_level": Level.RESTRICTED, "alert_groups": [AlertGroup.DSL.value]}
    return {
        "default_level": Level.PASTORAL,
        "alert_groups": ["dsl", *DEFAULT_ALERT_GROUPS.get(name, [])],
    }


# A clock a few minutes fast on a tablet must not block a report; later is refused.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@deconstructible(path="safeguarding.models.concerns.PrivateStorage")
class PrivateStorage(PrivateFiles):
    """The private storage (pastoral/private_files.py): never under static/ or
    a public URL. Its own name because migration 0001 names it."""


private_storage = PrivateStorage()


class Category(models.Model):
    """A concern category; each school edits its own list, each category's
    default level (a restricted one restricts every concern that has it) and
    the alert groups preselected when it is ticked."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    default_level = models.CharField(
        "Default level", max_length=10, choices=Level.choices, default=Level.PASTORAL
    )
    alert_groups = models.JSONField("Alert groups", default=list, blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="sg_category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_restricted(self) -> bool:
        return self.default_level == Level.RESTRICTED

    def clean(self) -> None:
        unknown = set(self.alert_groups or []) - set(AlertGroup.values)
        if not isinstance(self.alert_groups, list) or unknown:
            raise ValidationError({"alert_groups": "Choose alert groups from the list."})


class Concern(models.Model):
    Level = Level

    class Status(models.TextChoices):
        NEW = "new", "Not yet triaged"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # The columns the author wrote: frozen after submission.
    FROZEN_FIELDS = (
        "school_id",
        "author_id",
        "occurred_at",
        "location",
        "description",
        "action_taken",
        "body_map",
        "submitted_at",
        "recorded_categories",
    )

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    occurred_at = models.DateTimeField("When it happened")
    location = models.CharField("Where", max_length=200, blank=True)
    description = models.TextField("What was seen or said (verbatim)")
    action_taken = models.TextField("Action already taken", blank=True)
    body_map = models.JSONField(default=list, blank=True)
    learners = models.ManyToManyField(
        "pastoral.Learner", through="ConcernLearner", related_name="+"
    )
    categories = models.ManyToManyField(Category, related_name="concerns", blank=True)
    # The category names the author ticked, as they ticked them: the DSL may
    # change `categories`, but the author's list shows what they recorded.
    recorded_categories = models.JSONField(default=list, blank=True)
    alerted = models.ManyToManyField(
        "pastoral.User", related_name="+", blank=True, verbose_name="Staff to alert"
    )
    # The alert groups the author chose (AlertGroup values), kept so the DSL
    # team sees who the author wanted told, even when a restricted level held the alert back.
    alert_groups = models.JSONField(default=list, blank=True)
    # Triage: changed only by DSLs, audited, guarded by `version`.
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.PASTORAL)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.NEW)
    owner = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_action = models.CharField(max_length=300, blank=True)
    due_date = models.DateField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status", "submitted_at"]),
            models.Index(fields=["school", "level", "-submitted_at"]),
            models.Index(fields=["school", "author", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}" if self.pk else "C-new"

    @property
    def is_restricted(self) -> bool:
        return self.level == self.Level.RESTRICTED

    @property
    def alert_group_labels(self) -> list[str]:
        labels = dict(AlertGroup.choices)
        return [str(labels[g]) for g in self.alert_groups or [] if g in labels]

    def clean(self) -> None:
        if self.occurred_at and self.occurred_at > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError({"occurred_at": "This is in the future. When did it happen?"})
        if not (self.description or "").strip():
            raise ValidationError({"description": "Say what was seen or said."})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Concern.objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first()
            if stored is not None:
                for name in self.FROZEN_FIELDS:
                    if stored[name] != getattr(self, name):
                        raise PermissionError(
                            f"A submitted concern's {name} cannot be changed: add a correction."
                        )
        super().save(*args, **kwargs)


class ConcernLearner(models.Model):
    """One learner's part in a concern: their role and, where they differ from the
    concern's, their own categories (empty: the concern's). A learner's chronology
    and CP file show their own link only, never another learner's categories."""

    class Role(models.TextChoices):
        SUBJECT = "subject", "Subject of concern"
        ALLEGED_HARMER = "alleged_harmer", "Alleged harmer"
        WITNESS = "witness", "Witness"
        INVOLVED = "involved", "Involved"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="learner_links")
    learner = models.ForeignKey("pastoral.Learner", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SUBJECT)
    categories = models.ManyToManyField(
        Category,
        related_name="+",
        blank=True,
        help_text="This learner's own categories; none means the concern's.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "learner"], name="sg_concern_learner_unique")
        ]
        indexes = [models.Index(fields=["learner", "concern"])]

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.learner_id}"


class ConcernEntry(models.Model):
    """A time-stamped addition to a concern's record, never edited afterwards."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", "Follow-up"
        CORRECTION = "correction", "Correction"
        TRIAGE = "triage", "Triage"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        LINKED = "linked", "Linked"
        NOTE = "note", "DSL note"

    # Entries the author writes about their own concern; the rest are the DSL team's.
    AUTHOR_KINDS = (Kind.FOLLOW_UP, Kind.CORRECTION)

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    author = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    text = models.TextField(blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    corrects_original = models.BooleanField(
        default=False, help_text="Corrects the concern's original account."
    )
    reason = models.CharField(max_length=300, blank=True)
    # A correction of the body map by addendum: the marks as they should have been.
    body_map = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "concern entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.concern_id}"

    @property
    def body_map_labels(self) -> list[str]:
        """A body-map correction's marks, read aloud ("Front: Left arm")."""
        from safeguarding.views.body_map import body_marks

        return [mark["label"] for mark in body_marks(self.body_map)]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Entries are append-only: add a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Entries are append-only.")


class ConcernAction(models.Model):
    """Something the DSL team did: a referral, a call, monitoring, NFA."""

    class Kind(models.TextChoices):
        SOCIAL_CARE = "social_care", "Referral to children's social care (MASH)"
        EARLY_HELP = "early_help", "Early help"
        POLICE = "police", "Police"
        CAMHS = "camhs", "CAMHS"
        SCHOOL_NURSE = "nurse", "School nurse / health"
        PARENT_CONTACTED = "parent", "Parent / carer contacted"
        SPOKE_TO_LEARNER = "learner", "Spoke to learner"
        MONITORING = "monitoring", "Monitoring"
        INTERNAL = "internal", "Internal support"
        NFA = "nfa", "No further action"
        OTHER = "other", "Other"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    details = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    taken_on = models.DateField(default=timezone.localdate)
    follow_up_due = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["follow_up_due", "completed_at"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class ConcernDecision(models.Model):
    """A DSL's recorded decision with its rationale, never edited afterwards:
    closing without a referral, not referring, not sharing information
    (Children's Wellbeing and Schools Act 2026, s16LA)."""

    class Kind(models.TextChoices):
        CLOSE_NO_REFERRAL = "close_no_referral", "Closed without a referral"
        NO_REFERRAL = "no_referral", "Decided not to refer"
        NO_SHARE = "no_share", "Decided not to share information (s16LA)"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    decision = models.CharField("Decision", max_length=300)
    rationale = models.TextField("Rationale")
    made_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        errors = {}
        if not (self.decision or "").strip():
            errors["decision"] = "Record the decision."
        if not (self.rationale or "").strip():
            errors["rationale"] = "Give the rationale for this decision."
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Decisions are append-only: record a new decision.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Decisions are append-only.")


class ConcernLink(models.Model):
    """Two related concerns (stored once, a.pk < b.pk)."""

    a = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="sg_link_unique"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="sg_link_order"),
        ]

    def __str__(self) -> str:
        return f"{self.a_id} ~ {self.b_id}"


class ConcernShare(models.Model):
    """A DSL shares one restricted concern with a named member of staff."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "concern"])]

    def __str__(self) -> str:
        return f"{self.concern_id} shared with {self.user_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class Attachment(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(
        ConcernEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    statement = models.ForeignKey(
        "safeguarding.Statement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(storage=private_storage, upload_to="safeguarding/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ConcernDraft(models.Model):
    """What someone is typing, kept server-side so a timeout loses nothing."""

    user = models.ForeignKey("pastoral.User", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="sg_draft_one_per_user")
        ]

    def __str__(self) -> str:
        return f"draft of {self.user_id}"
