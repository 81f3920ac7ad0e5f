"""Answer tallies per learner and module, kept by triggers on the cards: they always equal a count of the cards,
whatever writes them, and the cohort pages read them instead of the cards."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml
from django.db.models import Count, Q

from tests.conftest import TINY_CONTENT
from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory, fixed_clock
from tests.progress.test_module_progress import NOW, card
from tutor.catalog.models import ItemReview, Question
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.progress.answer_tallies import recount_answer_tallies
from tutor.progress.models import ModuleAnswerTally
from tutor.progress.selectors import module_answer_counts
from tutor.study.models import Card
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db


def tallies() -> dict[tuple[int, int], tuple[int, int]]:
    """(learner, module) -> (answered, right), leaving out empty tallies."""
    return {
        (learner, module): (answered, right)
        for learner, module, answered, right in ModuleAnswerTally.objects.values_list(
            "learner_id", "module_id", "answered", "right_latest"
        )
        if answered or right
    }


def counted_from_cards() -> dict[tuple[int, int], tuple[int, int]]:
    rows = (
        Card.objects.values_list("learner_id", "question__module_id")
        .annotate(n=Count("id"), right=Count("id", filter=Q(last_answer_correct=True)))
        .order_by()
    )
    return {(learner, module): (n, right) for learner, module, n, right in rows}


@pytest.fixture
def two_modules():
    first, second = ModuleFactory(slug="first", order=1), ModuleFactory(slug="second", order=2)
    return {
        module.slug: [QuestionFactory(section=SectionFactory(module=module)) for _ in range(3)]
        for module in (first, second)
    }


def answer(learner, question, *, right: bool, attempt: str, days: float = 0):
    view = catalog().questions[question.pk]
    options = {option.key: option.is_correct for option in view.options}
    choice = next(key for key, correct in options.items() if correct == right)

    return record_answer(
        learner=learner,
        question=view,
        answer={"choice": choice},
        attempt=attempt,
        clock=fixed_clock(NOW + dt.timedelta(days=days)),
    )


def test_answers_keep_the_tally_of_their_module(two_modules):
    alice, bob = UserFactory(), UserFactory()
    first, second = two_modules["first"], two_modules["second"]

    answer(alice, first[0], right=True, attempt="1")
    answer(alice, first[0], right=False, attempt="2", days=1)
    answer(alice, first[0], right=True, attempt="3", days=2)
    answer(alice, first[1], right=False, attempt="4")
    answer(bob, second[2], right=True, attempt="5")

    assert tallies() == {
        (alice.pk, first[0].module_id): (2, 1),
        (bob.pk, second[2].module_id): (1, 1),
    }
    assert tallies() == counted_from_cards()


def test_cards_written_deleted_or_moved_any_other_way_are_counted_too(two_modules):
    alice, bob = UserFactory(), UserFactory()
    first, second = two_modules["first"], two_modules["second"]
    kept = card(alice, first[0], stability=5, reviewed_days_ago=1, due_in_days=2, correct=True)
    gone = card(alice, first[1], stability=5, reviewed_days_ago=1, due_in_days=2, correct=True)
    card(bob, second[0], stability=5, reviewed_days_ago=1, due_in_days=2, correct=False)
    Card.objects.bulk_create(
        [Card(learner=bob, question=q, state=1, due=NOW, created_at=NOW, last_answer_correct=True) for q in second[1:]]
    )

    gone.delete()
    Card.objects.filter(pk=kept.pk).update(last_answer_correct=False)
    Card.objects.filter(learner=bob, question=second[2]).update(question=first[2])
    Card.objects.filter(learner=bob, question=second[1]).update(learner=alice)

    assert tallies() == counted_from_cards()
    assert tallies()[(alice.pk, first[0].module_id)] == (1, 0)


def test_a_deleted_learner_leaves_no_tally_behind(two_modules):
    learner = UserFactory()
    for n, question in enumerate(two_modules["first"]):
        card(learner, question, stability=5, reviewed_days_ago=1, due_in_days=2, correct=n % 2 == 0)
    assert tallies() == {(learner.pk, two_modules["first"][0].module_id): (3, 2)}

    learner.delete()

    assert ModuleAnswerTally.objects.count() == 0


def test_a_recount_mends_a_tally_that_drifted(two_modules):
    learner = UserFactory()
    first = two_modules["first"]
    for question in first:
        card(learner, question, stability=5, reviewed_days_ago=1, due_in_days=2)
    ModuleAnswerTally.objects.update(answered=99, right_latest=-4)

    written = recount_answer_tallies(module_ids=[first[0].module_id])

    assert written == 1
    assert tallies() == counted_from_cards() == {(learner.pk, first[0].module_id): (3, 3)}


def test_counts_for_statuses_read_the_tallies_and_take_out_items_that_do_not_count(
    two_modules, django_assert_num_queries
):
    learners = [UserFactory() for _ in range(4)]
    first = two_modules["first"]
    module_id = first[0].module_id
    for learner in learners:
        for question in first:
            card(learner, question, stability=5, reviewed_days_ago=1, due_in_days=2, correct=True)
    snapshot = catalog()

    with django_assert_num_queries(1):
        counts = module_answer_counts(learner_ids=[u.pk for u in learners], snapshot=snapshot, module_ids=[module_id])
    assert {(c[module_id].seen, c[module_id].right_latest, c[module_id].question_total) for c in counts.values()} == {
        (3, 3, 3)
    }

    Question.objects.filter(pk=first[0].pk).update(retired=True)
    ItemReview.objects.create(question=first[1], reasons=["reports"], raised_at=NOW)
    forget_catalog()
    snapshot = catalog()

    with django_assert_num_queries(2):
        counts = module_answer_counts(learner_ids=[u.pk for u in learners], snapshot=snapshot, module_ids=[module_id])
    assert {(c[module_id].seen, c[module_id].right_latest, c[module_id].question_total) for c in counts.values()} == {
        (1, 1, 1)
    }


def test_a_question_that_moves_module_in_a_content_load_is_counted_in_its_new_module(load_content, tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(TINY_CONTENT, tree)
    assert load_content(tree).ok
    learner = UserFactory()
    moving = Question.objects.get(qid="alpha-001")
    card(learner, moving, stability=5, reviewed_days_ago=1, due_in_days=2, correct=True)
    alpha = moving.module_id
    assert tallies() == {(learner.pk, alpha): (1, 1)}

    questions = yaml.safe_load((tree / "alpha" / "questions.yaml").read_text())
    moved = [q for q in questions if q["id"] == "alpha-001"]
    (tree / "alpha" / "questions.yaml").write_text(yaml.safe_dump([q for q in questions if q["id"] != "alpha-001"]))
    (tree / "beta").mkdir()
    module_text = (tree / "alpha" / "module.md").read_text()
    (tree / "beta" / "module.md").write_text(
        module_text.replace("Alpha module", "Beta module").replace("order: 1", "order: 2")
    )
    (tree / "beta" / "questions.yaml").write_text(yaml.safe_dump(moved))
    result = load_content(tree)
    assert result.ok, result.err

    beta = Question.objects.get(qid="alpha-001").module_id
    assert beta != alpha
    assert tallies() == counted_from_cards() == {(learner.pk, beta): (1, 1)}


def test_the_recount_command_mends_every_tally(two_modules):
    import io

    from django.core.management import call_command

    learner = UserFactory()
    for question in two_modules["first"] + two_modules["second"]:
        card(learner, question, stability=5, reviewed_days_ago=1, due_in_days=2, correct=False)
    ModuleAnswerTally.objects.all().delete()
    out = io.StringIO()

    call_command("recount_answer_tallies", stdout=out)

    assert "Recounted 2 answer tallies" in out.getvalue()
    assert tallies() == counted_from_cards()
