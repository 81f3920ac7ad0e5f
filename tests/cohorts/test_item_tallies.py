"""The cohorts' first-attempt tallies: kept by each answer, and by each member who joins or leaves, read by item
analysis (which marks each distinct answer once and never counts the members' logs itself)."""

from __future__ import annotations

import importlib
from unittest import mock

import pytest

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory, UserFactory, fixed_clock
from tests.transactions import second_waits_for_first
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.cohorts.item_tallies import rebuild_item_tallies
from tutor.cohorts.models import ItemAnswerTally, Membership
from tutor.cohorts.selectors import item_analysis
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db
# The module itself (the package re-exports its function under the same name).
analysis_module = importlib.import_module("tutor.cohorts.selectors.item_analysis")


def tallies(cohort) -> dict[tuple[int, str], tuple[int, int, float]]:
    return {
        (t.question_id, t.answer): (t.attempts, t.correct, t.score_sum)
        for t in ItemAnswerTally.objects.filter(cohort=cohort)
    }


def test_a_first_attempt_counts_in_each_of_the_learners_cohorts_and_later_answers_do_not(bank, answer):
    first, second, other = CohortFactory(), CohortFactory(), CohortFactory()
    learner = UserFactory()
    for cohort in (first, second):
        MembershipFactory(cohort=cohort, learner=learner)
    question = bank.risk_questions[0]

    answer(learner, question, "b", NOW)
    answer(learner, question, "a", NOW)  # a second answer to the same card: not a first attempt

    expected = {(question.pk, '{"choice":"b"}'): (1, 0, 0.0)}
    assert tallies(first) == expected and tallies(second) == expected
    assert tallies(other) == {}


def test_the_tallies_kept_by_answers_equal_a_rebuild_from_the_ledger(bank, answer):
    cohort = CohortFactory()
    learners = [MembershipFactory(cohort=cohort).learner for _ in range(5)]
    for n, learner in enumerate(learners):
        for question in bank.risk_questions[:3]:
            answer(learner, question, "ab"[n % 2], NOW)
    kept = tallies(cohort)

    rebuild_item_tallies(cohort_ids=[cohort.pk])

    assert tallies(cohort) == kept
    assert sum(attempts for attempts, _, _ in kept.values()) == 15


