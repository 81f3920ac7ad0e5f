"""Send items that may be flawed to the editors' queue (the admin: Study, Item reviews). For editors, or cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from tutor.catalog.models import review_reason_text
from tutor.catalog.snapshot import catalog
from tutor.study.flawed_items import flag_flawed_items


class Command(BaseCommand):
    help = (
        "Flag items with weak discrimination, a mass lapse or several problem reports for editors' review; while "
        "under review they count against no learner and are not scheduled as new."
    )

    def handle(self, *args, **options):
        snapshot = catalog()
        results = flag_flawed_items(snapshot=snapshot, now=timezone.now())
        for item, created in results:
            qid = snapshot.questions[item.question_id].qid
            state = "sent to review" if created else "already under review"
            self.stdout.write(f"{qid}: {state} — {review_reason_text(item.reasons)} {item.statistics}")
        self.stdout.write(f"{sum(created for _, created in results)} new, {len(results)} flagged in all.")
