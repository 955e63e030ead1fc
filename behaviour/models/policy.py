"""The school's behaviour policy settings: one row per school, shared by every
part of the behaviour app (incidents, rewards, detentions, and the on-call,
removal and exclusion parts)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

DEFAULT_MILESTONES = [50, 100, 250, 500]


def default_milestones() -> list[int]:
    return list(DEFAULT_MILESTONES)


class BehaviourSettings(models.Model):
    school = models.OneToOneField(
        "pastoral.School", on_delete=models.CASCADE, related_name="behaviour_settings"
    )
    leaderboard_enabled = models.BooleanField(
        "Show the leaderboard", default=True, help_text="Turn off to hide points rankings."
    )
    houses_enabled = models.BooleanField("The school has houses", default=False)
    milestones = models.JSONField(
        default=default_milestones,
        help_text="Positive-point totals that earn a certificate, e.g. 50, 100, 250.",
    )
    detention_notice_hours = models.PositiveSmallIntegerField(
        "Notice parents get before a detention (hours)",
        default=24,
        help_text="0: same-day detentions are allowed.",
    )

    class Meta:
        verbose_name_plural = "behaviour settings"

    def __str__(self) -> str:
        return f"Behaviour settings of school {self.school_id}"

    def clean(self) -> None:
        values = self.milestones
        if not isinstance(values, list) or not all(
            isinstance(v, int) and 0 < v <= 100000 for v in values
        ):
            raise ValidationError({"milestones": "Milestones are whole numbers of points above 0."})
        self.milestones = sorted(set(values))
