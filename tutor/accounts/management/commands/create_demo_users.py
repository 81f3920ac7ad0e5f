"""Create a demo learner and a demo educator for trying the app locally."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from tutor.accounts.models import Role
from tutor.accounts.services import ensure_demo_account

DEMO_ACCOUNTS = (
    ("learner", "learner-demo-pass", Role.LEARNER),
    ("educator", "educator-demo-pass", Role.EDUCATOR),
)


class Command(BaseCommand):
    help = "Create a demo learner and a demo educator (local SQLite database only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Create them on any database.")

    def handle(self, *args, force: bool = False, **options):
        engine = settings.DATABASES["default"]["ENGINE"]
        if engine != "django.db.backends.sqlite3" and not force:
            self.stdout.write("Demo accounts are only created on the local SQLite database; skipped.")
            return
        self.stdout.write("Demo accounts (local use only):")
        for username, password, role in DEMO_ACCOUNTS:
            _, created = ensure_demo_account(username=username, password=password, role=role)
            state = "created" if created else "reset"
            self.stdout.write(f"  {role:<9} username: {username:<9} password: {password}   ({state})")
