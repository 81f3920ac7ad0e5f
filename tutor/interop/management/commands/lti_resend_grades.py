"""Send every LTI grade that has not reached its platform yet (after an outage, or from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tutor.interop.services import send_owed_grades


class Command(BaseCommand):
    help = "Send the grades owed to LMS platforms that earlier attempts could not deliver."

    def handle(self, *args, **options):
        sent, failed = send_owed_grades()
        self.stdout.write(f"{sent} grade(s) sent, {failed} still failing (see the admin: LTI grades).")
