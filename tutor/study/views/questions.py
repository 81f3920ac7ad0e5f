"""A question's own page (its history and the tutor's feedback), flagging it, and reporting a problem with it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import QuestionView
from tutor.study import selectors, services
from tutor.study.forms import (
    ProblemReportForm,
)
from tutor.study.views.answering import feedback_for, question_by_qid
from tutor.web.htmx import HtmxHttpRequest
from tutor.web.next_url import safe_next_url


@login_required
@require_GET
def question_detail(request: HtmxHttpRequest, qid: str) -> HttpResponse:
    """The learner's own view of one question: its latest feedback, every attempt, and a way to answer again."""
    question = question_by_qid(qid)
    history = list(selectors.question_history(learner=request.user, question_id=question.id).select_related("card"))
    feedback = feedback_for(request, history[0], question) if history else None
    return render(
        request,
        "study/question_detail.html",
        {
            "question": question,
            "history": history,
            "feedback": feedback,
            "card": history[0].card if history else None,
            "flagged": feedback.flagged
            if feedback
            else selectors.is_flagged(learner=request.user, question_id=question.id),
        },
    )


@login_required
@require_POST
def flag_question(request: HtmxHttpRequest, qid: str) -> HttpResponse:
    question = question_by_qid(qid)
    flagged = services.set_flag(learner=request.user, question_id=question.id, flagged=request.POST.get("flag") == "1")
    if request.htmx:
        return render(request, "study/question_detail.html#flag-button", {"question": question, "flagged": flagged})
    messages.success(request, "Flagged for practice." if flagged else "Flag removed.")
    return redirect(safe_next_url(request, request.POST.get("next"), question_url(question)))


def question_url(question: QuestionView) -> str:
    return reverse("study:question_detail", kwargs={"qid": question.qid})


@login_required
@require_http_methods(["GET", "POST"])
def report_problem(request: HtmxHttpRequest, qid: str) -> HttpResponse:
    question = question_by_qid(qid)
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.report_problem(learner=request.user, question=question, text=form.cleaned_data["text"])
            messages.success(request, "Thank you: your report was sent to the content editors.")
            return redirect("study:question_detail", qid=question.qid)
        return render(request, "study/report.html", {"question": question, "form": form}, status=400)
    return render(request, "study/report.html", {"question": question, "form": form})
