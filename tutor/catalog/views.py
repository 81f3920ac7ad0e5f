from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tutor.catalog import search as catalog_search
from tutor.catalog import selectors
from tutor.catalog.source_labels import group_by_kind


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    modules = list(selectors.live_modules())
    return render(
        request,
        "catalog/home.html",
        {
            "modules": modules,
            "question_total": sum(module.question_count for module in modules),
        },
    )


@require_GET
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = selectors.module_for_reading(slug)
    sections = list(module.sections.all())
    return render(
        request,
        "catalog/module_detail.html",
        {
            "module": module,
            "sections": [s for s in sections if not s.is_since_the_review],
            "since_the_review": next((s for s in sections if s.is_since_the_review), None),
            "sources": list(selectors.sources_cited_in(module)),
        },
    )


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    """Every source, with how many sections and questions rest on it, under a heading for each kind."""
    sources = list(selectors.sources_with_counts())
    return render(request, "catalog/source_list.html", {"sources": sources, "groups": group_by_kind(sources)})


@require_GET
def source_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One source: its citation, the module sections that cite it and the questions that rest on it."""
    return render(request, "catalog/source_detail.html", {"use": selectors.source_use(key)})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Modules, sections and, for a signed-in learner, questions matching the words typed (a plain GET form)."""
    raw = request.GET.get("q")
    terms = catalog_search.search_terms(raw if raw is not None else "")
    asked = raw is not None
    results = catalog_search.search_catalog(terms, include_questions=request.user.is_authenticated) if asked else None
    return render(
        request,
        "catalog/search.html",
        {"terms": terms, "results": results, "search_query": terms.text},
        status=400 if asked and terms.problem and terms.text else 200,
    )
