"""Item analysis: attempts, facility, discrimination (Moodle's), option shares and misconceptions."""

from __future__ import annotations

import datetime as dt
import importlib
import math

import pytest
from django.test.html import parse_html

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import OptionFactory, QuestionFactory, SectionFactory, UserFactory
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.cohorts.selectors import (
    AttemptKind,
    ItemRow,
    OptionLine,
    OptionShare,
    discrimination_by_question,
    item_analysis,
    item_rows,
    option_line,
    options_html,
    pearson,
    unattempted_rows,
)

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def members(cohort, n):
    return [MembershipFactory(cohort=cohort).learner for _ in range(n)]


def by_qid(analysis):
    return {item.question.qid: item for item in analysis.items}


def test_pearson_against_hand_computed_values():
    assert pearson([1, 1, 0, 0], [2, 1, 1, 0]) == pytest.approx(1 / math.sqrt(2))
    assert pearson([1, 0, 1, 0], [2, 2, 0, 0]) == pytest.approx(0.0)
    assert pearson([1, 1, 1], [3, 1, 2]) is None  # the item score does not vary
    assert pearson([1], [2]) is None


def test_discrimination_correlates_the_item_with_the_rest_of_the_learners_score():
    """Learner totals over q1..q3: L1 3, L2 2, L3 1, L4 0.

    q1: item [1, 1, 0, 0], rest [2, 1, 1, 0] -> sxy = 1, sxx = 1, syy = 2 -> 1/sqrt(2) = 0.7071
    q2: item [1, 0, 1, 0], rest [2, 2, 0, 0] -> sxy = 0 -> 0
    A question only one learner attempted gives one pair: no value.
    """
    scores = {1: [1, 1, 1], 2: [1, 0, 1], 3: [0, 1, 0], 4: [0, 0, 0]}
    rows = [(learner, q, float(s)) for learner, by_q in scores.items() for q, s in zip((1, 2, 3), by_q, strict=True)]

    result = discrimination_by_question(rows, [1, 2, 3])
    lonely = discrimination_by_question([*rows, (1, 4, 1.0)], [4])

    assert result[1] == pytest.approx(0.70710678)
    assert result[2] == pytest.approx(0.0)
    assert result[3] == pytest.approx(0.70710678)
    assert lonely == {}


@pytest.fixture
def cohort_of_four(bank, answer):
    """Four learners answer History's three questions first as in the docstring above; then some answer again.

    First attempts (choice given):   q1   q2   q3
        L1                            a    a    a
        L2                            a    b    a
        L3                            b    a    c
        L4                            c    c    b
    Later, L3 and L4 answer q1 again, right. A learner outside the cohort answers q1 wrongly.
    """
    cohort = CohortFactory()
    learners = members(cohort, 4)
    choices = ["aaa", "aba", "bac", "ccb"]
    for learner, row in zip(learners, choices, strict=True):
        for n, (question, choice) in enumerate(zip(bank.history_questions, row, strict=True)):
            answer(learner, question, choice, NOW + n * HOUR)
    for learner in learners[2:]:
        answer(learner, bank.history_questions[0], "a", NOW + 5 * HOUR)
    answer(UserFactory(), bank.history_questions[0], "d", NOW)
    return AssignmentFactory(cohort=cohort, module_slugs=["history"])


def test_first_attempts_give_facility_discrimination_and_option_shares(cohort_of_four):
    analysis = item_analysis(assignment=cohort_of_four, snapshot=catalog())
    items = by_qid(analysis)
    q1, q2, q3 = items["history-001"], items["history-002"], items["history-003"]

    assert analysis.kind == AttemptKind.FIRST
    assert [(i.attempts, i.right) for i in (q1, q2, q3)] == [(4, 2), (4, 2), (4, 2)]
    assert q1.facility == pytest.approx(0.5)
    assert q1.discrimination == pytest.approx(1 / math.sqrt(2))
    assert q2.discrimination == pytest.approx(0.0)
    assert q3.discrimination == pytest.approx(1 / math.sqrt(2))
    assert not q2.flagged  # at or below 0.2, but 4 attempts are too few to flag
    assert [(o.key, o.count, o.share) for o in q1.options] == [
        ("a", 2, 0.5),
        ("b", 1, 0.25),
        ("c", 1, 0.25),
        ("d", 0, 0),
    ]
    assert [o.key for o in q1.top_wrong] == ["b", "c"]  # a tie: both are the most chosen wrong answers
    assert q1.misconceptions == ("history-error-b", "history-error-c")
    assert [o.key for o in q2.top_wrong] == ["b", "c"]


