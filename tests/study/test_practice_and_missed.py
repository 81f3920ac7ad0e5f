"""Practice tests (pools, tutor and exam modes, resume, time limit) and the missed-questions list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory, fixed_clock
from tutor.catalog.snapshot import catalog
from tutor.study import services
from tutor.study.attempts import issue_attempt
from tutor.study.models import Card, Flag, PracticeTest, ReviewLog
from tutor.study.selectors import missed_questions, practice_pool

pytestmark = pytest.mark.django_db
# What the question card sends when htmx swaps it (hx-target="#card").
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "card"}


def answer_now(learner, question, choice, *, at=None):
    return services.record_answer(
        learner=learner,
        question=catalog().questions[question.pk],
        answer={"choice": choice},
        attempt=f"t-{ReviewLog.objects.count()}",
        clock=fixed_clock(at or timezone.now()),
    )


def test_practice_pools(learner, make_question):
    seen_right, seen_wrong, flagged, unseen = (make_question() for _ in range(4))
    answer_now(learner, seen_right, "b")
    answer_now(learner, seen_wrong, "a")
    Flag.objects.create(learner=learner, question=flagged)
    snapshot = catalog()

    def pool(name):
        return set(practice_pool(learner=learner, snapshot=snapshot, pool=name, module_slugs=[]))

    assert pool("all") == {q.pk for q in (seen_right, seen_wrong, flagged, unseen)}
    assert pool("unseen") == {flagged.pk, unseen.pk}
    assert pool("missed") == {seen_wrong.pk}
    assert pool("flagged") == {flagged.pk}


def test_practice_pool_keeps_to_the_chosen_modules(learner):
    history, risks = ModuleFactory(slug="history"), ModuleFactory(slug="risks")
    in_history = QuestionFactory(section=SectionFactory(module=history))
    QuestionFactory(section=SectionFactory(module=risks))

    ids = practice_pool(learner=learner, snapshot=catalog(), pool="all", module_slugs=["history"])

    assert ids == [in_history.pk]


def test_building_a_test_with_bad_input_says_what_is_wrong(logged_in, make_question):
    make_question()

    response = logged_in.post(
        reverse("study:practice"), {"pool": "all", "count": "0", "mode": "tutor", "time_limit_minutes": "5"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "greater than or equal to 1" in html
    assert not PracticeTest.objects.exists()


def test_an_empty_pool_is_explained(logged_in, make_question):
    make_question()

    response = logged_in.post(reverse("study:practice"), {"pool": "missed", "count": "5", "mode": "tutor"})

    assert response.status_code == 400
    assert "No questions match" in response.content.decode()


def test_tutor_mode_gives_feedback_after_each_question_and_feeds_the_scheduler(logged_in, learner, make_question):
    for _ in range(3):
        make_question()
    response = logged_in.post(reverse("study:practice"), {"pool": "all", "count": "2", "mode": "tutor"})
    test = PracticeTest.objects.get()
    assert response.url == test.get_absolute_url()
    page = logged_in.get(test.get_absolute_url())
    item, question = page.context["item"], page.context["question"]

    answered = logged_in.post(
        reverse("study:practice_answer", args=[test.pk]),
        {"attempt": page.context["form"].initial["attempt"], "choice": "b"},
    )

    assert answered.url == reverse("study:practice_item", args=[test.pk, item.position])
    feedback = logged_in.get(answered.url)
    assert "Correct" in feedback.content.decode()
    assert ReviewLog.objects.get().context == "practice"
    assert Card.objects.get(learner=learner, question_id=question.id).reps == 1


def test_practice_answer_fragment_for_htmx(logged_in, make_question):
    make_question()
    logged_in.post(reverse("study:practice"), {"pool": "all", "count": "1", "mode": "tutor"})
    test = PracticeTest.objects.get()
    page = logged_in.get(test.get_absolute_url(), **HTMX)
    assert "base.html" not in [t.name for t in page.templates]

    response = logged_in.post(
        reverse("study:practice_answer", args=[test.pk]),
        {"attempt": page.context["form"].initial["attempt"], "choice": "a"},
        **HTMX,
    )

    assert response.status_code == 200
    assert "base.html" not in [t.name for t in response.templates]
    assert "Not quite" in response.content.decode()


def test_exam_mode_hides_feedback_until_the_end_and_can_be_resumed(logged_in, learner, make_question):
    for _ in range(3):
        make_question()
    logged_in.post(reverse("study:practice"), {"pool": "all", "count": "3", "mode": "exam"})
    test = PracticeTest.objects.get()
    first = logged_in.get(test.get_absolute_url())
    logged_in.post(
        reverse("study:practice_answer", args=[test.pk]),
        {"attempt": first.context["form"].initial["attempt"], "choice": "a"},
    )

    # The page is closed and opened again later: the test resumes at the next unanswered question.
    resumed = logged_in.get(test.get_absolute_url())
    assert resumed.context["item"].position == 2
    assert resumed.context["answered"] == 1
    assert logged_in.get(reverse("study:practice_item", args=[test.pk, 1])).status_code == 404  # no feedback yet
    assert logged_in.get(reverse("study:practice_review", args=[test.pk])).url == test.get_absolute_url()

    for _ in range(2):
        page = logged_in.get(test.get_absolute_url())
        logged_in.post(
            reverse("study:practice_answer", args=[test.pk]),
            {"attempt": page.context["form"].initial["attempt"], "choice": "b"},
        )
    end = logged_in.get(test.get_absolute_url())

    assert end.url == reverse("study:practice_review", args=[test.pk])
    review = logged_in.get(end.url)
    html = review.content.decode()
    assert "2 of 3" in html
    assert html.count('class="feedback verdict-') == 3
    assert ReviewLog.objects.filter(learner=learner, context="practice").count() == 3


def test_exam_time_limit_ends_the_test_and_refuses_late_answers(logged_in, learner, make_question):
    make_question(), make_question()
    logged_in.post(reverse("study:practice"), {"pool": "all", "count": "2", "mode": "exam", "time_limit_minutes": "10"})
    test = PracticeTest.objects.get()
    page = logged_in.get(test.get_absolute_url())
    assert page.context["seconds_left"] > 590
    assert 'role="timer"' in page.content.decode()
    test.deadline = timezone.now() - dt.timedelta(seconds=1)
    test.save()

    late = logged_in.post(
        reverse("study:practice_answer", args=[test.pk]),
        {"attempt": page.context["form"].initial["attempt"], "choice": "b"},
    )

    assert late.url == reverse("study:practice_review", args=[test.pk])
    assert not ReviewLog.objects.exists()
    assert "0 of 2" in logged_in.get(late.url).content.decode()


def test_an_item_of_another_test_is_refused(logged_in, learner, make_question):
    make_question(), make_question()
    logged_in.post(reverse("study:practice"), {"pool": "all", "count": "1", "mode": "tutor"})
    logged_in.post(reverse("study:practice"), {"pool": "all", "count": "1", "mode": "tutor"})
    first, second = PracticeTest.objects.order_by("id")
    item = first.items.get()
    token = issue_attempt(learner_id=learner.pk, question_id=item.question_id, practice_item_id=item.pk)

    response = logged_in.post(reverse("study:practice_answer", args=[second.pk]), {"attempt": token, "choice": "b"})

    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_another_learners_test_is_404(logged_in, make_question):
    make_question()
    other = UserFactory()
    test = services.start_practice_test(
        learner=other,
        question_ids=[catalog().live_questions[0].id],
        mode="tutor",
        pool="all",
        module_slugs=[],
        title="Theirs",
        time_limit_minutes=None,
        now=timezone.now(),
    )

    assert logged_in.get(test.get_absolute_url()).status_code == 404
    assert logged_in.get(reverse("study:practice_review", args=[test.pk])).status_code == 404


def test_missed_questions_newest_first_with_still_missed_and_since_right(learner, make_question):
    earlier, later, never = make_question(), make_question(), make_question()
    start = timezone.now() - dt.timedelta(days=3)
    answer_now(learner, earlier, "a", at=start)
    answer_now(learner, earlier, "b", at=start + dt.timedelta(days=1))
    answer_now(learner, later, "a", at=start + dt.timedelta(days=2))
    answer_now(learner, never, "b", at=start)

    everything = list(missed_questions(learner=learner))
    still = list(missed_questions(learner=learner, status="still"))
    since = list(missed_questions(learner=learner, status="since"))

    assert [c.question_id for c in everything] == [later.pk, earlier.pk]
    assert [c.question_id for c in still] == [later.pk]
    assert [c.question_id for c in since] == [earlier.pk]
    assert everything[0].times_missed == 1


def test_missed_page_filters_by_module_and_practises_exactly_that_list(logged_in, learner):
    risks, history = ModuleFactory(slug="risks"), ModuleFactory(slug="history")
    risk_q = QuestionFactory(section=SectionFactory(module=risks), stem="Which adulterant can be fatal?")
    history_q = QuestionFactory(section=SectionFactory(module=history), stem="Why was MDMA banned?")
    answer_now(learner, risk_q, "c")
    answer_now(learner, history_q, "c")

    page = logged_in.get(reverse("study:missed"), {"module": "risks"})
    html = page.content.decode()
    assert "Which adulterant can be fatal?" in html and "Why was MDMA banned?" not in html
    started = logged_in.post(reverse("study:practise_missed"), {"module": "risks", "status": ""})

    test = PracticeTest.objects.get()
    assert started.url == test.get_absolute_url()
    assert test.mode == "tutor"
    assert list(test.items.values_list("question_id", flat=True)) == [risk_q.pk]


def test_missed_page_rejects_an_unknown_filter(logged_in):
    assert logged_in.get(reverse("study:missed"), {"status": "whatever"}).status_code == 400


def test_missed_page_without_misses_is_friendly(logged_in):
    assert "Nothing missed yet" in logged_in.get(reverse("study:missed")).content.decode()


def finished_test_with_one_right_one_wrong_one_unanswered(logged_in, make_question) -> PracticeTest:
    for _ in range(3):
        make_question()
    logged_in.post(reverse("study:practice"), {"pool": "all", "count": "3", "mode": "tutor"})
    test = PracticeTest.objects.get()
    for choice in ("b", "a"):
        page = logged_in.get(test.get_absolute_url())
        logged_in.post(
            reverse("study:practice_answer", args=[test.pk]),
            {"attempt": page.context["form"].initial["attempt"], "choice": choice},
        )
    logged_in.post(reverse("study:practice_finish", args=[test.pk]))
    return test


def test_results_open_with_every_question_listed_and_linked_to_its_feedback(logged_in, make_question):
    from bs4 import BeautifulSoup

    test = finished_test_with_one_right_one_wrong_one_unanswered(logged_in, make_question)

    page = BeautifulSoup(logged_in.get(reverse("study:practice_review", args=[test.pk])).content, "html.parser")

    overview = page.find("section", attrs={"aria-labelledby": "overview-title"})
    links = overview.select("ol li a")
    assert [a.select_one(".overview-verdict").get_text(" ", strip=True) for a in links] == [
        "✓ Right", "✗ Wrong", "\u2013 Not answered"
    ]  # fmt: skip
    for link in links:
        assert page.find(id=link["href"].removeprefix("#")) is not None, link["href"]
    assert overview.find("a", string="Show only the 2 you missed")["href"] == "?show=missed"


def test_results_can_show_only_the_questions_missed(logged_in, make_question):
    from bs4 import BeautifulSoup

    test = finished_test_with_one_right_one_wrong_one_unanswered(logged_in, make_question)

    response = logged_in.get(reverse("study:practice_review", args=[test.pk]), {"show": "missed"})

    page = BeautifulSoup(response.content, "html.parser")
    items = page.select("ol.review-list > li")
    assert [item.select_one(".verdict").get_text(" ", strip=True) for item in items] == ["✗ Not quite", "Not answered"]
    assert page.find("a", string="Show all 3")["href"] == "?show=all"
    right = page.select("ol.overview-list a")[0]
    assert right["href"].startswith("?show=all#feedback-")  # the right one is on the full list
    # The score is the test's, whatever is shown.
    assert "1 of 3" in page.select_one(".score-line").get_text()
