"""What daily study and practice share: the question card (page or htmx fragment), answering through
`record_answer`, the tutor's feedback, and a navigation that htmx follows as a whole page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tutor.catalog.snapshot import QuestionView, catalog
from tutor.study import selectors, services
from tutor.study.attempts import BadAttempt, read_attempt
from tutor.study.feedback import tutor_feedback
from tutor.study.forms import (
    AnswerForm,
    StudyFocusForm,
)
from tutor.web.htmx import HtmxHttpRequest, swaps_card


def card_template(request: HtmxHttpRequest, template: str) -> str:
    """The whole page, or only its swappable card when htmx asks to swap the card.

    Any other htmx request (an HX-Location navigation, a history restore after Back) swaps the whole body, so it
    gets the whole page: a card in place of the body would drop the header, the navigation and the footer.
    """
    return f"{template}#card" if swaps_card(request) else template


def question_by_qid(qid: str) -> QuestionView:
    question = catalog().question_by_qid(qid)
    if question is None:
        raise Http404("No such question.")
    return question


def feedback_for(request: HtmxHttpRequest, log, question: QuestionView, *, flagged: bool | None = None):
    """The tutor's feedback on a logged answer (`flagged`: when already known, saves the query)."""
    if flagged is None:
        flagged = selectors.is_flagged(learner=request.user, question_id=question.id)
    return tutor_feedback(
        question=question,
        log=log,
        card=log.card,
        flagged=flagged,
        now=timezone.now(),
        zone=request.user.zone,
        desired_retention=request.user.desired_retention,
        peers=selectors.peer_shares(question),
    )


def study_focus(request: HtmxHttpRequest) -> list[str] | None:
    """The module slugs a study session is focused on (empty: the whole daily study); None when one is unknown."""
    if "module" not in request.GET:
        return []  # the daily study, as the form would say, without building it on every page and answer
    form = StudyFocusForm(request.GET, module_choices=catalog().module_choices())
    return form.cleaned_data["module"] if form.is_valid() else None


def with_focus(url: str, focus: list[str] | None) -> str:
    """A study URL that keeps the session's focus on its modules."""
    return f"{url}?{urlencode([('module', slug) for slug in focus])}" if focus else url


def answer(request: HtmxHttpRequest, *, template: str, answer_url: str, test=None, study_url: str = "") -> HttpResponse:
    """Check an answer: validate the token and the form, record it, then show the tutor's feedback.

    A token answers only where it was issued: a daily-study token at /study/answer/, a practice item's token at
    its own test's answer URL.
    """
    context = {"answer_url": answer_url, "test": test, "study_url": study_url}

    def refuse(message: str, status: int) -> HttpResponse:
        return render(request, card_template(request, template), {**context, "error": message}, status=status)

    try:
        attempt = read_attempt(request.POST.get("attempt"), learner_id=request.user.pk)
        question = services.live_question(attempt.question_id)
    except (BadAttempt, services.StudyError) as error:
        return refuse(str(error), 400)
    item = None
    if test is None and attempt.practice_item_id is not None:
        return refuse("This answer belongs to a practice test. Go back to the test to answer it.", 400)
    if test is not None:
        item = selectors.practice_item_of(test=test, item_id=attempt.practice_item_id)
        if item is None:
            return refuse("This question is not part of this test.", 400)
    form = AnswerForm(question, request.POST)
    if not form.is_valid():
        context |= {"question": question, "form": form, "item": item}
        return render(request, card_template(request, template), context, status=400)
    try:
        recorded = services.record_answer(
            learner=request.user,
            question=question,
            answer=form.answer(),
            attempt=attempt.nonce,
            duration_ms=form.cleaned_data["duration_ms"],
            practice_item=item,
        )
    except services.TestEnded as error:
        messages.info(request, str(error))
        return navigate(request, reverse("study:practice_review", args=[test.pk]))
    except services.StudyError as error:
        return refuse(str(error), 409)
    if recorded.replayed and not request.htmx:
        messages.info(request, ALREADY_ANSWERED)
    if test is not None:
        return after_practice_answer(request, test, item)
    if not request.htmx:
        return redirect(with_focus(reverse("study:study_feedback", args=[recorded.log.pk]), study_focus(request)))
    feedback = feedback_for(request, recorded.log, question, flagged=recorded.flagged)
    response = render(
        request,
        "study/study.html#card",
        {**context, "feedback": feedback, "replayed": recorded.replayed, "already_answered": ALREADY_ANSWERED},
    )
    # The feedback has its own address, which renders this same feedback as a page: Refresh keeps it, Back
    # returns to Study, Forward comes back to it (never to the answered question's form).
    response["HX-Push-Url"] = reverse("study:study_feedback", args=[recorded.log.pk])
    return response


ALREADY_ANSWERED = "You had already answered this question: this is the feedback on that answer."


def navigate(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Send the browser to a whole page: a redirect without JavaScript, a full-page htmx navigation with it."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return redirect(url)


def test_or_404(request: HtmxHttpRequest, test_id: int):
    test = selectors.learner_practice_test(learner=request.user, test_id=test_id)
    if test is None:
        raise Http404("No such practice test.")
    return test


def after_practice_answer(request: HtmxHttpRequest, test, item) -> HttpResponse:
    if test.is_exam:
        return navigate(request, reverse("study:practice_test", args=[test.pk]))
    if not request.htmx:
        return redirect("study:practice_item", test_id=test.pk, position=item.position)
    response = render_practice_item(request, test, item.position)
    response["HX-Push-Url"] = reverse("study:practice_item", args=[test.pk, item.position])
    return response


def render_practice_item(request: HtmxHttpRequest, test, position: int) -> HttpResponse:
    items = selectors.practice_items(test)
    item = next((i for i in items if i.position == position), None)
    if item is None or item.review_log is None or (test.is_exam and not test.ended_at(timezone.now())):
        raise Http404("No feedback to show for this question yet.")
    log = selectors.learner_log(learner=request.user, log_id=item.review_log_id)
    question = catalog().questions.get(item.question_id)
    context = {
        "test": test,
        "items": items,
        "item": item,
        "answered": sum(1 for i in items if i.review_log_id),
        "feedback": feedback_for(request, log, question),
    }
    return render(request, card_template(request, "study/practice_test.html"), context)
