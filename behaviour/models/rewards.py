"""Rewards: houses, each learner's house, and the milestones reached."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class House(models.Model):
    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="houses")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="house_unique_name")]

    def __str__(self) -> str:
        return self.name


class HouseMember(models.Model):
    learner = models.OneToOneField(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="house_member"
    )
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.learner_id} in {self.house}"


class MilestoneAward(models.Model):
    """A learner's positive points reached a milestone of the school's policy."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="behaviour_milestones"
    )
    points = models.PositiveIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reached_at", "-points"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "points"], name="milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.points} points"
