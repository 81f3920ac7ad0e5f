"""Each cohort's count of the members who have chosen each wrong idea, and of those who still hold it, kept by
triggers: it always equals a count of the members' ideas, whatever writes them, and the item analysis reads it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import CohortFactory, MembershipFactory
from tests.factories import UserFactory
from tests.transactions import second_waits_for_first
from tutor.accounts.services import delete_account
from tutor.cohorts.idea_tallies import idea_holders_counted, recount_idea_tallies
from tutor.cohorts.models import IdeaHolderTally, Membership
from tutor.cohorts.services import delete_cohort, leave_cohort
from tutor.study.models import LearnerMisconception

pytestmark = pytest.mark.django_db


def tallies() -> dict[tuple[int, str], tuple[int, int]]:
    """(cohort, idea) -> (members who have chosen it, members who still hold it), leaving out empty tallies."""
    return {
        (cohort, slug): (holders, holding)
        for cohort, slug, holders, holding in IdeaHolderTally.objects.values_list(
            "cohort_id", "slug", "holders", "holding"
        )
        if holders or holding
    }


def counted() -> dict[tuple[int, str], tuple[int, int]]:
    return {(cohort, slug): (holders, holding) for cohort, slug, holders, holding in idea_holders_counted()}


def idea(learner, slug: str, *, right_since: int = 0, times: int = 1) -> LearnerMisconception:
    return LearnerMisconception.objects.create(
        learner=learner, slug=slug, times_chosen=times, right_since=right_since, first_chosen_at=NOW, last_chosen_at=NOW
    )


def test_answers_keep_the_count_of_each_idea_in_each_of_the_learners_cohorts(bank, answer):
    first, second = CohortFactory(), CohortFactory()
    ann = MembershipFactory(cohort=first).learner
    MembershipFactory(cohort=second, learner=ann)
    bob = MembershipFactory(cohort=first).learner
    question = bank.risk_questions[0]

    answer(ann, question, "b", NOW)  # chooses risks-error-b
    answer(bob, question, "b", NOW)
    answer(bob, bank.risk_questions[1], "c", NOW)  # risks-error-c

    assert tallies() == {
        (first.pk, "risks-error-b"): (2, 2),
        (second.pk, "risks-error-b"): (1, 1),
        (first.pk, "risks-error-c"): (1, 1),
    }

    # A right answer to a question targeting the idea: Ann no longer holds it, though she has chosen it.
    answer(ann, question, "a", NOW + dt.timedelta(days=1))
    assert tallies()[(first.pk, "risks-error-b")] == (2, 1)
    assert tallies()[(second.pk, "risks-error-b")] == (1, 0)

    # Chosen again: she holds it again; a second right answer changes nothing more.
    answer(ann, question, "b", NOW + dt.timedelta(days=2))
    answer(bob, question, "a", NOW + dt.timedelta(days=2))
    answer(bob, question, "a", NOW + dt.timedelta(days=3))
    assert tallies()[(first.pk, "risks-error-b")] == (2, 1)
    assert tallies()[(second.pk, "risks-error-b")] == (1, 1)
    assert tallies() == counted()


def test_joining_brings_the_learners_ideas_and_leaving_takes_them_away(bank, answer):
    cohort = CohortFactory()
    stays = MembershipFactory(cohort=cohort).learner
    newcomer = UserFactory()
    answer(stays, bank.risk_questions[0], "b", NOW)
    answer(newcomer, bank.risk_questions[0], "b", NOW)
    answer(newcomer, bank.history_questions[0], "c", NOW)
    answer(newcomer, bank.history_questions[0], "a", NOW + dt.timedelta(days=1))  # no longer holds history-error-c
    assert tallies() == {(cohort.pk, "risks-error-b"): (1, 1)}

    membership = MembershipFactory(cohort=cohort, learner=newcomer)
    assert tallies() == {(cohort.pk, "risks-error-b"): (2, 2), (cohort.pk, "history-error-c"): (1, 0)}

    leave_cohort(actor=newcomer, membership=membership)
    assert tallies() == {(cohort.pk, "risks-error-b"): (1, 1)} == counted()


def test_a_deleted_account_or_cohort_leaves_the_counts_of_what_remains(bank, answer):
    first, second = CohortFactory(), CohortFactory()
    leaving, staying = UserFactory(), UserFactory()
    for learner in (leaving, staying):
        MembershipFactory(cohort=first, learner=learner)
        MembershipFactory(cohort=second, learner=learner)
        answer(learner, bank.risk_questions[0], "b", NOW)
    answer(leaving, bank.risk_questions[1], "d", NOW)

    delete_account(user=leaving)
    assert tallies() == {(first.pk, "risks-error-b"): (1, 1), (second.pk, "risks-error-b"): (1, 1)} == counted()

    delete_cohort(actor=first.owner, cohort=first)
    assert tallies() == {(second.pk, "risks-error-b"): (1, 1)} == counted()


def test_ideas_and_memberships_written_in_any_order_any_way_are_counted(bank):
    """Ideas created, changed and deleted one by one and in bulk, members joining and leaving, in a random order:
    after each step the tallies equal a count of the rows."""
    cohorts = [CohortFactory() for _ in range(3)]
    learners = [UserFactory() for _ in range(6)]
    slugs = ["one", "two", "three"]
    rng = random.Random(20261202)
    for step in range(120):
        learner, cohort, slug = rng.choice(learners), rng.choice(cohorts), rng.choice(slugs)
        rows = LearnerMisconception.objects.filter(learner=learner)
        match rng.randrange(7):
            case 0 if not rows.filter(slug=slug).exists():
                idea(learner, slug, right_since=rng.choice([0, 0, 2]))
            case 1:
                rows.filter(slug=slug).update(right_since=rng.choice([0, 1, 3]))
            case 2:
                rows.update(right_since=0)  # several rows in one statement
            case 3:
                rows.filter(slug=slug).delete()
            case 4 if not Membership.objects.filter(cohort=cohort, learner=learner).exists():
                MembershipFactory(cohort=cohort, learner=learner)
            case 5:
                Membership.objects.filter(cohort=cohort, learner=learner).delete()
            case 6:
                LearnerMisconception.objects.bulk_create(
                    [
                        LearnerMisconception(
                            learner=other, slug=slug, times_chosen=1, first_chosen_at=NOW, last_chosen_at=NOW
                        )
                        for other in learners
                        if not LearnerMisconception.objects.filter(learner=other, slug=slug).exists()
                    ]
                )
        assert tallies() == counted(), f"after step {step}"
    assert tallies(), "the walk never left a member holding an idea"


def test_a_recount_mends_tallies_that_drifted_and_the_command_recounts_every_cohort(bank, answer):
    cohort = CohortFactory()
    learner = MembershipFactory(cohort=cohort).learner
    answer(learner, bank.risk_questions[0], "b", NOW)
    IdeaHolderTally.objects.update(holders=40, holding=-3)
    IdeaHolderTally.objects.create(cohort=cohort, slug="never-chosen", holders=2, holding=2)

    assert recount_idea_tallies(cohort_ids=[cohort.pk]) == 1
    assert tallies() == {(cohort.pk, "risks-error-b"): (1, 1)}

    IdeaHolderTally.objects.update(holders=7)
    call_command("rebuild_item_tallies", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert tallies() == {(cohort.pk, "risks-error-b"): (1, 1)}


def test_the_item_analysis_counts_the_holders_from_the_tallies(bank, answer):
    """The page's counts are the tallies' (read in the same query as the names): a drifted tally shows, and a
    recount mends it."""
    from tutor.cohorts.selectors.item_analysis import members_holding

    cohort = CohortFactory()
    for _ in range(3):
        answer(MembershipFactory(cohort=cohort).learner, bank.risk_questions[0], "b", NOW)
    holders = members_holding(cohort_id=cohort.pk, slugs=["risks-error-b"])["risks-error-b"]
    assert (holders.count, holders.active, len(holders.named)) == (3, 3, 3)

    IdeaHolderTally.objects.update(holders=30, holding=20)
    holders = members_holding(cohort_id=cohort.pk, slugs=["risks-error-b"])["risks-error-b"]
    assert (holders.count, holders.active, len(holders.named)) == (30, 20, 3)

    recount_idea_tallies()
    holders = members_holding(cohort_id=cohort.pk, slugs=["risks-error-b"])["risks-error-b"]
    assert (holders.count, holders.active) == (3, 3)


@pytest.mark.django_db(transaction=True)
def test_a_join_and_an_idea_recorded_at_the_same_moment_are_counted_once():
    """PostgreSQL: the join's transaction is still open when the learner's idea is written in another. Each
    trigger would read the other's row before it commits and neither would count the idea in the cohort; the
    learner's lock makes the idea's trigger wait for the join, then see it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite runs one writer at a time)")
    cohort, learner = CohortFactory(), UserFactory()

    second_waits_for_first(
        lambda: Membership.objects.create(cohort=cohort, learner=learner, joined_at=NOW),
        lambda: idea(learner, "risks-error-b"),
    )

    assert tallies() == counted() == {(cohort.pk, "risks-error-b"): (1, 1)}
