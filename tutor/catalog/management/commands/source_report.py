"""What rests on each source: for content admins revisiting the curriculum after a retraction or an update."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tutor.catalog.selectors import SourceUse, source_use, sources_with_counts


class Command(BaseCommand):
    help = (
        "List the module sections and questions that cite a source (a review number, a review: key or an upd- "
        "key); without a key, every source with its counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("key", nargs="?", help="e.g. 16, review:discussion, upd-mapp1")

    def handle(self, *args, key: str | None = None, **options):
        if key is None:
            self._summary()
            return
        try:
            use = source_use(key)
        except Http404 as error:
            raise CommandError(f"No source with the key {key!r}.") from error
        self._detail(use)

    def _summary(self) -> None:
        sources = list(sources_with_counts())
        width = max((len(s.key) for s in sources), default=8)
        self.stdout.write(f"{'key':<{width}}  sections  questions  source")
        for source in sources:
            self.stdout.write(
                f"{source.key:<{width}}  {source.section_count:>8}  {source.question_count:>9}  {source.label}"
            )
        unused = [s.key for s in sources if not s.section_count and not s.question_count]
        self.stdout.write(f"{len(sources)} sources; cited by nothing: {', '.join(unused) or 'none'}")

    def _detail(self, use: SourceUse) -> None:
        source = use.source
        self.stdout.write(f"{source.label} ({source.key})")
        for line in (source.title if source.kind != "update" else "", source.note, source.citation):
            if line:
                self.stdout.write(f"  {line}")
        self.stdout.write(f"Sections citing it: {use.section_count}")
        for section in use.sections:
            self.stdout.write(f"  {section.module.slug}#{section.anchor}  {section.title}")
        self.stdout.write(f"Questions resting on it: {use.question_count}")
        for question in use.questions:
            stem = " ".join(question.stem.split())
            self.stdout.write(f"  {question.qid}  ({question.module.slug}#{question.section.anchor})  {stem[:100]}")