def test_misconception_summary_counts_wrong_choices_across_the_assignment(cohort_of_four):
    analysis = item_analysis(assignment=cohort_of_four, snapshot=catalog())

    summary = [(row.tag, row.times, [q.qid for q in row.questions]) for row in analysis.misconceptions]

    # Wrong first answers: b on q1, q2 and q3 (L3, L2, L4); c on q1, q2 and q3 (L4, L4, L3). Ties sort by tag.
    assert summary == [
        ("history-error-b", 3, ["history-001", "history-002", "history-003"]),
        ("history-error-c", 3, ["history-001", "history-002", "history-003"]),
    ]


def test_latest_attempts_count_each_learners_newest_answer(cohort_of_four):
    items = by_qid(item_analysis(assignment=cohort_of_four, snapshot=catalog(), kind=AttemptKind.LATEST))

    assert (items["history-001"].attempts, items["history-001"].right) == (4, 4)
    assert items["history-001"].discrimination is None  # everyone right: nothing to correlate
    assert (items["history-002"].attempts, items["history-002"].right) == (4, 2)


def test_weak_discrimination_is_flagged_with_enough_attempts(bank, answer):
    """The strongest learners miss q1 and the weakest get it right: a negative discrimination, flagged at 10
    attempts but not at 9."""
    cohort = CohortFactory()
    learners = members(cohort, 10)
    for rank, learner in enumerate(learners):
        strong = rank < 5
        answer(learner, bank.history_questions[0], "b" if strong else "a", NOW)
        for question in bank.history_questions[1:]:
            answer(learner, question, "a" if strong else "b", NOW + HOUR)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])

    flagged = by_qid(item_analysis(assignment=assignment, snapshot=catalog()))["history-001"]
    assert flagged.discrimination == pytest.approx(-1.0)
    assert flagged.flagged

    cohort.memberships.filter(learner=learners[0]).delete()
    fewer = by_qid(item_analysis(assignment=assignment, snapshot=catalog()))["history-001"]
    assert fewer.attempts == 9 and not fewer.flagged


def test_multiple_response_numeric_and_matching_items_are_marked_part_by_part(answer):
    from tests.factories import ModuleFactory

    module = ModuleFactory(slug="protocol", title="Protocol")
    section = SectionFactory(module=module)
    multiple = QuestionFactory(section=section, type="multiple", options=False, qid="prot-multi")
    for position, key in enumerate("abcd"):
        OptionFactory(question=multiple, key=key, position=position, is_correct=key in "ac", misconception=f"mis-{key}")
    numeric = QuestionFactory(
        section=section, type="numeric", options=False, qid="prot-num", numeric_answer=54.2, numeric_tolerance=0.5
    )
    OptionFactory(question=numeric, key="answer", position=0, is_correct=True, numeric_value=54.2, misconception="")
    OptionFactory(question=numeric, key="error-1", position=1, numeric_value=56, misconception="review-rounding")
    matching = QuestionFactory(section=section, type="matching", options=False, qid="prot-match")
    for position, key in enumerate("ab"):
        OptionFactory(
            question=matching, key=key, position=position, is_correct=True, text=f"P{key}", match_text=f"A{key}"
        )
    forget_catalog()
    cohort = CohortFactory()
    learners = members(cohort, 4)
    for learner, chosen, value, matches in zip(
        learners,
        (["a", "c"], ["a", "b"], ["b"], ["a", "b", "c"]),
        (54.0, 56.1, 12, 54.2),
        ({"a": "a", "b": "b"}, {"a": "b", "b": "a"}, {"a": "a", "b": "a"}, {"a": "a", "b": "b"}),
        strict=True,
    ):
        answer(learner, multiple, {"choices": chosen}, NOW)
        answer(learner, numeric, {"value": value}, NOW)
        answer(learner, matching, {"matches": matches}, NOW)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["protocol"])

    items = by_qid(item_analysis(assignment=assignment, snapshot=catalog()))

    shares = {o.key: o.count for o in items["prot-multi"].options}
    assert shares == {"a": 3, "b": 3, "c": 2, "d": 0}
    assert items["prot-multi"].misconceptions == ("mis-b",)
    values = [(o.key, o.count) for o in items["prot-num"].options]
    assert values == [("answer", 2), ("error-1", 1), ("", 1)]
    assert items["prot-num"].misconceptions == ("review-rounding",)
    assert [(o.key, o.count) for o in items["prot-match"].options] == [("a", 3), ("b", 2)]
    assert items["prot-match"].option_kind == "part" and items["prot-match"].top_wrong == ()


