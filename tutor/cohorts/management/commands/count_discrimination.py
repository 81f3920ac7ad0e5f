"""Count every assignment's discrimination indices again (once after upgrading; answers keep them current)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tutor.cohorts.item_discrimination import arrange_counts
from tutor.cohorts.models import Assignment


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options) -> None:
        ids = list(Assignment.objects.values_list("pk", flat=True))
        arrange_counts(ids)
        self.stdout.write(f"Arranged a discrimination count for {len(ids):,} assignments.")
