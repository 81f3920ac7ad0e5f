"""Reads of the catalog for pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from tutor.catalog.models import Module, Question, Section, Source


def live_modules() -> QuerySet[Module]:
    """Modules learners can study, each with the number of its live questions."""
    return (
        Module.objects.filter(retired=False)
        .annotate(question_count=Count("questions", filter=Q(questions__retired=False)))
        .order_by("order", "title")  # Meta.ordering does not apply to aggregated queries
    )


def module_for_reading(slug: str) -> Module:
    """A live module with its live sections, ready for the module page (404 when there is none)."""
    sections = Section.objects.filter(retired=False).order_by("order")
    return get_object_or_404(live_modules().prefetch_related(Prefetch("sections", queryset=sections)), slug=slug)


def sources_cited_in(module: Module) -> QuerySet[Source]:
    """Every source the module's text or its live questions cite, review references first."""
    return (
        Source.objects.filter(
            Q(sections__module=module, sections__retired=False) | Q(questions__module=module, questions__retired=False)
        )
        .distinct()
        .order_by("kind", "number", "key")
    )


@dataclass(frozen=True)
class SourceUse:
    """A source with what rests on it: the live module sections that cite it and the live questions that cite it."""

    source: Source
    sections: list[Section]
    questions: list[Question]

    @property
    def section_count(self) -> int:
        return len(self.sections)

    @property
    def question_count(self) -> int:
        return len(self.questions)

    @property
    def module_count(self) -> int:
        return len({section.module_id for section in self.sections} | {q.module_id for q in self.questions})


def sources_with_counts() -> QuerySet[Source]:
    """Every source, each with the number of live sections and live questions that cite it (one query)."""
    return Source.objects.annotate(
        section_count=Count(
            "sections", filter=Q(sections__retired=False, sections__module__retired=False), distinct=True
        ),
        question_count=Count(
            "questions", filter=Q(questions__retired=False, questions__module__retired=False), distinct=True
        ),
    ).order_by("kind", "number", "key")


def source_use(key: str) -> SourceUse:
    """One source with the sections and questions that rest on it, in curriculum order; 404 for an unknown key.
    Three queries, however many sections and questions cite it."""
    source = get_object_or_404(Source, key=key)
    sections = list(
        source.sections.filter(retired=False, module__retired=False)
        .select_related("module")
        .order_by("module__order", "order")
    )
    questions = list(
        source.questions.filter(retired=False, module__retired=False)
        .select_related("module", "section__module")
        .order_by("module__order", "order")
    )
    return SourceUse(source=source, sections=sections, questions=questions)
