"""Study, practice and missed-question pages. Every page works without JavaScript (POST, redirect, GET); with
htmx the question card is swapped in place from the same template's partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import QuestionView, catalog
from tutor.study import selectors, services
from tutor.study.attempts import BadAttempt, issue_attempt, read_attempt
from tutor.study.feedback import tutor_feedback, when_it_comes_back
from tutor.study.forms import (
    AnswerForm,
    MissedFilterForm,
    PracticeTestForm,
    ProblemReportForm,
    RatingForm,
    StudyFocusForm,
    StudySettingsForm,
)
from tutor.study.models import PracticeMode, PracticePool, PracticeTest
from tutor.study.practice_results import practice_results
from tutor.study.question_forms import question_form_html
from tutor.web.htmx import swaps_card
from tutor.web.next_url import safe_next_url


def _card_template(request: HttpRequest, template: str) -> str:
    """The whole page, or only its swappable card when htmx asks to swap the card.

    Any other htmx request (an HX-Location navigation, a history restore after Back) swaps the whole body, so it
    gets the whole page: a card in place of the body would drop the header, the navigation and the footer.
    """
    return f"{template}#card" if swaps_card(request) else template


def _question_by_qid(qid: str) -> QuestionView:
    question = catalog().question_by_qid(qid)
    if question is None:
        raise Http404("No such question.")
    return question


def _feedback_for(request: HttpRequest, log, question: QuestionView, *, flagged: bool | None = None):
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


# --- Daily study ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def study(request: HttpRequest) -> HttpResponse:
    snapshot, now = catalog(), timezone.now()
    focus = _study_focus(request)
    if focus is None:
        message = "There is no such module to study. Here is your daily study instead."
        return render(request, _card_template(request, "study/study.html"), {"error": message}, status=400)
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
            answer_url=_with_focus(reverse("study_answer"), focus),
            attempt=issue_attempt(learner_id=request.user.pk, question_id=question.id),
        )
    back_in = when_it_comes_back(queue.next_due_at, now, request.user.zone) if queue.back_soon else ""
    context = {"queue": queue, "question": question, "question_form": question_form, "back_in": back_in}
    context |= {"focused": focused, "study_url": _with_focus(reverse("study"), focus)}
    return render(request, _card_template(request, "study/study.html"), context)


def _study_focus(request: HttpRequest) -> list[str] | None:
    """The module slugs a study session is focused on (empty: the whole daily study); None when one is unknown."""
    form = StudyFocusForm(request.GET, module_choices=catalog().module_choices())
    return form.cleaned_data["module"] if form.is_valid() else None


def _with_focus(url: str, focus: list[str] | None) -> str:
    """A study URL that keeps the session's focus on its modules."""
    return f"{url}?{urlencode([('module', slug) for slug in focus])}" if focus else url


@login_required
@require_POST
def study_answer(request: HttpRequest) -> HttpResponse:
    focus = _study_focus(request)
    return _answer(
        request,
        template="study/study.html",
        answer_url=_with_focus(reverse("study_answer"), focus),
        study_url=_with_focus(reverse("study"), focus),
    )


def _answer(request: HttpRequest, *, template: str, answer_url: str, test=None, study_url: str = "") -> HttpResponse:
    """Check an answer: validate the token and the form, record it, then show the tutor's feedback.

    A token answers only where it was issued: a daily-study token at /study/answer/, a practice item's token at
    its own test's answer URL.
    """
    context = {"answer_url": answer_url, "test": test, "study_url": study_url}

    def refuse(message: str, status: int) -> HttpResponse:
        return render(request, _card_template(request, template), {**context, "error": message}, status=status)

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
        return render(request, _card_template(request, template), context, status=400)
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
        return _navigate(request, reverse("practice_review", args=[test.pk]))
    except services.StudyError as error:
        return refuse(str(error), 409)
    if recorded.replayed and not request.htmx:
        messages.info(request, ALREADY_ANSWERED)
    if test is not None:
        return _after_practice_answer(request, test, item)
    if not request.htmx:
        return redirect(_with_focus(reverse("study_feedback", args=[recorded.log.pk]), _study_focus(request)))
    feedback = _feedback_for(request, recorded.log, question, flagged=recorded.flagged)
    response = render(
        request,
        "study/study.html#card",
        {**context, "feedback": feedback, "replayed": recorded.replayed, "already_answered": ALREADY_ANSWERED},
    )
    # The feedback has its own address, which renders this same feedback as a page: Refresh keeps it, Back
    # returns to Study, Forward comes back to it (never to the answered question's form).
    response["HX-Push-Url"] = reverse("study_feedback", args=[recorded.log.pk])
    return response


ALREADY_ANSWERED = "You had already answered this question: this is the feedback on that answer."


