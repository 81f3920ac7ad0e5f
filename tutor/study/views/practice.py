"""Missed questions and practice tests: the list of what was got wrong, practising it, starting a test, answering
its items (tutor or exam mode), finishing it and its results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import catalog
from tutor.study import selectors, services
from tutor.study.attempts import issue_attempt
from tutor.study.forms import (
    AnswerForm,
    MissedFilterForm,
    PracticeTestForm,
)
from tutor.study.models import PracticeMode, PracticePool, PracticeTest
from tutor.study.practice_results import practice_results
from tutor.study.views.answering import answer, card_template, navigate, render_practice_item, test_or_404
from tutor.web.htmx import HtmxHttpRequest


@login_required
@require_GET
def missed(request: HtmxHttpRequest) -> HttpResponse:
    snapshot = catalog()
    form = MissedFilterForm(request.GET or None, module_choices=catalog().module_choices())
    if request.GET and not form.is_valid():
        return render(request, "study/missed.html", {"form": form, "rows": []}, status=400)
    module = snapshot.module_by_slug(form.cleaned_data.get("module", "")) if form.is_bound else None
    status = form.cleaned_data.get("status", "") if form.is_bound else ""
    cards = selectors.missed_questions(learner=request.user, module_id=module.id if module else None, status=status)
    rows = [(card, snapshot.questions.get(card.question_id)) for card in cards]
    return render(
        request,
        "study/missed.html",
        {"form": form, "rows": rows, "module": module, "status": status, "filters": request.GET.urlencode()},
    )


@login_required
@require_POST
def practise_missed(request: HtmxHttpRequest) -> HttpResponse:
    """Start a tutor-mode test with exactly the missed questions the filters show."""
    snapshot = catalog()
    form = MissedFilterForm(request.POST, module_choices=catalog().module_choices())
    if not form.is_valid():
        messages.error(request, "Those filters are not valid; showing all missed questions.")
        return redirect("study:missed")
    module = snapshot.module_by_slug(form.cleaned_data["module"])
    cards = selectors.missed_questions(
        learner=request.user, module_id=module.id if module else None, status=form.cleaned_data["status"]
    )
    ids = [card.question_id for card in cards if card.question_id in snapshot.questions]
    ids = [i for i in ids if not snapshot.questions[i].retired]
    try:
        test = services.start_practice_test(
            learner=request.user,
            question_ids=ids,
            mode=PracticeMode.TUTOR,
            pool=PracticePool.MISSED,
            module_slugs=[module.slug] if module else [],
            title=f"Missed questions{' · ' + module.title if module else ''}",
            time_limit_minutes=None,
            now=timezone.now(),
        )
    except services.StudyError as error:
        messages.error(request, str(error))
        return redirect("study:missed")
    return redirect(test)


@login_required
@require_http_methods(["GET", "POST"])
def practice(request: HtmxHttpRequest) -> HttpResponse:
    choices = catalog().module_choices()
    form = PracticeTestForm(
        request.POST or None, initial={"pool": "all", "mode": "tutor", "count": 10}, module_choices=choices
    )
    tests = selectors.practice_tests_of(request.user)[:20]
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = selectors.draw_practice_questions(
                learner=request.user,
                snapshot=catalog(),
                pool=data["pool"],
                module_slugs=data["modules"],
                count=data["count"],
            )
            titles = dict(choices)
            scope = ", ".join(titles[s] for s in data["modules"]) if data["modules"] else "All modules"
            try:
                test = services.start_practice_test(
                    learner=request.user,
                    question_ids=chosen,
                    mode=data["mode"],
                    pool=data["pool"],
                    module_slugs=data["modules"],
                    title=f"{PracticePool(data['pool']).label} · {scope}",
                    time_limit_minutes=data["time_limit_minutes"],
                    now=timezone.now(),
                )
            except services.StudyError as error:
                form.add_error(None, str(error))
            else:
                return redirect(test)
        return render(request, "study/practice.html", {"form": form, "tests": tests}, status=400)
    return render(request, "study/practice.html", {"form": form, "tests": tests})


@login_required
@require_GET
def practice_test(request: HtmxHttpRequest, test_id: int) -> HttpResponse:
    test = test_or_404(request, test_id)
    now = timezone.now()
    items = selectors.practice_items(test)
    item = selectors.next_practice_item(items, catalog())
    if test.ended_at(now) or item is None:
        # Nothing is written on a GET: a test whose time ran out, or with nothing left to answer, shows its results.
        return redirect("study:practice_review", test_id=test.pk)
    question = catalog().questions[item.question_id]
    token = issue_attempt(learner_id=request.user.pk, question_id=question.id, practice_item_id=item.pk)
    context = {
        "test": test,
        "item": item,
        "items": items,
        "answered": sum(1 for i in items if i.review_log_id),
        "question": question,
        "form": AnswerForm(question, initial={"attempt": token}),
        "answer_url": reverse("study:practice_answer", args=[test.pk]),
        "seconds_left": int((test.deadline - now).total_seconds()) if test.deadline else None,
    }
    return render(request, card_template(request, "study/practice_test.html"), context)


@login_required
@require_POST
def practice_answer(request: HtmxHttpRequest, test_id: int) -> HttpResponse:
    test = test_or_404(request, test_id)
    return answer(
        request,
        template="study/practice_test.html",
        answer_url=reverse("study:practice_answer", args=[test.pk]),
        test=test,
    )


@login_required
@require_GET
def practice_item(request: HtmxHttpRequest, test_id: int, position: int) -> HttpResponse:
    """Tutor-mode feedback on one answered item of a test."""
    return render_practice_item(request, test_or_404(request, test_id), position)


@login_required
@require_POST
def practice_finish(request: HtmxHttpRequest, test_id: int) -> HttpResponse:
    try:
        test = services.finish_practice_test(learner=request.user, test_id=test_id)
    except PracticeTest.DoesNotExist:
        raise Http404("No such practice test.") from None
    return navigate(request, reverse("study:practice_review", args=[test.pk]))


@login_required
@require_GET
def practice_review(request: HtmxHttpRequest, test_id: int) -> HttpResponse:
    test = test_or_404(request, test_id)
    now = timezone.now()
    items = selectors.practice_items(test)
    if not test.ended_at(now) and selectors.next_practice_item(items, catalog()) is not None:
        return redirect(test)
    results = practice_results(
        learner=request.user, test=test, items=items, snapshot=catalog(), now=now, zone=request.user.zone
    )
    only_missed = request.GET.get("show") == "missed"
    rows = results.missed_rows if only_missed else results.rows
    context = {"test": test, "results": results, "rows": rows, "only_missed": only_missed}
    return render(request, "study/practice_review.html", context)
