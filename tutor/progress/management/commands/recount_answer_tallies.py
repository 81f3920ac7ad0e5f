"""Count every learner's answer tallies again from their cards (they are kept by triggers; this mends drift)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from tutor.progress.answer_tallies import recount_answer_tallies


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        written = recount_answer_tallies()
        self.stdout.write(
            f"Recounted {written:,} answer tallies (learner and module) in {time.perf_counter() - started:.1f} s."
        )
