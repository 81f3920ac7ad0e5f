"""A learner's recurring misconceptions: counted when answers are recorded, shown on progress, practised, and
preferred in daily study among equally urgent due questions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import (
    MisconceptionFactory,
    OptionFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
    fixed_clock,
)
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study.misconceptions import learner_misconceptions
from tutor.study.models import Card, LearnerMisconception, PracticeTest
from tutor.study.selectors import study_queue
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db


def single(section, wrong: dict[str, str]):
    """A single-answer item: option a right, the others wrong with the given misconceptions."""
    question = QuestionFactory(section=section, options=False)
    OptionFactory(question=question, key="a", position=0, is_correct=True, misconception="")
    for position, (key, slug) in enumerate(wrong.items(), start=1):
        OptionFactory(question=question, key=key, position=position, misconception=slug)
    return question


@pytest.fixture
def bank():
    section = SectionFactory(anchor="scheduling", title="Scheduling")
    MisconceptionFactory(slug="ban-for-harm", label="The ban answered harm in patients", corrects=section)
    MisconceptionFactory(slug="mda-same", label="MDA and MDMA are the same drug", corrects=section)
    return {
        "q1": single(section, {"b": "ban-for-harm", "c": "mda-same"}),
        "q2": single(section, {"b": "ban-for-harm", "c": "other-idea"}),
        "q3": single(section, {"b": "mda-same"}),
        "q4": single(section, {"b": "unrelated"}),
    }


def answer(learner, question, choice: str, at: dt.datetime, callbacks) -> None:
    view = catalog().questions[question.pk]
    with callbacks(execute=True):
        record_answer(learner=learner, question=view, answer={"choice": choice}, attempt=f"{question.pk}-{at}",
                      clock=fixed_clock(at))  # fmt: skip


def test_counts_last_seen_and_later_right_answers_on_a_hand_made_history(bank, django_capture_on_commit_callbacks):
    learner = UserFactory()
    t = [NOW + dt.timedelta(hours=n) for n in range(6)]
    answer(learner, bank["q1"], "b", t[0], django_capture_on_commit_callbacks)  # ban-for-harm
    answer(learner, bank["q2"], "b", t[1], django_capture_on_commit_callbacks)  # ban-for-harm again
    answer(learner, bank["q1"], "c", t[2], django_capture_on_commit_callbacks)  # mda-same
    answer(learner, bank["q3"], "a", t[3], django_capture_on_commit_callbacks)  # right on mda-same
    answer(learner, bank["q2"], "c", t[4], django_capture_on_commit_callbacks)  # another idea, ban-for-harm not right
    answer(learner, bank["q4"], "a", t[5], django_capture_on_commit_callbacks)  # right, targets neither

    rows = {row.slug: row for row in LearnerMisconception.objects.filter(learner=learner)}
    assert set(rows) == {"ban-for-harm", "mda-same", "other-idea"}
    ban, mda = rows["ban-for-harm"], rows["mda-same"]
    assert (ban.times_chosen, ban.first_chosen_at, ban.last_chosen_at, ban.right_since) == (2, t[0], t[1], 0)
    assert (mda.times_chosen, mda.last_chosen_at, mda.right_since, mda.last_right_at) == (1, t[2], 1, t[3])
    assert ban.is_active and not mda.is_active

    standings = learner_misconceptions(learner=learner, snapshot=catalog()).shown
    assert [s.slug for s in standings][:2] == ["ban-for-harm", "other-idea"]  # active first, most chosen first
    assert standings[0].label == "The ban answered harm in patients"
    assert standings[0].section_title == "Scheduling" and standings[0].question_count == 2


def test_choosing_it_again_makes_it_active_again(bank, django_capture_on_commit_callbacks):
    learner = UserFactory()
    answer(learner, bank["q3"], "b", NOW, django_capture_on_commit_callbacks)
    answer(learner, bank["q1"], "a", NOW + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    answer(learner, bank["q3"], "b", NOW + dt.timedelta(hours=2), django_capture_on_commit_callbacks)

    row = LearnerMisconception.objects.get(learner=learner, slug="mda-same")
    assert (row.times_chosen, row.right_since, row.is_active) == (2, 0, True)


def test_progress_page_shows_ideas_with_their_section_and_a_practice_action(
    client, bank, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    answer(learner, bank["q1"], "b", NOW, django_capture_on_commit_callbacks)
    client.force_login(learner)

    html = client.get(reverse("cohorts:progress_dashboard")).content.decode()

    assert "Ideas you keep getting wrong" in html
    assert "The ban answered harm in patients" in html
    assert f'href="{bank["q1"].section.get_absolute_url()}"' in html
    assert f'action="{reverse("progress:practise_misconception", args=["ban-for-harm"])}"' in html
    assert 'method="post"' in html


def test_practise_this_idea_builds_a_test_of_the_questions_that_target_it(
    client, bank, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    answer(learner, bank["q1"], "b", NOW, django_capture_on_commit_callbacks)
    client.force_login(learner)

    assert client.get(reverse("progress:practise_misconception", args=["ban-for-harm"])).status_code == 405
    response = client.post(reverse("progress:practise_misconception", args=["ban-for-harm"]))

    test = PracticeTest.objects.get(learner=learner)
    assert response.status_code == 302 and response.url == test.get_absolute_url()
    assert {item.question_id for item in test.items.all()} == {bank["q1"].pk, bank["q2"].pk}
    assert test.mode == "tutor" and "The ban answered harm in patients" in test.title


def test_practise_an_idea_no_question_targets_is_refused_in_words(client, bank):
    client.force_login(UserFactory())

    response = client.post(reverse("progress:practise_misconception", args=["nobody-holds-this"]), follow=True)

    assert not PracticeTest.objects.exists()
    assert "No question in the bank works on this idea" in response.content.decode()


def test_a_get_records_nothing(client, bank):
    learner = UserFactory()
    client.force_login(learner)
    client.get(reverse("cohorts:progress_dashboard"))
    client.get(reverse("study:study"))

    assert not LearnerMisconception.objects.exists()


def due_card(learner, question, *, stability: float, due: dt.timedelta, last_review: dt.timedelta) -> Card:
    """A card in review, due and last reviewed the given times before NOW."""
    return Card.objects.create(
        learner=learner, question=question, state=2, stability=stability, difficulty=5.0, reps=3,
        due=NOW - due, last_review=NOW - last_review, created_at=NOW - dt.timedelta(days=60),
    )  # fmt: skip


def test_study_queue_prefers_equally_urgent_questions_on_an_active_misconception(bank, django_assert_num_queries):
    learner = UserFactory(new_per_day=0)
    snapshot = catalog()
    # Two due cards with the same memory: equal urgency, so the lower id comes first.
    for question in (bank["q3"], bank["q4"]):
        due_card(learner, question, stability=5.0, due=dt.timedelta(days=1), last_review=dt.timedelta(days=6))

    assert study_queue(learner=learner, snapshot=snapshot, now=NOW).due_question_ids == (bank["q3"].pk, bank["q4"].pk)

    # q4 targets an idea the learner keeps choosing.
    LearnerMisconception.objects.create(
        learner=learner, slug="unrelated", times_chosen=2, first_chosen_at=NOW, last_chosen_at=NOW
    )
    with django_assert_num_queries(1):  # the cards and the ideas the learner holds, in one statement
        queue = study_queue(learner=learner, snapshot=snapshot, now=NOW)
    assert queue.due_question_ids == (bank["q4"].pk, bank["q3"].pk)

    LearnerMisconception.objects.filter(learner=learner).update(right_since=1)  # answered right since: not active
    assert study_queue(learner=learner, snapshot=snapshot, now=NOW).due_question_ids[0] == bank["q3"].pk


def test_misconceptions_never_outrank_a_more_urgent_question(bank):
    learner = UserFactory(new_per_day=0)
    due_card(learner, bank["q4"], stability=2.0, due=dt.timedelta(days=5), last_review=dt.timedelta(days=30))
    due_card(learner, bank["q3"], stability=50.0, due=dt.timedelta(hours=1), last_review=dt.timedelta(days=2))
    LearnerMisconception.objects.create(
        learner=learner, slug="mda-same", times_chosen=3, first_chosen_at=NOW, last_chosen_at=NOW
    )

    assert study_queue(learner=learner, snapshot=catalog(), now=NOW).due_question_ids[0] == bank["q4"].pk


@pytest.mark.parametrize("ideas", [1, 12])
def test_progress_page_queries_do_not_grow_with_misconceptions(client, django_assert_num_queries, ideas):
    learner = UserFactory()
    section = SectionFactory()
    for n in range(ideas):
        MisconceptionFactory(slug=f"idea-{n}", corrects=section)
        single(section, {"b": f"idea-{n}"})
        LearnerMisconception.objects.create(learner=learner, slug=f"idea-{n}", times_chosen=n + 1,
                                            first_chosen_at=NOW, last_chosen_at=NOW)  # fmt: skip
    client.force_login(learner)
    client.get(reverse("cohorts:progress_dashboard"))  # warm the catalog

    # the learner, their cards, recent study days, study-day totals, misconceptions (their definitions are read once
    # per content revision; no query for assignments: no module is required of them)
    with django_assert_num_queries(5):
        response = client.get(reverse("cohorts:progress_dashboard"))
    assert len(response.context["misconception_standings"]) == min(ideas, 10)
    assert response.context["misconception_count"] == ideas


def test_the_progress_page_lists_the_first_ideas_and_links_to_every_one(client):
    learner = UserFactory()
    section = SectionFactory(title="Serotonin release")
    for n in range(13):
        MisconceptionFactory(slug=f"idea-{n:02}", label=f"Idea {n:02}", corrects=section)
        single(section, {"b": f"idea-{n:02}"})
        LearnerMisconception.objects.create(learner=learner, slug=f"idea-{n:02}", times_chosen=n + 1, right_since=n % 2,
                                            first_chosen_at=NOW, last_chosen_at=NOW)  # fmt: skip
    client.force_login(learner)
    url = reverse("cohorts:progress_dashboard")

    first = client.get(url)
    every = client.get(url, {"ideas": "all"})

    shown = [idea.label for idea in first.context["misconception_standings"]]
    assert shown[:2] == ["Idea 12", "Idea 10"]  # active first (chosen since answered right), most chosen first
    assert len(shown) == 10 and "Show all 13 ideas" in first.content.decode()
    assert len(every.context["misconception_standings"]) == 13
    assert "Show only the first 10" in every.content.decode() and "Show all" not in every.content.decode()
    guide = first.context["misconception_standings"][0]
    assert (guide.section_title, guide.question_count) == ("Serotonin release", 1)
    assert guide.section_url.endswith(f"#{section.anchor}")


def test_only_a_wrong_option_makes_a_question_target_an_idea():
    from tutor.catalog.snapshot import OptionView, ideas_of_wrong_options
    from tutor.study.selectors import targets_any

    def question(*options):
        return type("Question", (), {"options": options, "ideas_targeted": ideas_of_wrong_options(options)})()

    def option(is_correct: bool, misconception: str) -> OptionView:
        return OptionView(key="a", text="", is_correct=is_correct, rationale="", misconception=misconception,
                          match_text="", position=1, numeric_value=None)  # fmt: skip

    assert targets_any(question(option(False, "held")), {"held"})
    assert not targets_any(question(option(True, "held")), {"held"})
    assert not targets_any(question(option(False, "other")), {"held"})
    assert not targets_any(question(option(False, "")), set())


@pytest.mark.parametrize("holds", [False, True])
def test_a_right_answer_writes_against_the_questions_ideas_only_when_the_learner_has_one(
    bank, django_capture_on_commit_callbacks, django_assert_num_queries, holds
):
    # The card's locked read says whether the learner has a row for any idea the question targets: without one, a
    # right answer's receiver has nothing to count and sends no statement. With one, it counts as before.
    learner = UserFactory()
    if holds:
        answer(learner, bank["q3"], "b", NOW, django_capture_on_commit_callbacks)  # mda-same, which q1 targets
    answer(learner, bank["q1"], "a", NOW + dt.timedelta(hours=1), django_capture_on_commit_callbacks)  # first attempt
    view = catalog().questions[bank["q1"].pk]
    at = NOW + dt.timedelta(hours=2)

    # savepoint; the locked card; the log; the study day; the card; release; then, only when it can count, the
    # learner's rows for the question's ideas
    with django_assert_num_queries(7 if holds else 6), django_capture_on_commit_callbacks(execute=True):
        recorded = record_answer(learner=learner, question=view, answer={"choice": "a"}, attempt="again",
                                 clock=fixed_clock(at))  # fmt: skip

    assert recorded.card.held_targeted is holds
    rows = {row.slug: row for row in LearnerMisconception.objects.filter(learner=learner)}
    if holds:
        assert (rows["mda-same"].right_since, rows["mda-same"].last_right_at) == (2, at)
    else:
        assert rows == {}


def test_the_card_read_finds_the_learners_rows_for_the_questions_ideas_only(bank, django_capture_on_commit_callbacks):
    from tutor.study.locked_cards import locked_card
    from tutor.study.marking import misconceptions_targeted

    no_ideas = single(bank["q1"].section, {"b": "", "c": ""})
    learner, other = UserFactory(), UserFactory()
    answer(other, bank["q3"], "b", NOW, django_capture_on_commit_callbacks)  # someone else's mda-same
    answer(learner, bank["q4"], "b", NOW, django_capture_on_commit_callbacks)  # an idea q1 does not target
    q1, no_ideas = catalog().questions[bank["q1"].pk], catalog().questions[no_ideas.pk]

    assert locked_card(learner=learner, question=q1, clock=lambda: NOW).held_targeted is False
    answer(learner, bank["q2"], "b", NOW + dt.timedelta(hours=1), django_capture_on_commit_callbacks)  # ban-for-harm
    assert locked_card(learner=learner, question=q1, clock=lambda: NOW).held_targeted is True
    assert misconceptions_targeted(no_ideas) == set()
    assert locked_card(learner=learner, question=no_ideas, clock=lambda: NOW).held_targeted is False


def test_the_ideas_an_answer_chose_are_counted_in_one_statement(django_assert_num_queries):
    from tutor.study.misconceptions import count_ideas_chosen

    learner = UserFactory()
    later, earlier = NOW + dt.timedelta(hours=2), NOW + dt.timedelta(hours=1)
    count_ideas_chosen(learner_id=learner.pk, slugs={"mda-same"}, at=later)
    LearnerMisconception.objects.filter(learner=learner).update(right_since=3)  # right answers since

    with django_assert_num_queries(1):
        count_ideas_chosen(learner_id=learner.pk, slugs={"mda-same", "ban-for-harm"}, at=earlier)  # recorded late

    rows = {row.slug: row for row in LearnerMisconception.objects.filter(learner=learner)}
    mda, ban = rows["mda-same"], rows["ban-for-harm"]
    assert (mda.times_chosen, mda.first_chosen_at, mda.last_chosen_at, mda.right_since) == (2, later, later, 0)
    assert (ban.times_chosen, ban.first_chosen_at, ban.last_chosen_at, ban.right_since) == (1, earlier, earlier, 0)
    assert ban.last_right_at is None and ban.is_active and mda.is_active


def test_a_wrong_answer_costs_one_statement_after_it_is_recorded(
    bank, django_capture_on_commit_callbacks, django_assert_num_queries
):
    learner = UserFactory()
    answer(learner, bank["q3"], "b", NOW, django_capture_on_commit_callbacks)  # mda-same, a row to count on
    answer(learner, bank["q1"], "a", NOW, django_capture_on_commit_callbacks)  # q1's first attempt
    view = catalog().questions[bank["q1"].pk]

    # savepoint; the locked card; the log; the study day; the card; release; then the ideas chosen, in one upsert
    with django_assert_num_queries(7), django_capture_on_commit_callbacks(execute=True):
        record_answer(learner=learner, question=view, answer={"choice": "c"}, attempt="wrong",
                      clock=fixed_clock(NOW + dt.timedelta(hours=1)))  # fmt: skip

    row = LearnerMisconception.objects.get(learner=learner, slug="mda-same")
    assert (row.times_chosen, row.right_since) == (2, 0)


def test_the_ideas_a_question_targets_are_those_of_its_wrong_options_and_follow_them(bank):
    import dataclasses

    from tutor.study.marking import misconceptions_targeted

    q1 = catalog().questions[bank["q1"].pk]
    assert misconceptions_targeted(q1) == {"ban-for-harm", "mda-same"}

    only_right = dataclasses.replace(q1, options=tuple(o for o in q1.options if o.is_correct))
    assert misconceptions_targeted(only_right) == set()
    assert misconceptions_targeted(q1) == {"ban-for-harm", "mda-same"}
