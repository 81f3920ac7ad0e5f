"""Where the learner is in today's study, what happens when questions come back within minutes, the rating buttons'
interval previews, and the question form rendered once per content revision with each request's own tokens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study.attempts import issue_attempt, read_attempt
from tutor.study.models import Card, MemoryState, Rating
from tutor.study.scheduler import Memory, intervals_by_rating, short_interval
from tutor.study.selectors import study_queue

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def learning_card(learner, question, *, due, last_review):
    return card(learner, question, due=due, last_review=last_review, state=MemoryState.LEARNING)


def card(learner, question, *, due, last_review, state=MemoryState.REVIEW, stability=5.0):
    return Card.objects.create(
        learner=learner,
        question=question,
        state=state,
        step=0 if state == MemoryState.LEARNING else None,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last_review,
        reps=1,
        created_at=last_review,
    )


# --- pure functions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "text"),
    [(1 / 1440, "1 min"), (10 / 1440, "10 min"), (5 / 24, "5 h"), (1, "1 d"), (4.4, "4 d"), (75, "2.5 mo"),
     (330, "11 mo"), (800, "2.2 y")],
)  # fmt: skip
def test_intervals_are_written_short_as_on_rating_buttons(days, text):
    assert short_interval(days) == text


def test_each_rating_previews_a_longer_interval_than_the_one_before():
    memory = Memory(MemoryState.REVIEW, None, 10.0, 5.0, NOW, NOW - dt.timedelta(days=10))

    intervals = intervals_by_rating(card_id=1, memory=memory, reviewed_at=NOW, desired_retention=0.9)

    assert list(intervals) == [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY]
    assert intervals[Rating.AGAIN] < 1 < intervals[Rating.HARD] < intervals[Rating.GOOD] < intervals[Rating.EASY]


def test_a_higher_desired_retention_previews_shorter_intervals():
    memory = Memory(MemoryState.REVIEW, None, 10.0, 5.0, NOW, NOW - dt.timedelta(days=10))

    relaxed = intervals_by_rating(card_id=1, memory=memory, reviewed_at=NOW, desired_retention=0.8)
    strict = intervals_by_rating(card_id=1, memory=memory, reviewed_at=NOW, desired_retention=0.95)

    assert strict[Rating.GOOD] < relaxed[Rating.GOOD]


# --- the queue -------------------------------------------------------------------------------------------------


def test_queue_counts_todays_answers_and_questions_back_within_the_hour(learner, make_question):
    answered_today, learning, later, due_now = (make_question() for _ in range(4))
    card(learner, answered_today, due=NOW + dt.timedelta(days=3), last_review=NOW - dt.timedelta(hours=1))
    learning_card(learner, learning, due=NOW + dt.timedelta(minutes=1), last_review=NOW - dt.timedelta(minutes=9))
    card(learner, later, due=NOW + dt.timedelta(hours=5), last_review=NOW - dt.timedelta(days=2))
    card(learner, due_now, due=NOW - dt.timedelta(hours=1), last_review=NOW - dt.timedelta(days=6))

    queue = study_queue(learner=learner, snapshot=catalog(), now=NOW)

    assert queue.done_today == 2  # answered today and not due again yet
    assert queue.back_soon == 1  # the learning step, in a minute
    assert queue.left_today == 1
    assert queue.planned_today == 3


# --- the study page --------------------------------------------------------------------------------------------


def test_study_page_says_how_far_through_today_the_learner_is(logged_in, learner, make_question):
    done, due = make_question(), make_question()
    now = timezone.now()
    card(learner, done, due=now + dt.timedelta(days=3), last_review=now - dt.timedelta(seconds=30))
    card(learner, due, due=now - dt.timedelta(minutes=5), last_review=now - dt.timedelta(days=4))

    response = logged_in.get(reverse("study:study"))

    html = response.content.decode()
    assert re.search(r"<strong>1</strong> of 2 today", html)
    assert 'aria-label="Today\'s study"' in html


def test_questions_back_in_minutes_are_offered_to_wait_for_not_called_done(logged_in, learner, make_question):
    learner.new_per_day = 0
    learner.save()
    first, second = make_question(), make_question()
    now = timezone.now()
    for question in (first, second):
        learning_card(learner, question, due=now + dt.timedelta(seconds=70), last_review=now - dt.timedelta(minutes=1))

    html = logged_in.get(reverse("study:study")).content.decode()

    assert "You are done for today" not in html
    assert "2 questions you are learning come back within the hour, the first" in html
    assert "the first <strong><time" in html and "in a minute</time>" in html
    assert f'href="{reverse("study:study")}"' in html and "Check again" in html
    assert f'href="{reverse("study:practice")}"' in html and "Continue with a practice test" in html


def test_a_daily_new_limit_of_zero_says_new_questions_are_off(logged_in, learner, make_question):
    learner.new_per_day = 0
    learner.save()
    make_question()

    html = logged_in.get(reverse("study:study")).content.decode()

    assert "of 0 new questions" not in html
    assert "new questions are off in your settings" in html
    assert "You are done for today" in html


def test_rating_buttons_preview_the_interval_of_each_rating(logged_in, learner, make_question):
    question = make_question()
    token = issue_attempt(learner_id=learner.pk, question_id=question.id)

    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}, **HTMX)

    previews = response.context["feedback"].previews
    assert set(previews) == {Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY}
    html = response.content.decode()
    for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
        assert re.search(
            rf"{rating.label} <span class=\"rating-interval\">· {re.escape(previews[rating])}</span>", html
        )


def test_a_wrong_answer_shows_no_rating_previews(logged_in, learner, make_question):
    question = make_question()
    token = issue_attempt(learner_id=learner.pk, question_id=question.id)

    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "a"}, **HTMX)

    assert response.context["feedback"].previews == {}
    assert "rating-interval" not in response.content.decode()


def test_the_cached_question_form_carries_each_requests_own_tokens(learner, make_question):
    """The form is rendered once, but every page has a fresh attempt token and a CSRF token that is accepted."""
    make_question(stem="Which transporter does MDMA bind most strongly?")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    pages = [client.get(reverse("study:study")).content.decode() for _ in range(2)]

    attempts = [re.search(r'name="attempt" value="([^"]+)"', page).group(1) for page in pages]
    assert attempts[0] != attempts[1]
    assert all(read_attempt(token, learner_id=learner.pk) for token in attempts)
    assert all("Which transporter does MDMA bind most strongly?" in page for page in pages)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[1]).group(1)
    answered = client.post(
        reverse("study:study_answer"), {"attempt": attempts[1], "choice": "b", "csrfmiddlewaretoken": csrf}
    )
    assert answered.status_code == 302


def test_another_learners_page_never_shows_a_cached_token(learner, make_question):
    make_question()
    other = UserFactory()
    first, second = Client(), Client()
    first.force_login(learner)
    second.force_login(other)

    page = first.get(reverse("study:study")).content.decode()
    other_page = second.get(reverse("study:study")).content.decode()

    token = re.search(r'name="attempt" value="([^"]+)"', other_page).group(1)
    assert token not in page
    assert read_attempt(token, learner_id=other.pk)


# --- one module at a time --------------------------------------------------------------------------------------


def test_study_focused_on_a_module_shows_only_its_questions_and_keeps_the_focus(logged_in, learner):
    from tests.factories import ModuleFactory, QuestionFactory, SectionFactory

    mechanisms = ModuleFactory(slug="mechanisms", title="Mechanisms", order=0)
    risks = ModuleFactory(slug="risks", title="Risks and safety", order=1)
    QuestionFactory(section=SectionFactory(module=mechanisms), stem="A mechanisms question?")
    risk = QuestionFactory(section=SectionFactory(module=risks), stem="A risks question?")
    focused = f"{reverse('study:study')}?module=risks"

    page = logged_in.get(focused)

    assert page.status_code == 200
    assert page.context["question"].id == risk.pk and page.context["queue"].new_count == 1
    html = page.content.decode()
    assert "Studying Risks and safety" in html
    assert f'action="{reverse("study:study_answer")}?module=risks"' in html
    token = re.search(r'name="attempt" value="([^"]+)"', html).group(1)
    answered = logged_in.post(
        f"{reverse('study:study_answer')}?module=risks", {"attempt": token, "choice": "a"}, **HTMX
    )
    assert f'href="{focused}"' in answered.content.decode()  # "Next question" stays on the module
    plain = logged_in.post(f"{reverse('study:study_answer')}?module=risks", {"attempt": token, "choice": "a"})
    assert plain.status_code == 302 and plain.url.endswith("?module=risks")
    assert f'href="{focused}"' in logged_in.get(plain.url).content.decode()


def test_study_focused_on_an_unknown_module_is_refused_plainly(logged_in, make_question):
    make_question()

    response = logged_in.get(f"{reverse('study:study')}?module=no-such-module")

    assert response.status_code == 400
    assert "There is no such module to study" in response.content.decode()


def test_module_page_and_assignment_offer_to_study_that_module(logged_in, learner):
    from tests.factories import ModuleFactory, QuestionFactory, SectionFactory

    module = ModuleFactory(slug="risks", title="Risks and safety")
    QuestionFactory(section=SectionFactory(module=module))

    html = logged_in.get(reverse("catalog:module_detail", kwargs={"slug": "risks"})).content.decode()

    assert re.search(rf'<a class="button" href="{reverse("study:study")}\?module=risks">Study this module</a>', html)


@pytest.mark.parametrize("reviews", [0, 300])
def test_focused_study_page_runs_two_queries(logged_in, learner, make_question, django_assert_num_queries, reviews):
    questions = [make_question() for _ in range(12)]
    now = timezone.now()
    for question in questions[: reviews // 25]:
        card(learner, question, due=now + dt.timedelta(days=2), last_review=now - dt.timedelta(days=1))
    logged_in.get(f"{reverse('study:study')}?module=risks")

    with django_assert_num_queries(2):
        assert logged_in.get(f"{reverse('study:study')}?module=risks").status_code == 200
