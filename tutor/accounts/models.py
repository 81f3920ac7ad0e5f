from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    EDUCATOR = "educator", "Educator"


class User(AbstractUser):
    """A person using the tutor. Everyone is a learner; educators may also run cohorts."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.LEARNER)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="Where the learner's study day starts at midnight. Empty means the site's time zone.",
    )

    # Study settings live on the user row, which every request loads anyway.
    desired_retention = models.FloatField(
        default=0.90,
        validators=[MinValueValidator(0.80), MaxValueValidator(0.97)],
        help_text="The chance of remembering a question that reviews are planned for.",
    )
    new_per_day = models.PositiveSmallIntegerField(
        default=20, validators=[MaxValueValidator(200)], help_text="New questions introduced per day."
    )
    modules_left_out = models.JSONField(
        default=list, blank=True, help_text="Slugs of modules the learner left out of daily study."
    )
    modules_required = models.JSONField(
        default=list, blank=True, help_text="Slugs of modules assigned by an educator: always in daily study."
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=0.80, desired_retention__lte=0.97),
                name="desired_retention_in_range",
            ),
            models.CheckConstraint(condition=models.Q(new_per_day__lte=200), name="new_per_day_at_most_200"),
        ]

    @property
    def is_educator(self) -> bool:
        return self.role == Role.EDUCATOR

    @property
    def zone(self):
        """The learner's time zone, or the site's when none is set or it is not a known zone."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from django.utils import timezone

        if self.time_zone:
            try:
                return ZoneInfo(self.time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return timezone.get_default_timezone()
