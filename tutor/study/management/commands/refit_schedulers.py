"""Refit the scheduler's parameters: the site-wide set, then each learner with enough history."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from tutor.accounts.models import User
from tutor.study.scheduler_fits import refit_everyone, refit_learner


class Command(BaseCommand):
    help = (
        "Fit FSRS parameters to the review history (site-wide, then per learner) and adopt each set only if it "
        "beats the set in force on held-out later reviews. Runs here, in this process; with --enqueue it only "
        "queues the task for `manage.py db_worker` (TASKS=database). Run it weekly, from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", help="Refit only this learner (username).")
        parser.add_argument("--enqueue", action="store_true", help="Queue the task instead of running it here.")

    def handle(self, *args, **options) -> None:
        from tutor.study.tasks import refit_all_schedulers, refit_scheduler

        learner = User.objects.get(username=options["learner"]) if options["learner"] else None
        if options["enqueue"]:
            result = refit_scheduler.enqueue(learner.pk) if learner else refit_all_schedulers.enqueue()
            self.stdout.write(f"Queued {result.task.name} ({result.id}).")
            return
        if learner:
            fits = [fit] if (fit := refit_learner(learner=learner)) else []
            site = None
        else:
            site, fits = refit_everyone()
        if site:
            self.stdout.write(f"Site-wide: {site.note} (log loss {site.log_loss:.4f} vs {site.previous_log_loss:.4f})")
        adopted = sum(fit.adopted for fit in fits)
        self.stdout.write(f"Learners fitted: {len(fits)}, adopted: {adopted}, kept aside: {len(fits) - adopted}.")
