"""The item analysis page an educator reads: right and wrong answers told apart, untouched distractors in a line,
unattempted questions folded away, and a long list of learners cut short."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory
from tutor.cohorts.forms import JoinCohortForm
from tutor.cohorts.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH

pytestmark = pytest.mark.django_db


def test_wrong_answers_chosen_are_marked_apart_from_right_ones_and_unattempted_questions_fold_away(
    client, bank, answer
):
    educator = EducatorFactory()
    cohort = CohortFactory(owner=educator)
    learners = [MembershipFactory(cohort=cohort).learner for _ in range(9)]
    for n, learner in enumerate(learners):
        answer(learner, bank.history_questions[0], "a" if n < 1 else "c", timezone.now())
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    client.force_login(educator)

    html = client.get(reverse("cohorts:item_analysis", args=[assignment.pk])).content.decode()
    table = html.split('class="data-table item-table"')[1].split("</table>")[0]
    folded = html.split('<details class="unattempted">')[1].split("</details>")[0]

    assert "Right answer: </span>Answer A" in table
    assert "Wrong answer chosen: </span>Answer C" in table
    assert "Not chosen: Answer B; Answer D" in table
    assert "History: question 2?" in folded and "History: question 3?" in folded
    assert "History: question 2?" not in table
    assert "2 questions not attempted yet" in folded
    assert "and 2 more" in html  # eight learners behind the idea, six of them named


def test_the_join_code_example_is_a_code_as_the_app_makes_them():
    help_text = str(JoinCohortForm().fields["code"].help_text)
    example = next(word for word in help_text.replace(",", " ").split() if any(ch.isdigit() for ch in word))

    assert len(example) == JOIN_CODE_LENGTH and all(ch in JOIN_CODE_ALPHABET for ch in example)


def test_the_join_link_is_a_real_link_and_the_copy_button_waits_for_javascript(client):
    educator = EducatorFactory()
    cohort = CohortFactory(owner=educator)
    client.force_login(educator)

    html = client.get(reverse("cohorts:cohort_dashboard", args=[cohort.pk])).content.decode()

    assert f'href="http://testserver/cohorts/join/?code={cohort.join_code}"' in html
    button = html.split("data-copy-target=")[1].split(">")[0]
    assert '"join-link"' in button and "hidden" in button
    assert "js/copy-link" in html
