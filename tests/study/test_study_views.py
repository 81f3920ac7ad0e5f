"""The study page and the answer endpoint: page and fragment, plain POST-redirect-GET, bad input, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import (
    MisconceptionFactory,
    ModuleFactory,
    QuestionFactory,
    SectionFactory,
    SourceFactory,
    UserFactory,
)
from tutor.catalog.snapshot import catalog
from tutor.study.attempts import issue_attempt
from tutor.study.models import Card, Flag, ProblemReport, ReviewLog
from tutor.study.selectors import peer_shares

pytestmark = pytest.mark.django_db
# What the question card sends when htmx swaps it (hx-target="#card").
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "card"}


def uses_base(response) -> bool:
    return "base.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("url_name", ["study:study", "study:practice", "study:missed", "study:study_settings"])
def test_study_pages_need_a_login(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_study_page_shows_the_next_question_with_a_token_and_the_days_counts(logged_in, make_question):
    question = make_question("single", stem="Which transporter does MDMA bind most strongly?")

    response = logged_in.get(reverse("study:study"))

    assert response.status_code == 200
    assert uses_base(response)
    html = response.content.decode()
    assert "Which transporter does MDMA bind most strongly?" in html
    assert 'name="attempt"' in html
    assert f'hx-post="{reverse("study:study_answer")}"' in html and f'action="{reverse("study:study_answer")}"' in html
    assert "<strong>0</strong> due" in html and "<strong>1</strong> new left today" in html
    assert response.context["question"].id == question.pk


def test_study_page_for_htmx_is_the_card_fragment_only(logged_in, make_question):
    make_question("single")

    response = logged_in.get(reverse("study:study"), **HTMX)

    assert response.status_code == 200
    assert not uses_base(response)
    assert response.content.decode().lstrip().startswith('<div id="card"')


def test_when_nothing_is_left_it_says_so_and_offers_practice(logged_in, learner, make_question):
    learner.new_per_day = 0
    learner.save()

    html = logged_in.get(reverse("study:study")).content.decode()

    assert "You are done for today" in html
    assert reverse("study:practice") in html


def post_answer(client, learner, question, data, **extra):
    token = issue_attempt(learner_id=learner.pk, question_id=question.pk)
    return client.post(reverse("study:study_answer"), {"attempt": token, **data}, **extra), token


def test_plain_answer_records_and_redirects_to_its_feedback_page(logged_in, learner, make_question):
    question = make_question("single")

    response, _ = post_answer(logged_in, learner, question, {"choice": "a", "duration_ms": "5400"})

    log = ReviewLog.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("study:study_feedback", args=[log.pk])
    assert (log.correct, log.duration_ms) == (False, 5400)
    page = logged_in.get(response.url)
    assert uses_base(page)
    html = page.content.decode()
    assert "Not quite" in html
    assert "Why a is wrong." in html and "Why b is right." in html
    assert f"{question.section.module.get_absolute_url()}#{question.section.anchor}" in html
    assert "comes back" in html


def test_feedback_names_each_source_by_its_one_label(logged_in, learner, make_question):
    question = make_question("single")
    question.sources.add(
        SourceFactory(number=16, title="Phase 2 results"),
        SourceFactory(key="review:mdma-assisted-therapy", number=None, kind="section", title="MDMA-assisted therapy",
                      note="The dose paragraph."),
        SourceFactory(key="upd-adcomm-2024", number=None, kind="update", title="The advisory committee vote",
                      note="A vote against.", citation="Advisory committee, 2024", certainty="secondary"),
    )  # fmt: skip

    response, _ = post_answer(logged_in, learner, question, {"choice": "b"})
    html = logged_in.get(response.url).content.decode()

    assert '/sources/16/">Review reference [16]</a></dt>' in html and "Cited by the review for: Phase 2 results" in html
    assert '">The review: MDMA-assisted therapy</a></dt>' in html and "The dose paragraph." in html
    assert '/sources/upd-adcomm-2024/">The advisory committee vote</a></dt>' in html
    assert "Advisory committee, 2024 · reported, not from the primary text" in html
    assert ">upd-adcomm-2024<" not in html and "(upd-adcomm-2024)" not in html


def test_feedback_gives_the_bottom_line_and_names_the_mistaken_idea(logged_in, learner, make_question):
    question = make_question("single", objective="Screen urine before, during and after treatment.")
    # make_question's option a is wrong, with the factory's misconception a-common-error
    MisconceptionFactory(slug="a-common-error", label="Trial participants use on the side", corrects=question.section)

    response, _ = post_answer(logged_in, learner, question, {"choice": "a"})
    html = logged_in.get(response.url).content.decode()

    assert "<strong>Bottom line:</strong> Screen urine before, during and after treatment." in html
    assert "The mistaken idea: Trial participants use on the side" in html


def test_htmx_answer_returns_the_feedback_fragment(logged_in, learner, make_question):
    question = make_question("single")

    response, _ = post_answer(logged_in, learner, question, {"choice": "b"}, **HTMX)

    assert response.status_code == 200
    assert not uses_base(response)
    html = response.content.decode()
    assert "Correct" in html
    assert "How did it feel?" in html  # rating buttons for a right answer
    assert reverse("study:study") in html  # next question


def test_double_submit_records_one_review(logged_in, learner, make_question):
    question = make_question("single")
    token = issue_attempt(learner_id=learner.pk, question_id=question.pk)

    first = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"})
    second = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "a"})

    assert ReviewLog.objects.count() == 1
    assert first.url == second.url


@pytest.mark.parametrize(
    ("qtype", "data", "message"),
    [
        ("single", {}, "Choose an answer."),
        ("single", {"choice": "z"}, "does not belong to this question"),
        ("multiple", {"choices": ["a", "nope"]}, "does not belong to this question"),
        ("numeric", {"value": "fifty"}, "Enter a number"),
        ("numeric", {"value": "nan"}, "Enter a number"),
        ("ordering", {"order_a": "1", "order_b": "1", "order_c": "2"}, "different place"),
        ("matching", {"match_a": "a", "match_b": "b"}, "Choose a match."),
    ],
)
def test_bad_answers_get_a_message_and_a_400_and_nothing_is_written(
    logged_in, learner, make_question, qtype, data, message
):
    question = make_question(qtype)

    response, _ = post_answer(logged_in, learner, question, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReviewLog.objects.exists() and not Card.objects.exists()


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1Ijo5OTl9:tampered:sig"])
def test_a_missing_or_tampered_token_is_a_400(logged_in, make_question, token):
    make_question("single")

    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"})

    assert response.status_code == 400
    assert "Reload" in response.content.decode() or "token" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_another_learners_token_is_refused(logged_in, make_question):
    question = make_question("single")
    token = issue_attempt(learner_id=UserFactory().pk, question_id=question.pk)

    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"})

    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_another_learners_feedback_is_404(logged_in, make_question):
    other = UserFactory()
    question = make_question("single")
    token = issue_attempt(learner_id=other.pk, question_id=question.pk)
    client_of_other = logged_in.__class__()
    client_of_other.force_login(other)
    client_of_other.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"})
    log = ReviewLog.objects.get()

    assert logged_in.get(reverse("study:study_feedback", args=[log.pk])).status_code == 404
    assert logged_in.post(reverse("study:change_rating", args=[log.pk]), {"rating": 4}).status_code == 404


def test_rating_change_plain_and_htmx(logged_in, learner, make_question):
    question = make_question("single")
    post_answer(logged_in, learner, question, {"choice": "b"})
    log = ReviewLog.objects.get()

    plain = logged_in.post(reverse("study:change_rating", args=[log.pk]), {"rating": "4"})
    fragment = logged_in.post(reverse("study:change_rating", args=[log.pk]), {"rating": "2"}, **HTMX)

    assert plain.status_code == 302 and plain.url == reverse("study:study_feedback", args=[log.pk])
    assert fragment.status_code == 200 and not uses_base(fragment)
    assert 'aria-pressed="true"' in fragment.content.decode()
    assert ReviewLog.objects.with_rating_in_force().get().rating_in_force == 2


def test_an_invalid_rating_is_a_400(logged_in, learner, make_question):
    question = make_question("single")
    post_answer(logged_in, learner, question, {"choice": "b"})
    log = ReviewLog.objects.get()

    response = logged_in.post(reverse("study:change_rating", args=[log.pk]), {"rating": "9"}, **HTMX)

    assert response.status_code == 400
    log.refresh_from_db()
    assert log.rating == 3


def test_leech_feedback_nudges_to_re_read_the_section(logged_in, learner, make_question):
    question = make_question("single")
    for _ in range(4):
        post_answer(logged_in, learner, question, {"choice": "a"})

    html = logged_in.get(reverse("study:study_feedback", args=[ReviewLog.objects.first().pk])).content.decode()

    assert "missed this question 4 times" in html
    assert "Re-read" in html


def test_flag_and_report_a_question(logged_in, learner, make_question):
    question = make_question("single")

    flag = logged_in.post(reverse("study:flag_question", args=[question.qid]), {"flag": "1"}, **HTMX)
    assert flag.status_code == 200 and "Flagged for practice" in flag.content.decode()
    assert Flag.objects.filter(learner=learner, question=question).exists()
    logged_in.post(reverse("study:flag_question", args=[question.qid]), {"flag": "0"})
    assert not Flag.objects.exists()

    empty = logged_in.post(reverse("study:report_problem", args=[question.qid]), {"text": "  "})
    assert empty.status_code == 400 and "Describe the problem" in empty.content.decode()
    sent = logged_in.post(
        reverse("study:report_problem", args=[question.qid]), {"text": "Option C is also defensible."}
    )
    assert sent.status_code == 302
    assert ProblemReport.objects.get().text == "Option C is also defensible."


def test_unknown_question_pages_are_404(logged_in):
    assert logged_in.get(reverse("study:question_detail", args=["no-such-id"])).status_code == 404
    assert logged_in.post(reverse("study:flag_question", args=["no-such-id"]), {"flag": "1"}).status_code == 404


def test_settings_save_and_reject_bad_values(logged_in, learner):
    ModuleFactory(slug="history", title="History")
    ModuleFactory(slug="risks", title="Risks")

    bad = logged_in.post(
        reverse("study:study_settings"), {"desired_retention": "0.5", "new_per_day": "-1", "modules": ["x"]}
    )
    assert bad.status_code == 400
    good = logged_in.post(
        reverse("study:study_settings"),
        {"desired_retention": "0.95", "new_per_day": "10", "modules": ["risks"], "time_zone": "Europe/Warsaw"},
    )

    assert good.status_code == 302
    learner.refresh_from_db()
    assert (learner.desired_retention, learner.new_per_day) == (0.95, 10)
    assert learner.modules_left_out == ["history"]
    assert learner.time_zone == "Europe/Warsaw"


def build_bank(size: int) -> None:
    modules = [ModuleFactory(order=n) for n in range(5)]
    sections = [SectionFactory(module=m) for m in modules]
    for n in range(size):
        QuestionFactory(section=sections[n % 5])


def build_history(learner, reviews: int) -> None:
    """A learner who has answered every question but one, with `reviews` answers in all, half the cards due now."""
    from django.utils import timezone

    from tutor.catalog.snapshot import catalog
    from tutor.study.services import record_answer

    questions = sorted(catalog().live_questions, key=lambda q: q.id)[1:]
    logs = [
        record_answer(learner=learner, question=q, answer={"choice": "a"}, attempt=f"h{q.id}").log for q in questions
    ]
    copies = []
    for n in range(reviews - len(logs)):
        copy = ReviewLog.objects.get(pk=logs[n % len(logs)].pk)
        copy.pk, copy.attempt = None, f"copy{n}"
        copies.append(copy)
    ReviewLog.objects.bulk_create(copies)
    due = Card.objects.filter(learner=learner).order_by("question_id").values_list("pk", flat=True)[::2]
    Card.objects.filter(pk__in=list(due)).update(due=timezone.now() - dt.timedelta(hours=1))


@pytest.mark.parametrize(("bank_size", "reviews"), [(10, 10), (200, 2_500)])
def test_study_page_and_answer_run_a_fixed_number_of_queries(client, django_assert_num_queries, bank_size, reviews):
    """However long the history, the study page runs two queries and an answer seven (ten for a first answer)."""
    build_bank(bank_size)
    learner = UserFactory()
    client.force_login(learner)
    client.get(reverse("study:study"))  # builds the in-memory catalog
    build_history(learner, reviews)
    assert ReviewLog.objects.filter(learner=learner).count() == reviews
    client.get(reverse("study:study"))  # the catalog's freshness check (every few seconds) is not counted below

    with django_assert_num_queries(2):  # the learner, and their cards with the ideas they hold (one statement)
        page = client.get(reverse("study:study"))
    assert page.context["queue"].due_count == (bank_size - 1 + 1) // 2
    new_question = min(catalog().live_questions, key=lambda q: q.id)
    peer_shares(new_question)  # how others answered: computed once per few minutes, a cache read on the answer
    token = issue_attempt(learner_id=learner.pk, question_id=new_question.id)
    # A first answer: learner; savepoint; lock (no card yet); insert card; lock it (with the scheduler parameters
    # in force and the flag, for the feedback); insert log; add it to the study day; count it in the first-attempt
    # tallies of the learner's cohorts; update card; release. Outside tests the savepoint pair is BEGIN/COMMIT. (A
    # deadline costs a query only for an assigned module.)
    with django_assert_num_queries(10):
        response = client.post(reverse("study:study_answer"), {"attempt": token, "choice": "a"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    token = issue_attempt(learner_id=learner.pk, question_id=new_question.id)
    # Answering a card that exists: learner; savepoint; lock; insert log; study day; update card; release.
    with django_assert_num_queries(7):
        client.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}, HTTP_HX_REQUEST="true")
    assert ReviewLog.objects.filter(learner=learner).count() == reviews + 2


def test_answer_feedback_shows_the_flag_read_with_the_card(logged_in, learner, make_question):
    """The flag state in the feedback comes from the card's locked read, and is right either way."""
    question, other = make_question(), make_question()
    Flag.objects.create(learner=learner, question=question)
    token = issue_attempt(learner_id=learner.pk, question_id=question.id)

    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}, HTTP_HX_REQUEST="true")

    assert response.context["feedback"].flagged is True
    token = issue_attempt(learner_id=learner.pk, question_id=other.id)
    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}, HTTP_HX_REQUEST="true")
    assert response.context["feedback"].flagged is False


def test_assigned_modules_stay_in_daily_study_even_when_left_out(logged_in, learner):
    from tutor.catalog.snapshot import catalog
    from tutor.study.selectors import study_queue
    from tutor.study.services import set_required_modules

    assigned = ModuleFactory(slug="risks", title="Risks and safety")
    question = QuestionFactory(section=SectionFactory(module=assigned))
    learner.modules_left_out = ["risks"]
    learner.save()
    set_required_modules(learner=learner, module_slugs=["risks"])

    from django.utils import timezone

    queue = study_queue(learner=learner, snapshot=catalog(), now=timezone.now())
    assert queue.new_question_ids == (question.pk,)
    assert (
        "always in your daily study: Risks and safety"
        in logged_in.get(reverse("study:study_settings")).content.decode()
    )