def _navigate(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to a whole page: a redirect without JavaScript, a full-page htmx navigation with it."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return redirect(url)


@login_required
@require_GET
def study_feedback(request: HttpRequest, log_id: int) -> HttpResponse:
    log = selectors.learner_log(learner=request.user, log_id=log_id)
    if log is None:
        raise Http404("No such answer.")
    question = catalog().questions.get(log.question_id)
    feedback = _feedback_for(request, log, question)
    study_url = _with_focus(reverse("study"), _study_focus(request))
    return render(request, _card_template(request, "study/study.html"), {"feedback": feedback, "study_url": study_url})


@login_required
@require_POST
def change_rating(request: HttpRequest, log_id: int) -> HttpResponse:
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
        return redirect(safe_next_url(request, request.POST.get("next"), reverse("study_feedback", args=[log.pk])))
    question = catalog().questions.get(log.question_id)
    feedback = _feedback_for(request, log, question)
    return render(request, "study/_feedback.html", {"feedback": feedback}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def study_settings(request: HttpRequest) -> HttpResponse:
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
            return redirect("study_settings")
        return render(request, "study/settings.html", {"form": form, "required": required}, status=400)
    return render(request, "study/settings.html", {"form": form, "required": required})


# --- One question: history, flag, report ---------------------------------------------------------------------


@login_required
@require_GET
def question_detail(request: HttpRequest, qid: str) -> HttpResponse:
    """The learner's own view of one question: its latest feedback, every attempt, and a way to answer again."""
    question = _question_by_qid(qid)
    history = list(selectors.question_history(learner=request.user, question_id=question.id).select_related("card"))
    feedback = _feedback_for(request, history[0], question) if history else None
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
def flag_question(request: HttpRequest, qid: str) -> HttpResponse:
    question = _question_by_qid(qid)
    flagged = services.set_flag(learner=request.user, question_id=question.id, flagged=request.POST.get("flag") == "1")
    if request.htmx:
        return render(request, "study/_flag_button.html", {"question": question, "flagged": flagged})
    messages.success(request, "Flagged for practice." if flagged else "Flag removed.")
    return redirect(safe_next_url(request, request.POST.get("next"), question_url(question)))


def question_url(question: QuestionView) -> str:
    return reverse("question_detail", kwargs={"qid": question.qid})


@login_required
@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest, qid: str) -> HttpResponse:
    question = _question_by_qid(qid)
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.report_problem(learner=request.user, question=question, text=form.cleaned_data["text"])
            messages.success(request, "Thank you: your report was sent to the content editors.")
            return redirect("question_detail", qid=question.qid)
        return render(request, "study/report.html", {"question": question, "form": form}, status=400)
    return render(request, "study/report.html", {"question": question, "form": form})


# --- Missed questions ----------------------------------------------------------------------------------------


@login_required
@require_GET
def missed(request: HttpRequest) -> HttpResponse:
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
def practise_missed(request: HttpRequest) -> HttpResponse:
    """Start a tutor-mode test with exactly the missed questions the filters show."""
    snapshot = catalog()
    form = MissedFilterForm(request.POST, module_choices=catalog().module_choices())
    if not form.is_valid():
        messages.error(request, "Those filters are not valid; showing all missed questions.")
        return redirect("missed")
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
        return redirect("missed")
    return redirect(test)


# --- Practice tests ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest) -> HttpResponse:
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


def _test_or_404(request: HttpRequest, test_id: int):
    test = selectors.learner_practice_test(learner=request.user, test_id=test_id)
    if test is None:
        raise Http404("No such practice test.")
    return test


@login_required
@require_GET
def practice_test(request: HttpRequest, test_id: int) -> HttpResponse:
    test = _test_or_404(request, test_id)
    now = timezone.now()
    items = selectors.practice_items(test)
    item = selectors.next_practice_item(items, catalog())
    if test.ended_at(now) or item is None:
        # Nothing is written on a GET: a test whose time ran out, or with nothing left to answer, shows its results.
        return redirect("practice_review", test_id=test.pk)
    question = catalog().questions[item.question_id]
    token = issue_attempt(learner_id=request.user.pk, question_id=question.id, practice_item_id=item.pk)
    context = {
        "test": test,
        "item": item,
        "items": items,
        "answered": sum(1 for i in items if i.review_log_id),
        "question": question,
        "form": AnswerForm(question, initial={"attempt": token}),
        "answer_url": reverse("practice_answer", args=[test.pk]),
        "seconds_left": int((test.deadline - now).total_seconds()) if test.deadline else None,
    }
    return render(request, _card_template(request, "study/practice_test.html"), context)


@login_required
@require_POST
def practice_answer(request: HttpRequest, test_id: int) -> HttpResponse:
    test = _test_or_404(request, test_id)
    return _answer(
        request, template="study/practice_test.html", answer_url=reverse("practice_answer", args=[test.pk]), test=test
    )


def _after_practice_answer(request: HttpRequest, test, item) -> HttpResponse:
    if test.is_exam:
        return _navigate(request, reverse("practice_test", args=[test.pk]))
    if not request.htmx:
        return redirect("practice_item", test_id=test.pk, position=item.position)
    response = _render_practice_item(request, test, item.position)
    response["HX-Push-Url"] = reverse("practice_item", args=[test.pk, item.position])
    return response


@login_required
@require_GET
def practice_item(request: HttpRequest, test_id: int, position: int) -> HttpResponse:
    """Tutor-mode feedback on one answered item of a test."""
    return _render_practice_item(request, _test_or_404(request, test_id), position)


def _render_practice_item(request: HttpRequest, test, position: int) -> HttpResponse:
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
        "feedback": _feedback_for(request, log, question),
    }
    return render(request, _card_template(request, "study/practice_test.html"), context)


@login_required
@require_POST
def practice_finish(request: HttpRequest, test_id: int) -> HttpResponse:
    try:
        test = services.finish_practice_test(learner=request.user, test_id=test_id)
    except PracticeTest.DoesNotExist:
        raise Http404("No such practice test.") from None
    return _navigate(request, reverse("practice_review", args=[test.pk]))


@login_required
@require_GET
def practice_review(request: HttpRequest, test_id: int) -> HttpResponse:
    test = _test_or_404(request, test_id)
    now = timezone.now()
    items = selectors.practice_items(test)
    if not test.ended_at(now) and selectors.next_practice_item(items, catalog()) is not None:
        return redirect(test)
    results = practice_results(
        learner=request.user, test=test, items=items, snapshot=catalog(), now=now, zone=request.user.zone
    )
    return render(request, "study/practice_review.html", {"test": test, "results": results, "rows": results.rows})
