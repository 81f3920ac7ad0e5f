"""The flagged questions page: a learner's own bookmarks, each linked to its page, and a way to practise them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tutor.catalog.snapshot import QuestionView, catalog
from tutor.study import selectors, services
from tutor.study.models import PracticeMode, PracticePool


def _flagged_questions(request: HttpRequest) -> list[QuestionView]:
    snapshot = catalog()
    ids = selectors.flagged_question_ids(learner=request.user)
    return [snapshot.questions[i] for i in ids if i in snapshot.questions]


@login_required
@require_GET
def flagged(request: HttpRequest) -> HttpResponse:
    questions = _flagged_questions(request)
    return render(
        request,
        "study/flagged.html",
        {"questions": questions, "practisable": sum(1 for q in questions if not q.retired)},
    )


@login_required
@require_POST
def practise_flagged(request: HttpRequest) -> HttpResponse:
    """Start a tutor-mode test with every live question the learner has flagged."""
    ids = selectors.practice_pool(learner=request.user, snapshot=catalog(), pool=PracticePool.FLAGGED, module_slugs=[])
    if not ids:
        messages.error(request, "Nothing to practise: flag a question under its feedback first.")
        return redirect("study:flagged")
    test = services.start_practice_test(
        learner=request.user,
        question_ids=ids,
        mode=PracticeMode.TUTOR,
        pool=PracticePool.FLAGGED,
        module_slugs=[],
        title="Flagged questions",
        time_limit_minutes=None,
        now=timezone.now(),
    )
    return redirect(test)
