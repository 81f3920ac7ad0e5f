from __future__ import annotations

from django.contrib.auth.models import AbstractUser
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

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_educator(self) -> bool:
        return self.role == Role.EDUCATOR
