"""Print the scheduler's report card (site, a cohort or a learner) as a table or as JSON, for audit from a shell."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutor.accounts.models import User
from tutor.cohorts.models import Cohort
from tutor.study.fitting import MODELS, REFERENCE
from tutor.study.scheduler_report import report_card


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


class Command(BaseCommand):
    help = (
        "How well the scheduler predicted recall: log loss, RMSE(bins) and AUC for FSRS as used, FSRS's defaults, "
        "SM-2 replayed and a constant, over every learner (default), a cohort or one learner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", help="One learner (username).")
        parser.add_argument("--cohort", type=int, help="The learners of one cohort (its id).")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, **options) -> None:
        if options["learner"] and options["cohort"]:
            raise CommandError("Give --learner or --cohort, not both.")
        if options["learner"]:
            learners = User.objects.filter(username=options["learner"])
            if not learners.exists():
                raise CommandError(f"No learner named {options['learner']!r}.")
        elif options["cohort"]:
            cohort = Cohort.objects.filter(pk=options["cohort"]).first()
            if cohort is None:
                raise CommandError(f"No cohort with id {options['cohort']}.")
            learners = User.objects.filter(cohort_memberships__cohort=cohort)
        else:
            learners = User.objects.filter(review_logs__isnull=False).distinct()
        card = report_card(learners.order_by("pk"))
        if options["json"]:
            self.stdout.write(json.dumps(card.as_json(), indent=2, default=str))
            return
        self.stdout.write(f"{card.figures['reviews']:,} recall tests of {card.learners} learners")
        self.stdout.write(f"{'model':<14}{'log loss':>10}{'RMSE(bins)':>12}{'AUC':>8}")
        for model in MODELS:
            row = card.figures[model]
            self.stdout.write(
                f"{model:<14}{_number(row['log_loss']):>10}{_number(row['rmse_bins']):>12}{_number(row['auc']):>8}"
            )
        for name, ref in REFERENCE.items():
            self.stdout.write(
                f"{'ref ' + name:<14}{ref['log_loss']:>10.3f}{ref['rmse_bins']:>12.3f}{ref['auc']:>8.2f}"
                "   (srs-benchmark, ~10k Anki users)"
            )
        held = card.held_out
        if held["reviews"]:
            self.stdout.write(
                f"Held-out later reviews ({held['reviews']:,}, {held['learners_fitted']} learners fitted, "
                f"{held['learners_with_own_parameters']} with their own set): personal log loss "
                f"{_number(held['personal']['log_loss'])} / RMSE(bins) {_number(held['personal']['rmse_bins'])}; "
                f"defaults {_number(held['fsrs_default']['log_loss'])} / "
                f"{_number(held['fsrs_default']['rmse_bins'])}"
            )
        if held["site"]:
            site = held["site"]
            self.stdout.write(
                f"Site-wide set ({'adopted' if site['adopted'] else 'kept aside'}): held-out log loss "
                f"{_number(site['log_loss'])} vs defaults {_number(site['fsrs_default']['log_loss'])}"
            )
