"""Validate the curriculum files and apply them to the catalog in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tutor.catalog.content import read_content
from tutor.catalog.snapshot import forget_catalog
from tutor.catalog.sync import load_content_tree


class Command(BaseCommand):
    help = "Validate content/ and load it into the database (all or nothing). With --check, write nothing."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Validate and show what would change; write nothing.")
        parser.add_argument("--path", type=Path, default=None, help="Content folder (default: CONTENT_DIR).")
        parser.add_argument(
            "--sources", type=Path, default=None, help="review.txt and updates.md (default: TUTOR_SOURCE_DIR)."
        )
        parser.add_argument(
            "--rerender",
            action="store_true",
            help="Render every section's Markdown again (after a change to the renderer); by default a section "
            "whose text and cited source titles are unchanged keeps its HTML.",
        )

    def handle(
        self,
        *args,
        check: bool = False,
        path: Path | None = None,
        sources: Path | None = None,
        rerender: bool = False,
        **options,
    ):
        root = Path(path or settings.CONTENT_DIR)
        tree, problems = read_content(root, source_dir=Path(sources or settings.TUTOR_SOURCE_DIR))
        for warning in tree.warnings:
            self.stderr.write(warning)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s) found in {root}; nothing was written.")

        report = load_content_tree(tree=tree, dry_run=check, rerender=rerender)
        forget_catalog()
        width = max((len(m.slug) for m in tree.modules), default=10)
        self.stdout.write(f"{'module':<{width}}  questions: created updated retired unchanged   sections")
        for slug in sorted(set(report.questions) | set(report.sections)):
            q, s = report.questions[slug], report.sections[slug]
            self.stdout.write(
                f"{slug:<{width}}  {q.created:>18} {q.updated:>7} {q.retired:>7} {q.unchanged:>9}"
                f"   {s.created} created, {s.updated} updated, {s.retired} retired, {s.unchanged} unchanged"
            )
        m, src, mis = report.modules, report.sources, report.misconceptions
        self.stdout.write(
            f"modules: {m.created} created, {m.updated} updated, {m.retired} retired, "
            f"{m.unchanged} unchanged; sources: {src.created} created, {src.updated} updated, "
            f"{src.unchanged} unchanged; misconceptions: {mis.created} created, {mis.updated} updated, "
            f"{mis.retired} retired, {mis.unchanged} unchanged"
        )
        total = sum(len(module.questions) for module in tree.modules)
        if check:
            verdict = f"Valid: {len(tree.modules)} modules, {total} questions. --check: nothing was written."
        elif report.changed:
            verdict = f"Loaded {len(tree.modules)} modules, {total} questions; {report.changed} change(s) applied."
        else:
            verdict = f"Loaded {len(tree.modules)} modules, {total} questions; no changes."
        self.stdout.write(self.style.SUCCESS(verdict))
