"""Measure deadline scheduling: one synthetic cohort and assignment, run without and with it, side by side."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tutor.catalog.snapshot import catalog
from tutor.study.simulation import deadline_trial


class Command(BaseCommand):
    help = (
        "Simulate a cohort of synthetic learners (true memories of their own) assigned one module, without and "
        "with deadline scheduling, and print the share of (learner, question) pairs ready on the due date and the "
        "reviews spent. Writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--module", help="The assigned module's slug (default: the first module).")
        parser.add_argument("--learners", type=int, default=40)
        parser.add_argument("--days", type=int, default=45, help="Days from joining to the due date (default 45).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--scope", choices=("module", "all"), default="module", help="What the learners study (default module)."
        )

    def handle(self, *args, **options) -> None:
        snapshot = catalog()
        modules = sorted(snapshot.modules.values(), key=lambda m: m.order)
        if not modules:
            raise CommandError("The catalog has no modules. Load the content first: python manage.py load_content")
        slug = options["module"] or modules[0].slug
        if slug not in {m.slug for m in modules}:
            raise CommandError(f"No module {slug!r}.")
        until = timezone.now().replace(microsecond=0)
        without, with_deadline = deadline_trial(
            snapshot=snapshot,
            module_slug=slug,
            learners=options["learners"],
            days=options["days"],
            seed=options["seed"],
            until=until,
            scope=options["scope"],
        )
        self.stdout.write(
            f"Cohort of {options['learners']} learners, module {slug!r} due after {options['days']} days "
            f"(seed {options['seed']}, studying {options['scope']}): {without.pairs:,} (learner, question) pairs"
        )
        self.stdout.write(f"{'':<44}{'without':>12}{'with deadline':>16}")
        rows = [
            (
                "pairs ready (true recall >= target)",
                f"{without.ready_share:.1%}",
                f"{with_deadline.ready_share:.1%}",
            ),
            (
                "expected share recalled",
                f"{without.recalled_share:.1%}",
                f"{with_deadline.recalled_share:.1%}",
            ),
            ("answers to the assigned questions", f"{without.reviews:,}", f"{with_deadline.reviews:,}"),
            ("answers in all", f"{without.all_reviews:,}", f"{with_deadline.all_reviews:,}"),
        ]
        for label, a, b in rows:
            self.stdout.write(f"{label:<44}{a:>12}{b:>16}")
        extra = with_deadline.reviews - without.reviews
        share = extra / without.reviews if without.reviews else 0.0
        self.stdout.write(f"Extra answers for the deadline: {extra:+,} ({share:+.0%}).")
