"""Reads of the catalog for pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from tutor.catalog.models import Module, Section, Source


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