def test_a_first_attempt_is_counted_in_the_answers_own_transaction(bank, django_capture_on_commit_callbacks):
    """The count is written with the answer, before anything runs on commit: the two commit together or not at
    all, and a join committing meanwhile cannot see the one and miss (or double) the other."""
    cohort = CohortFactory()
    learner = MembershipFactory(cohort=cohort).learner
    question = bank.risk_questions[0]

    with django_capture_on_commit_callbacks(execute=False):
        record_answer(
            learner=learner,
            question=catalog().questions[question.pk],
            answer={"choice": "b"},
            attempt="tally-in-transaction",
            clock=fixed_clock(NOW),
        )

        assert tallies(cohort) == {(question.pk, '{"choice":"b"}'): (1, 0, 0.0)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("joined_first", [True, False], ids=["join-then-answer", "answer-then-join"])
def test_a_join_and_a_first_attempt_committing_together_count_the_attempt_once(bank, joined_first):
    """PostgreSQL, two transactions open at once: a learner joins a cohort in one while their first attempt is
    recorded in the other. Counted after the answer's commit, the attempt was missed when each read before the other
    committed (or counted twice when the join read it first). Both take the learner's lock, so whichever comes
    second waits, then sees what the first committed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite runs one writer at a time)")
    cohort, learner = CohortFactory(), UserFactory()
    question = catalog().questions[bank.risk_questions[0].pk]

    def join():
        return Membership.objects.create(cohort=cohort, learner=learner, joined_at=NOW)

    def first_attempt():
        return record_answer(
            learner=learner, question=question, answer={"choice": "a"}, attempt="race", clock=fixed_clock(NOW)
        )

    if joined_first:
        second_waits_for_first(join, first_attempt)
    else:
        second_waits_for_first(first_attempt, join)

    counted_once = {(question.id, '{"choice":"a"}'): (1, 1, 1.0)}
    assert tallies(cohort) == counted_once
    rebuild_item_tallies(cohort_ids=[cohort.pk])
    assert tallies(cohort) == counted_once


def test_joining_brings_earlier_first_attempts_and_leaving_takes_them_away(bank, answer):
    cohort = CohortFactory()
    stayer = MembershipFactory(cohort=cohort).learner
    newcomer = UserFactory()
    question = bank.risk_questions[0]
    answer(newcomer, question, "a", NOW)  # answered before joining
    answer(stayer, question, "b", NOW)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"])

    def attempts():
        return {i.question.id: i.attempts for i in item_analysis(assignment=assignment, snapshot=catalog()).items}

    assert attempts()[question.pk] == 1
    MembershipFactory(cohort=cohort, learner=newcomer)
    assert attempts()[question.pk] == 2
    cohort.memberships.filter(learner=stayer).delete()
    assert attempts()[question.pk] == 1
    assert tallies(cohort) == {(question.pk, '{"choice":"a"}'): (1, 1, 1.0)}


def test_a_join_costs_the_same_in_a_cohort_of_two_as_in_a_cohort_of_twelve(bank, answer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = CohortFactory()

    def add_members(count: int) -> None:
        for n in range(count):
            learner = MembershipFactory(cohort=cohort).learner
            for question in bank.risk_questions[:3]:
                answer(learner, question, "ab"[n % 2], NOW)

    def join_statements() -> list[str]:
        newcomer = UserFactory()
        for question in bank.risk_questions:
            answer(newcomer, question, "b", NOW)
        with CaptureQueriesContext(connection) as joined:
            MembershipFactory(cohort=cohort, learner=newcomer)
        return [q["sql"] for q in joined.captured_queries]

    add_members(2)
    small = join_statements()
    add_members(10)
    large = join_statements()

    assert len(large) == len(small)
    # The rebuild read every member's first attempts on each join; the join now reads the newcomer's alone.
    assert not any("INNER JOIN" in sql and "cohorts_membership" in sql and "study_reviewlog" in sql for sql in small)
    kept = tallies(cohort)
    rebuild_item_tallies(cohort_ids=[cohort.pk])
    assert tallies(cohort) == kept


def test_joins_and_departures_one_by_one_keep_what_a_rebuild_counts(bank, answer):
    cohort = CohortFactory()
    learners = [UserFactory() for _ in range(6)]
    for n, learner in enumerate(learners):
        for question in bank.risk_questions[: 2 + n % 3]:
            answer(learner, question, "abc"[n % 3], NOW)
    for learner in learners:
        MembershipFactory(cohort=cohort, learner=learner)
    for learner in learners[::2]:
        cohort.memberships.filter(learner=learner).delete()
    MembershipFactory(cohort=cohort, learner=learners[0])
    kept = tallies(cohort)

    rebuild_item_tallies(cohort_ids=[cohort.pk])

    assert tallies(cohort) == kept
    assert all(attempts > 0 for attempts, _, _ in kept.values())


def test_the_rebuild_command_mends_drifted_tallies(bank, answer):
    from io import StringIO

    from django.core.management import call_command

    cohort = CohortFactory()
    learner = MembershipFactory(cohort=cohort).learner
    answer(learner, bank.risk_questions[0], "a", NOW)
    kept = tallies(cohort)
    ItemAnswerTally.objects.filter(cohort=cohort).update(attempts=7)

    out = StringIO()
    call_command("rebuild_item_tallies", stdout=out)

    assert tallies(cohort) == kept
    assert "1 distinct first answers" in out.getvalue()


def test_identical_answers_are_marked_once(answer):
    section = SectionFactory(module=ModuleFactory(slug="protocol", title="Protocol"))
    multiple = QuestionFactory(section=section, type="multiple", options=False, qid="prot-multi")
    for position, key in enumerate("abcd"):
        OptionFactory(question=multiple, key=key, position=position, is_correct=key in "ac")
    forget_catalog()
    cohort = CohortFactory()
    for n in range(6):
        chosen = ["a", "c"] if n % 3 else ["c", "b"]
        answer(MembershipFactory(cohort=cohort).learner, multiple, {"choices": chosen}, NOW)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["protocol"])

    with mock.patch.object(analysis_module, "mark_answer", wraps=analysis_module.mark_answer) as marked:
        item = item_analysis(assignment=assignment, snapshot=catalog()).items[0]

    assert marked.call_count == 2  # two distinct answers among six
    assert item.attempts == 6 and item.right == 4
    assert {o.key: o.count for o in item.options} == {"a": 4, "b": 2, "c": 6, "d": 0}