def test_item_analysis_runs_three_queries(cohort_of_four, django_assert_num_queries):
    snapshot = catalog()
    # the cohort's tallies; first-attempt scores for discrimination; the members behind misconceptions
    with django_assert_num_queries(3):
        item_analysis(assignment=cohort_of_four, snapshot=snapshot)


def test_misconceptions_name_the_learners_behind_them_and_practice_can_be_assigned(client, cohort_of_four):
    from django.urls import reverse

    from tutor.study.models import LearnerMisconception, PracticeTest

    assignment = cohort_of_four
    analysis = item_analysis(assignment=assignment, snapshot=catalog())
    row = analysis.misconceptions[0]
    members = list(assignment.cohort.memberships.select_related("learner"))
    holder, over_it = members[0].learner, members[1].learner
    outsider = UserFactory()
    LearnerMisconception.objects.all().delete()  # the fixture's answers recorded some: start from a known state
    for learner, right_since in ((holder, 0), (over_it, 2), (outsider, 0)):
        LearnerMisconception.objects.create(learner=learner, slug=row.tag, times_chosen=3, right_since=right_since,
                                            first_chosen_at=NOW, last_chosen_at=NOW)  # fmt: skip

    row = next(r for r in item_analysis(assignment=assignment, snapshot=catalog()).misconceptions if r.tag == row.tag)
    assert {learner.learner_id for learner in row.learners} == {holder.pk, over_it.pk}
    assert (row.learner_count, row.active_count) == (2, 1)
    assert [learner.learner_id for learner in row.learners if learner.is_active] == [holder.pk]

    client.force_login(assignment.cohort.owner)
    page = client.get(reverse("cohorts:item_analysis", args=[assignment.pk])).content.decode()
    assert holder.username in page and "Assign practice on this idea" in page
    response = client.post(reverse("cohorts:assign_misconception_practice", args=[assignment.pk, row.tag]))

    assert response.status_code == 302
    assert list(PracticeTest.objects.values_list("learner_id", flat=True)) == [holder.pk]


def test_an_option_line_marks_right_and_chosen_wrong_options_and_names_the_idea_behind_the_top_wrong_one():
    right = OptionShare("a", "Answer A", 5, 0.5, True, "", "")
    top = OptionShare("b", "Answer B " + "long " * 20, 3, 0.3, False, "mis-b", "A wrong idea")
    other = OptionShare("c", "Answer C", 2, 0.2, False, "mis-c", "")
    unchosen = OptionShare("d", "Answer D", 0, 0.0, False, "mis-d", "")

    lines = [option_line(o, option_kind="option", top_wrong=(top,)) for o in (right, top, other, unchosen)]

    assert [(line.css_class, line.mark, line.mark_words) for line in lines] == [
        ("is-right", "✓", "Right answer: "),
        ("is-wrong", "✗", "Wrong answer chosen: "),
        ("is-wrong", "✗", "Wrong answer chosen: "),
        ("", "", ""),
    ]
    assert [(line.share, line.meter) for line in lines[:2]] == [("50%", "0.5000"), ("30%", "0.3000")]
    assert lines[1].label.endswith("…") and len(lines[1].label) == 70
    assert [line.idea for line in lines] == ["", "A wrong idea", "", ""]  # only the most chosen wrong one's idea


def test_parts_carry_no_right_or_wrong_mark():
    right_part = OptionShare("a", "Pa", 3, 0.75, True)
    missed_part = OptionShare("b", "Pb", 1, 0.25, False)

    lines = [option_line(o, option_kind="part", top_wrong=()) for o in (right_part, missed_part)]

    assert [(line.css_class, line.mark) for line in lines] == [("", ""), ("is-wrong", "")]


