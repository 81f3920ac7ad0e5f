"""Daily study: the queue's next question (optionally focused on modules), the answer and its feedback (a page of
its own, so Back, Forward and Refresh behave), a rating change, and the study settings."""

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
from tutor.study.feedback import when_it_comes_back
from tutor.study.forms import (
    RaiseNewPerDayForm,
    RatingForm,
    StudySettingsForm,
)
from tutor.study.question_forms import question_form_html
from tutor.study.views.answering import answer, card_template, feedback_for, study_focus, with_focus
from tutor.web.errors import error_response
from tutor.web.htmx import HtmxHttpRequest
from tutor.web.next_url import safe_next_url


@login_required
@require_GET
def study(request: HtmxHttpRequest) -> HttpResponse:
    snapshot, now = catalog(), timezone.now()
    focus = study_focus(request)
    if focus is None:
        message = "There is no such module to study. Here is your daily study instead."
        return render(request, card_template(request, "study/study.html"), {"error": message}, status=400)
    focused = [module for module in snapshot.modules.values() if module.slug in focus]
    queue = selectors.study_queue(
        learner=request.user, snapshot=snapshot, now=now, focus=frozenset(module.id for module in focused)
    )
    question = snapshot.questions.get(queue.next_question_id) if queue.next_question_id else None
    question_form = None
    if question is not None:
        question_form = question_form_html(
            request=request,
            snapshot=snapshot,
            question=question,
            answer_url=with_focus(reverse("study:study_answer"), focus),
            attempt=issue_attempt(learner_id=request.user.pk, question_id=question.id),
        )
    back_in = when_it_comes_back(queue.next_due_at, now, request.user.zone) if queue.back_soon else ""
    context = {"queue": queue, "question": question, "question_form": question_form, "back_in": back_in}
    context |= {"focused": focused, "study_url": with_focus(reverse("study:study"), focus)}
    return render(request, card_template(request, "study/study.html"), context)


@login_required
@require_POST
def study_answer(request: HtmxHttpRequest) -> HttpResponse:
    focus = study_focus(request)
    return answer(
        request,
        template="study/study.html",
        answer_url=with_focus(reverse("study:study_answer"), focus),
        study_url=with_focus(reverse("study:study"), focus),
    )


@login_required
@require_GET
def study_feedback(request: HtmxHttpRequest, log_id: int) -> HttpResponse:
    log = selectors.learner_log(learner=request.user, log_id=log_id)
    if log is None:
        raise Http404("No such answer.")
    question = catalog().questions.get(log.question_id)
    feedback = feedback_for(request, log, question)
    study_url = with_focus(reverse("study:study"), study_focus(request))
    return render(request, card_template(request, "study/study.html"), {"feedback": feedback, "study_url": study_url})


@login_required
@require_POST
def change_rating(request: HtmxHttpRequest, log_id: int) -> HttpResponse:
    log = selectors.learner_log(learner=request.user, log_id=log_id)
    if log is None:
        raise Http404("No such answer.")
    form = RatingForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            log = services.change_rating(learner=request.user, log_id=log.pk, rating=form.cleaned_data["rating"])
        except services.StudyError as error:
            messages.error(request, str(error))
            status = 409
    else:
        messages.error(request, "Choose Again, Hard, Good or Easy.")
        status = 400
    if not request.htmx:
        return redirect(
            safe_next_url(request, request.POST.get("next"), reverse("study:study_feedback", args=[log.pk]))
        )
    question = catalog().questions.get(log.question_id)
    feedback = feedback_for(request, log, question)
    return render(request, "study/study.html#feedback", {"feedback": feedback}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def study_settings(request: HtmxHttpRequest) -> HttpResponse:
    learner = request.user
    choices = catalog().module_choices()
    all_slugs = [slug for slug, _ in choices]
    initial = {
        "desired_retention": f"{learner.desired_retention:.2f}",
        "new_per_day": learner.new_per_day,
        "modules": [slug for slug in all_slugs if slug not in (learner.modules_left_out or [])],
        "time_zone": learner.time_zone,
    }
    form = StudySettingsForm(request.POST or None, initial=initial, module_choices=choices)
    titles = dict(choices)
    required = [titles[slug] for slug in learner.modules_required or [] if slug in titles]
    if request.method == "POST":
        if form.is_valid():
            services.update_study_settings(
                learner=learner,
                desired_retention=form.cleaned_data["desired_retention"],
                new_per_day=form.cleaned_data["new_per_day"],
                modules_in_study=form.cleaned_data["modules"],
                all_module_slugs=all_slugs,
                time_zone=form.cleaned_data["time_zone"],
            )
            messages.success(request, "Your study settings are saved.")
            return redirect("study:study_settings")
        return render(request, "study/settings.html", {"form": form, "required": required}, status=400)
    return render(request, "study/settings.html", {"form": form, "required": required})


@login_required
@require_POST
def raise_new_per_day(request: HtmxHttpRequest) -> HttpResponse:
    """Raise the daily limit of new questions (offered where an assignment's questions cannot all be started by its
    due date at the present limit), then go back to the page the offer was on."""
    form = RaiseNewPerDayForm(request.POST)
    if not form.is_valid():
        return error_response(request, 400, " ".join(form.errors["new_per_day"]))
    learner = services.raise_new_per_day(learner=request.user, at_least=form.cleaned_data["new_per_day"])
    messages.success(request, f"You now start up to {learner.new_per_day} new questions a day.")
    return redirect(safe_next_url(request, request.POST.get("next"), reverse("study:study_settings")))
