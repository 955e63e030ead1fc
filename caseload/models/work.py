"""Interventions (1:1 and groups), their sessions and registers; the contacts log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Intervention(models.Model):
    class Kind(models.TextChoices):
        MENTORING = "mentoring", "1:1 mentoring"
        ELSA = "elsa", "ELSA"
        SWEET = "sweet", "SWEET"
        SOCIAL_SKILLS = "social_skills", "Social skills"
        ANGER = "anger", "Anger management"
        SELF_ESTEEM = "self_esteem", "Self-esteem"
        OTHER = "other", "Other"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=14, choices=Kind.choices)
    one_to_one = models.BooleanField("1:1", default=False)
    leader = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    description = models.TextField("Aims", blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["school", "leader"])]

    def __str__(self) -> str:
        return self.name


class RosterEntry(models.Model):
    """A learner on an intervention's roster."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="members")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="intervention_memberships"
    )
    joined = models.DateField(default=timezone.localdate)
    left = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["learner__legal_last_name", "learner__legal_first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "learner"], name="intervention_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} in {self.intervention_id}"


class Session(models.Model):
    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField("Length (minutes)", default=45)
    notes = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["intervention", "-date"])]

    def __str__(self) -> str:
        return f"{self.intervention} on {self.date}"


class Mark(models.Model):
    """One learner's line in a session register."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="marks")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="session_marks"
    )
    status = models.CharField(max_length=8, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="mark_once_per_session")
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return self.status


class ContactLog(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        HOME_VISIT = "home_visit", "Home visit"
        SAFE_AND_WELL = "safe_well", "Safe-and-well visit"
        CASE_CONFERENCE = "conference", "Case conference"
        EARLY_HELP = "early_help", "CAF / early help meeting"
        TAF = "taf", "Team around the family"
        EMAIL = "email", "E-mail or letter"

    class With(models.TextChoices):
        PARENT = "parent", "Parent/carer"
        AGENCY = "agency", "Agency"
        COLLEAGUE = "colleague", "Colleague"
        LEARNER = "learner", "The learner"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="contact_logs"
    )
    kind = models.CharField("Type of contact", max_length=12, choices=Kind.choices)
    when = models.DateTimeField()
    with_whom = models.CharField("With", max_length=10, choices=With.choices)
    parent = models.ForeignKey(
        "pastoral.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="parent/carer",
    )
    agency = models.ForeignKey(
        "pastoral.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    colleague = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    others = models.CharField("Others present", max_length=300, blank=True)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-when", "-id"]
        indexes = [models.Index(fields=["learner", "-when"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.when:%d %b %Y}"

    def clean(self) -> None:
        needed = {
            self.With.PARENT: ("parent", "Choose which parent or carer."),
            self.With.AGENCY: ("agency", "Choose the agency."),
            self.With.COLLEAGUE: ("colleague", "Choose the colleague."),
        }.get(self.with_whom)
        if needed and getattr(self, f"{needed[0]}_id") is None:
            raise ValidationError({needed[0]: needed[1]})
        if (
            self.parent_id is not None
            and self.learner_id
            and self.parent.learner_id != self.learner_id
        ):
            raise ValidationError({"parent": "That person is not a contact of this learner."})
        if self.agency_id is not None and self.agency.school_id != self.school_id:
            raise ValidationError({"agency": "Choose one of your school's agencies."})


class AgreedAction(models.Model):
    contact = models.ForeignKey(ContactLog, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=300)
    owner = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    due = models.DateField("Due date")
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["owner", "done_on", "due"])]

    def __str__(self) -> str:
        return self.action