def test_item_rows_word_each_attempted_question_for_the_table(cohort_of_four):
    analysis = item_analysis(assignment=cohort_of_four, snapshot=catalog())

    q1 = item_rows(analysis.attempted_items)[0]

    assert (q1.qid, q1.stem, q1.section_url) == (
        "history-001",
        "History: question 1?",
        analysis.items[0].question.section_url,
    )
    assert (q1.attempts, q1.facility, q1.discrimination, q1.flagged) == ("4 attempts", "50%", "0.71", False)
    assert [(o.label, o.share, o.idea) for o in q1.headline] == [
        ("Answer B", "25%", "history-error-b"),
        ("Answer C", "25%", "history-error-c"),
    ]
    assert [(o.label, o.css_class) for o in q1.others] == [("Answer A", "is-right")]
    assert q1.not_chosen == "Answer D"


def test_questions_no_one_attempted_are_named_with_their_section(bank):
    cohort = CohortFactory()
    members(cohort, 1)
    analysis = item_analysis(assignment=AssignmentFactory(cohort=cohort, module_slugs=["history"]), snapshot=catalog())

    rows = unattempted_rows(analysis.unattempted_items)

    assert [(row.qid, row.stem) for row in rows] == [(f"history-00{n}", f"History: question {n}?") for n in (1, 2, 3)]
    assert rows[0].section_url == analysis.items[0].question.section_url


def test_an_option_line_is_drawn_as_the_list_item_the_page_always_drew_with_its_text_escaped():
    chosen = OptionShare("b", "Dose <5 mg", 3, 0.3, False, "mis-b", "Less & more")
    right = OptionShare("a", "Answer A", 5, 0.5, True)

    wrong_html = option_line(chosen, option_kind="option", top_wrong=(chosen,)).html
    right_html = option_line(right, option_kind="option", top_wrong=(chosen,)).html
    both = options_html([option_line(o, option_kind="option", top_wrong=()) for o in (chosen, right)])

    assert parse_html(wrong_html) == parse_html(
        '<li class="is-wrong"><span class="share">30%</span>'
        '<meter min="0" max="1" value="0.3000" aria-hidden="true"></meter>'
        '<span class="option-label"><span class="mark" aria-hidden="true">✗</span>'
        '<span class="visually-hidden">Wrong answer chosen: </span>Dose &lt;5 mg <span class="option-idea">'
        '<span class="visually-hidden">; misconception: </span>Less &amp; more</span></span></li>'
    )
    assert parse_html(right_html) == parse_html(
        '<li class="is-right"><span class="share">50%</span>'
        '<meter min="0" max="1" value="0.5000" aria-hidden="true"></meter>'
        '<span class="option-label"><span class="mark" aria-hidden="true">✓</span>'
        '<span class="visually-hidden">Right answer: </span>Answer A</span></li>'
    )
    assert len(parse_html(both).children) == 2 and "option-idea" not in both


def test_each_distinct_answer_is_marked_once_per_content_revision_not_once_per_visit(cohort_of_four, monkeypatch):
    module = importlib.import_module("tutor.cohorts.selectors.item_analysis")
    marked = []
    real = module._counted_keys
    monkeypatch.setattr(module, "_counted_keys", lambda question, text: marked.append(text) or real(question, text))
    snapshot = catalog()

    first = item_analysis(assignment=cohort_of_four, snapshot=snapshot)
    count_after_first = len(marked)
    second = item_analysis(assignment=cohort_of_four, snapshot=snapshot)

    assert count_after_first > 0
    assert len(marked) == count_after_first
    assert [o.count for i in second.items for o in i.options] == [o.count for i in first.items for o in i.options]


