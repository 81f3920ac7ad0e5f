"""Recount every cohort's first-attempt tallies from its members' answers and its tallies of the wrong ideas its
members hold, to mend them should they ever drift (answers, joins and departures keep them current), then count the
assignments' discrimination again."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from tutor.cohorts.idea_tallies import recount_idea_tallies
from tutor.cohorts.item_discrimination import after_cohort_change
from tutor.cohorts.item_tallies import rebuild_item_tallies
from tutor.cohorts.models import Cohort


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options) -> None:
        cohort_ids = list(Cohort.objects.values_list("pk", flat=True))
        with transaction.atomic():
            rows = rebuild_item_tallies(cohort_ids=cohort_ids)
            ideas = recount_idea_tallies()
        after_cohort_change(cohort_ids=cohort_ids)
        self.stdout.write(
            f"Recounted {len(cohort_ids):,} cohorts' tallies: {rows:,} distinct first answers, {ideas:,} ideas held."
        )
