"""Write a module's question bank (or every module's) in an LMS format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tutor.catalog.snapshot import catalog
from tutor.interop.exporters import BANK_FORMATS
from tutor.interop.selectors import module_questions


class Command(BaseCommand):
    help = "Export the question bank as Moodle XML, a QTI 2.1 package or GIFT."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(BANK_FORMATS), help="the file format")
        parser.add_argument("--module", help="a module's slug; all live modules when left out")
        parser.add_argument("-o", "--output", required=True, help="the file to write ('-' for standard output)")

    def handle(self, *args, format: str, module: str | None, output: str, **options):
        snapshot = catalog()
        if module and snapshot.module_by_slug(module) is None:
            known = ", ".join(sorted(m.slug for m in snapshot.modules.values())) or "none loaded"
            raise CommandError(f"No live module {module!r} (modules: {known}).")
        questions = module_questions(snapshot, module)
        if not questions:
            raise CommandError("No questions to export: run `manage.py load_content` first.")
        content = BANK_FORMATS[format].write(questions)
        if output == "-":
            self.stdout.write(content.decode("utf-8", errors="replace") if format != "qti" else "")
            if format == "qti":
                raise CommandError("A QTI package is a zip: give a file name with -o.")
            return
        Path(output).write_bytes(content)
        self.stdout.write(f"Wrote {len(questions)} questions to {output} ({format}).")