def test_an_item_row_is_drawn_as_the_table_row_the_page_always_drew():
    wrong = OptionLine("is-wrong", "25%", "0.2500", "✗", "Wrong answer chosen: ", "B & C", "")
    right = OptionLine("is-right", "75%", "0.7500", "✓", "Right answer: ", "A", "")
    row = ItemRow(
        qid="q-1",
        flagged=True,
        stem="Why <this>?",
        type_label="Single best answer",
        section_url="/modules/m/#s",
        section_title="S",
        attempts="4 attempts",
        facility="75%",
        discrimination="",
        headline=(wrong,),
        others=(right,),
        not_chosen="D; E",
        shares_note="Parts right.",
    )
    quiet = ItemRow("q-2", False, "Easy", "Numeric", "/m/#s", "S", "1 attempt", "100%", "0.10", (), (), "", "")

    assert parse_html(row.html) == parse_html(
        '<tr id="item-q-1" class="is-flagged"><th scope="row" class="item-question">'
        '<span class="item-stem">Why &lt;this&gt;?</span>'
        '<span class="item-meta muted">q-1 · Single best answer · <a href="/modules/m/#s">S</a></span></th>'
        '<td class="item-figures"><span>4 attempts</span> <span>75% right</span> <span>discrimination '
        '<span class="muted" title="Needs two or more learners whose scores vary">—</span></span> '
        '<span class="tag tag-warn">check this question</span></td><td class="item-answers">'
        f'<ul class="option-shares">{wrong.html}</ul>'
        '<details class="other-options"><summary>Every answer</summary>'
        f'<ul class="option-shares">{right.html}</ul><p class="muted shares-note">Not chosen: D; E</p></details>'
        '<p class="muted shares-note">Parts right.</p></td></tr>'
    )
    assert parse_html(quiet.html) == parse_html(
        '<tr id="item-q-2"><th scope="row" class="item-question"><span class="item-stem">Easy</span>'
        '<span class="item-meta muted">q-2 · Numeric · <a href="/m/#s">S</a></span></th>'
        '<td class="item-figures"><span>1 attempt</span> <span>100% right</span> <span>discrimination 0.10</span></td>'
        '<td class="item-answers"><p class="shares-note">Every attempt was right.</p></td></tr>'
    )


def test_an_unchanged_assignment_is_worked_out_and_drawn_once_and_a_new_answer_draws_it_afresh(
    cohort_of_four, bank, answer
):
    from tutor.cohorts.selectors import drawn_items

    first = item_analysis(assignment=cohort_of_four, snapshot=catalog())
    second = item_analysis(assignment=cohort_of_four, snapshot=catalog())
    assert second.table is first.table and drawn_items(second) is drawn_items(first)

    newcomer = MembershipFactory(cohort=cohort_of_four.cohort).learner
    answer(newcomer, bank.history_questions[0], "a", NOW)
    third = item_analysis(assignment=cohort_of_four, snapshot=catalog())

    assert third.table is not first.table
    assert (by_qid(third)["history-001"].attempts, by_qid(first)["history-001"].attempts) == (5, 4)
    assert "5 attempts" in drawn_items(third).rows_html and "5 attempts" not in drawn_items(first).rows_html


@pytest.mark.parametrize("slug", ["idea", 'odd "slug" \\ with, commas'])
def test_the_members_holding_an_idea_are_named_in_order_with_whether_they_still_hold_it(
    django_assert_num_queries, slug
):
    from tutor.cohorts.selectors.item_analysis import members_holding
    from tutor.study.misconceptions import learners_holding
    from tutor.study.models import LearnerMisconception

    cohort = CohortFactory()
    learners = [
        MembershipFactory(cohort=cohort, learner=UserFactory(username=n)).learner for n in ("cara", "abe", "bo")
    ]
    outsider = UserFactory(username="aaron")  # not a member: never named
    for learner, times, right_since in zip([*learners, outsider], (2, 5, 2, 9), (0, 0, 3, 0), strict=True):
        LearnerMisconception.objects.create(
            learner=learner, slug=slug, times_chosen=times, right_since=right_since, first_chosen_at=NOW,
            last_chosen_at=NOW,
        )  # fmt: skip
    LearnerMisconception.objects.create(
        learner=learners[0], slug="other", times_chosen=1, first_chosen_at=NOW, last_chosen_at=NOW
    )

    with django_assert_num_queries(1):
        named = members_holding(cohort_id=cohort.pk, slugs=[slug])

    assert list(named) == [slug]
    assert [(h.username, h.times_chosen, h.is_active) for h in named[slug].named] == [
        ("abe", 5, True),
        ("cara", 2, True),
        ("bo", 2, False),
    ]
    assert (named[slug].count, named[slug].active) == (3, 2)
    ids = [learner.pk for learner in learners]
    assert [h.learner_id for h in named[slug].named] == [
        row.learner_id for row in learners_holding(learner_ids=ids, slugs=[slug])[slug]
    ]
    assert members_holding(cohort_id=cohort.pk, slugs=[]) == {}


def test_only_the_first_members_holding_an_idea_leave_the_database_and_the_rest_are_counted(bank):
    from tutor.cohorts.selectors.item_analysis import LEARNERS_NAMED, members_holding
    from tutor.study.models import LearnerMisconception

    cohort = CohortFactory()
    for n in range(LEARNERS_NAMED + 4):
        learner = MembershipFactory(cohort=cohort, learner=UserFactory(username=f"m{n:02}")).learner
        LearnerMisconception.objects.create(
            learner=learner, slug="idea", times_chosen=1, right_since=n % 3, first_chosen_at=NOW, last_chosen_at=NOW
        )

    holders = members_holding(cohort_id=cohort.pk, slugs=["idea", "unchosen"])["idea"]

    assert [h.username for h in holders.named] == ["m00", "m03", "m06", "m09", "m01", "m04"]  # still holding first
    assert (holders.count, holders.active) == (LEARNERS_NAMED + 4, 4)


# The misconceptions table's rows as the template drew them before they were written in Python.
MISCONCEPTION_ROWS_AS_THE_TEMPLATE_DREW_THEM = """{% for m in rows %}
<tr>
  <th scope="row"><span class="misconception">{{ m.label }}</span></th>
  <td data-label="Wrong answers">{{ m.times }} in {% for q in m.questions %}<a href="#item-{{ q.qid }}">{{ q.qid }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}</td>
  <td data-label="Learners">{% for l in m.learners %}{{ l.name }} <span class="muted">(×{{ l.times_chosen }}{% if not l.is_active %}, since answered right{% endif %})</span>{% if not forloop.last %}, {% endif %}{% endfor %}{% if m.learners_not_named %} and {{ m.learners_not_named }} more{% endif %}{% if m.active_count %}<form method="post" action="{% url 'cohorts:assign_misconception_practice' assignment_id m.tag %}" class="inline-form">{% csrf_token %}<button type="submit" class="button button-small">Assign practice on this idea ({{ m.active_count }})</button></form>{% else %}{% if m.learner_count %} · {% endif %}<span class="muted">no one holds it now</span>{% endif %}</td>
</tr>
{% endfor %}"""  # noqa: E501, RUF001


def test_misconception_rows_are_drawn_as_the_template_drew_them_with_names_escaped():
    from types import SimpleNamespace

    from django.template import engines

    from tutor.cohorts.selectors import misconception_rows_html
    from tutor.cohorts.selectors.item_analysis import LEARNERS_NAMED, MisconceptionLearner, MisconceptionRow

    question = SimpleNamespace(qid="risk-3")
    learners = tuple(MisconceptionLearner(n, f"<b>learner {n}</b>", n + 1, n % 2 == 0) for n in range(LEARNERS_NAMED))
    rows = [
        MisconceptionRow(
            "mdma-is-an-ssri", 9, (question, SimpleNamespace(qid="risk-4")), "MDMA is an SSRI", learners, 8, 4
        ),
        MisconceptionRow("over-it", 2, (question,), "Someone's idea & more", learners[1:2], 1, 0),
        MisconceptionRow("no-one", 1, (question,), "No one named", ()),
        *[MisconceptionRow(f"idea-{n}", 1, (question,), f"Idea {n}") for n in range(9)],
    ]
    token = "t" * 64

    drawn = misconception_rows_html(rows, assignment_id=7, csrf_token=token)
    expected = (
        engines["django"]
        .from_string(MISCONCEPTION_ROWS_AS_THE_TEMPLATE_DREW_THEM)
        .render({"rows": rows[:12], "assignment_id": 7, "csrf_token": token})
    )

    assert parse_html(drawn) == parse_html(expected)
    assert drawn.count("<tr>") == 12
    assert "<b>" not in drawn and "&lt;b&gt;learner 0&lt;/b&gt;" in drawn
    assert "and 2 more" in drawn and "Assign practice on this idea (4)" in drawn
    assert drawn.count('name="csrfmiddlewaretoken"') == 1  # only where someone still holds the idea
