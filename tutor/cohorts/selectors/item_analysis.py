"""Item analysis of an assignment: facility, discrimination, options chosen and misconceptions, per question."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q, Sum, TextChoices
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.cohorts.item_tallies import canonical_answer
from tutor.cohorts.models import Assignment, ItemAnswerTally
from tutor.cohorts.selectors.access import (
    member_ids,
)
from tutor.cohorts.selectors.statuses import (
    assignment_questions,
)
from tutor.questions.base import OptionShare, plain_label
from tutor.study.item_statistics import (  # noqa: F401  (re-exported: the cohorts' selectors name them)
    DISCRIMINATION_FLAG,
    DISCRIMINATION_MIN_ATTEMPTS,
    discrimination_by_question,
    pearson,
)
from tutor.study.marking import mark_answer
from tutor.study.misconceptions import holders_named
from tutor.study.models import MemoryState, ReviewLog
from tutor.web.html_rows import esc, html_join
from tutor.web.number_formats import percent


class AttemptKind(TextChoices):
    FIRST = "first", "First attempts"
    LATEST = "latest", "Latest attempts"


@dataclass(frozen=True)
class ItemStats:
    question: QuestionView
    attempts: int
    right: int
    mean_score: float | None
    discrimination: float | None
    options: tuple[OptionShare, ...]
    option_kind: str
    # What the shares are of, when it needs saying (matching and ordering count the parts answered right).
    shares_note: str = ""

    @property
    def stem_text(self) -> str:
        """The stem without Markdown marks, for tables and exports."""
        return plain_label(self.question.stem, limit=10_000)

    @property
    def facility(self) -> float | None:
        """Share of attempts answered right."""
        return self.right / self.attempts if self.attempts else None

    @property
    def flagged(self) -> bool:
        """Discrimination too weak to trust the item, with enough attempts to say so."""
        return (
            self.discrimination is not None
            and self.attempts >= DISCRIMINATION_MIN_ATTEMPTS
            and self.discrimination <= DISCRIMINATION_FLAG
        )

    @property
    def top_wrong(self) -> tuple[OptionShare, ...]:
        """The most chosen wrong option(s), ties included."""
        wrong = [o for o in self.options if not o.is_correct and o.count and o.key]
        most = max((o.count for o in wrong), default=0)
        return tuple(o for o in wrong if o.count == most)

    @property
    def misconceptions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.misconception for o in self.top_wrong if o.misconception))

    @property
    def shown_options(self) -> tuple[OptionShare, ...]:
        """What the page draws: the right options and every option someone chose (every part, for items scored
        part by part), so that a long list of untouched distractors does not stretch the page."""
        if self.option_kind == "part":
            return self.options
        return tuple(o for o in self.options if o.is_correct or o.count)

    @property
    def headline_options(self) -> tuple[OptionShare, ...]:
        """The options always in view: the most chosen wrong one(s) (the facility already says how many were right);
        every part, for items scored part by part."""
        if self.option_kind == "part":
            return self.options
        return self.top_wrong

    @property
    def other_options(self) -> tuple[OptionShare, ...]:
        """The other options someone chose, folded away under the headline ones."""
        headline = set(map(id, self.headline_options))
        return tuple(o for o in self.shown_options if id(o) not in headline)

    @property
    def unchosen_labels(self) -> tuple[str, ...]:
        """The wrong options no one chose, named in one line."""
        shown = set(map(id, self.shown_options))
        return tuple(o.label for o in self.options if id(o) not in shown)

    @property
    def misconception_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.misconception_label for o in self.top_wrong if o.misconception))


def _counted_keys(question: QuestionView, answer_text: str) -> tuple[str, ...]:
    """The option keys one distinct answer counts for, marked once however many learners gave it."""
    try:
        answer = json.loads(answer_text)
        if question.type_spec.choice_in_answer:
            return (str(answer.get("choice") or ""),) if isinstance(answer, dict) else ("",)
        return question.type_spec.counted_keys(mark_answer(question, answer))
    except (KeyError, TypeError, ValueError, AttributeError):
        return ()  # an answer stored under an older revision of the question: counted in totals only


def counted_keys(snapshot: CatalogSnapshot, question: QuestionView, answer_text: str) -> tuple[str, ...]:
    """`_counted_keys`, worked out once per content revision: the same distinct answers come back on every visit."""
    return snapshot.remembered(
        ("counted_keys", question.id, question.revision, answer_text), lambda: _counted_keys(question, answer_text)
    )


LEARNERS_NAMED = 6


@dataclass(frozen=True)
class MisconceptionLearner:
    """A cohort member who has chosen the idea, across all their answers."""

    learner_id: int
    name: str
    times_chosen: int
    is_active: bool


@dataclass(frozen=True)
class MisconceptionRow:
    tag: str
    times: int
    questions: tuple[QuestionView, ...]
    label: str = ""
    learners: tuple[MisconceptionLearner, ...] = ()

    @property
    def active_learners(self) -> tuple[MisconceptionLearner, ...]:
        return tuple(learner for learner in self.learners if learner.is_active)

    @property
    def learners_named(self) -> tuple[MisconceptionLearner, ...]:
        """The learners named in the table; the rest are counted (a large cohort would fill the page)."""
        return self.learners[:LEARNERS_NAMED]

    @property
    def learners_not_named(self) -> int:
        return max(len(self.learners) - LEARNERS_NAMED, 0)


@dataclass(frozen=True)
class ItemAnalysis:
    assignment: Assignment
    kind: str
    items: list[ItemStats]
    misconceptions: list[MisconceptionRow]

    @property
    def flagged_count(self) -> int:
        return sum(1 for item in self.items if item.flagged)

    @property
    def attempted_items(self) -> list[ItemStats]:
        return [item for item in self.items if item.attempts]

    @property
    def unattempted_items(self) -> list[ItemStats]:
        return [item for item in self.items if not item.attempts]


def item_analysis(*, assignment: Assignment, snapshot: CatalogSnapshot, kind: str = AttemptKind.FIRST) -> ItemAnalysis:
    """Per-question statistics over the cohort's current learners, one attempt per learner and question.

    First attempts (the default) are the answers given while the card was new, before any feedback, as a test
    would see them; latest attempts show what the cohort answers now. Three queries at most:
      1. the distinct answers with how many gave each, how many were right and their summed score: for first
         attempts the cohort's `ItemAnswerTally` rows, kept as answers are recorded; for latest attempts grouped
         from the members' latest logs. Each distinct answer is marked once, by its question's type;
      2. (learner, question, score) rows for the discrimination index, which needs each learner's total (first
         attempts through the partial index on them): at most learners times questions of the assignment;
      3. the members who have chosen each misconception (their own running counts), when any was chosen.
    """
    questions = assignment_questions(assignment, snapshot)
    question_ids = [q.id for q in questions]
    members = member_ids(assignment.cohort_id)
    if kind == AttemptKind.LATEST:
        newer = ReviewLog.objects.filter(learner_id=OuterRef("learner_id"), question_id=OuterRef("question_id")).filter(
            Q(reviewed_at__gt=OuterRef("reviewed_at")) | Q(reviewed_at=OuterRef("reviewed_at"), id__gt=OuterRef("id"))
        )
        logs = ReviewLog.objects.filter(learner_id__in=members, question_id__in=question_ids).filter(~Exists(newer))
        grouped = (
            logs.values_list("question_id", "answer")
            .annotate(n=Count("id"), right=Count("id", filter=Q(correct=True)), score_sum=Sum("score"))
            .order_by()
        )
        answers = [(q, canonical_answer(answer), n, right, score) for q, answer, n, right, score in grouped]
    else:
        # First attempts: the cohort's tallies, kept as answers are recorded (identical answers already grouped).
        logs = ReviewLog.objects.filter(
            learner_id__in=members, question_id__in=question_ids, state_before=MemoryState.NEW
        )
        answers = list(
            ItemAnswerTally.objects.filter(cohort_id=assignment.cohort_id, question_id__in=question_ids).values_list(
                "question_id", "answer", "attempts", "correct", "score_sum"
            )
        )
    totals: dict[int, dict] = defaultdict(lambda: {"attempts": 0, "right": 0, "score_sum": 0.0})
    counts: dict[int, Counter] = defaultdict(Counter)
    for question_id, answer_text, n, right, score_sum in answers:
        total = totals[question_id]
        total["attempts"] += n
        total["right"] += right
        total["score_sum"] += score_sum or 0.0
        question = snapshot.questions.get(question_id)
        if question is not None:
            for key in counted_keys(snapshot, question, answer_text):
                counts[question_id][key] += n
    discrimination = discrimination_by_question(
        logs.values_list("learner_id", "question_id", "score").order_by(), question_ids
    )

    items = []
    times_by_tag: Counter[str] = Counter()
    questions_by_tag: dict[str, dict[int, QuestionView]] = defaultdict(dict)
    label_by_tag: dict[str, str] = {}
    for question in questions:
        row = totals.get(question.id, {})
        attempts = row.get("attempts", 0)
        mean_score = row["score_sum"] / attempts if attempts else None
        spec = question.type_spec
        options = spec.option_shares(question, counts[question.id], attempts)
        items.append(
            ItemStats(
                question=question,
                attempts=attempts,
                right=row.get("right", 0),
                mean_score=mean_score,
                discrimination=discrimination.get(question.id),
                options=options,
                option_kind=spec.share_kind,
                shares_note=spec.shares_note,
            )
        )
        for option in options:
            if not option.is_correct and option.count and option.misconception:
                times_by_tag[option.misconception] += option.count
                questions_by_tag[option.misconception][question.id] = question
                label_by_tag[option.misconception] = option.misconception_label or option.misconception
    holding = holders_named(learner_ids=members, slugs=list(times_by_tag)) if times_by_tag else {}
    misconceptions = sorted(
        (
            MisconceptionRow(
                tag,
                times,
                tuple(questions_by_tag[tag].values()),
                label_by_tag[tag],
                tuple(
                    MisconceptionLearner(holder.learner_id, holder.username, holder.times_chosen, holder.is_active)
                    for holder in holding.get(tag, ())
                ),
            )
            for tag, times in times_by_tag.items()
        ),
        key=lambda r: (-r.times, r.tag),
    )
    return ItemAnalysis(assignment=assignment, kind=kind, items=items, misconceptions=misconceptions)


# --- The page's rows, every value already in words -------------------------------------------------------------
# The template only places these: a page of 35 questions and 130 options otherwise costs more in template lookups,
# filters and repeated properties (`top_wrong` for every option) than the analysis itself.


@lru_cache(maxsize=8192)
def truncated(text: str, length: int) -> str:
    """Django's `truncatechars`, remembered: the same stems and labels come back on every request."""
    return Truncator(text).chars(length)


@dataclass(frozen=True, slots=True)
class OptionLine:
    """One option (or part, or value) of an item, worded for the page."""

    css_class: str
    share: str
    meter: str
    mark: str
    mark_words: str
    label: str
    idea: str

    @property
    def html(self) -> SafeString:
        """The option's list item. Written here rather than as a template partial: a page draws 130 of them, and
        the template engine's lookups for each cost more than the rest of the page."""
        mark = (
            f'<span class="mark" aria-hidden="true">{esc(self.mark)}</span>'
            f'<span class="visually-hidden">{esc(self.mark_words)}</span>'
            if self.mark
            else ""
        )
        idea = (
            f' <span class="option-idea"><span class="visually-hidden">; misconception: </span>{esc(self.idea)}</span>'
            if self.idea
            else ""
        )
        return html_join(
            (
                f'<li class="{esc(self.css_class)}">\n  <span class="share">{esc(self.share)}</span>\n',
                f'  <meter min="0" max="1" value="{esc(self.meter)}" aria-hidden="true"></meter>\n',
                f'  <span class="option-label">{mark}{esc(self.label)}{idea}</span>\n</li>',
            )
        )


def options_html(lines: Iterable[OptionLine]) -> SafeString:
    """The items of one list of options, in order."""
    return html_join(line.html for line in lines)


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One question of the item table (or of the list of questions not attempted yet), worded for the page."""

    qid: str
    flagged: bool
    stem: str
    type_label: str
    section_url: str
    section_title: str
    attempts: str
    facility: str
    discrimination: str
    headline: tuple[OptionLine, ...]
    others: tuple[OptionLine, ...]
    not_chosen: str
    shares_note: str

    @property
    def html(self) -> SafeString:
        """The question's table row (see `OptionLine.html` for why it is written here)."""
        flagged = ' class="is-flagged"' if self.flagged else ""
        discrimination = (
            esc(self.discrimination)
            if self.discrimination
            else '<span class="muted" title="Needs two or more learners whose scores vary">—</span>'
        )
        check = ' <span class="tag tag-warn">check this question</span>' if self.flagged else ""
        headline = (
            f'<ul class="option-shares">{options_html(self.headline)}</ul>'
            if self.headline
            else '<p class="shares-note">Every attempt was right.</p>'
        )
        others = ""
        if self.others or self.not_chosen:
            shown = f'<ul class="option-shares">{options_html(self.others)}</ul>' if self.others else ""
            not_chosen = (
                f'<p class="muted shares-note">Not chosen: {esc(self.not_chosen)}</p>' if self.not_chosen else ""
            )
            others = (
                '\n              <details class="other-options">\n                <summary>Every answer</summary>\n'
                f"                {shown}\n                {not_chosen}\n              </details>\n            "
            )
        note = f'<p class="muted shares-note">{esc(self.shares_note)}</p>' if self.shares_note else ""
        return html_join(
            (
                f'<tr id="item-{esc(self.qid)}"{flagged}>\n',
                '          <th scope="row" class="item-question">\n',
                f'            <span class="item-stem">{esc(self.stem)}</span>\n',
                f'            <span class="item-meta muted">{esc(self.qid)} · {esc(self.type_label)} · ',
                f'<a href="{esc(self.section_url)}">{esc(self.section_title)}</a></span>\n',
                "          </th>\n",
                f'          <td class="item-figures"><span>{esc(self.attempts)}</span> ',
                f"<span>{esc(self.facility)} right</span> <span>discrimination {discrimination}</span>{check}</td>\n",
                '          <td class="item-answers">\n',
                f"            {headline}\n",
                f"            {others}\n",
                f"            {note}\n",
                "          </td>\n",
                "        </tr>",
            )
        )


def option_line(option: OptionShare, *, option_kind: str, top_wrong: tuple[OptionShare, ...]) -> OptionLine:
    """An option's share, its mark (right, or wrong and chosen; none for parts) and the idea behind it when it is
    among the most chosen wrong ones."""
    by_part = option_kind == "part"
    if option.is_correct and not by_part:
        css_class, mark, mark_words = "is-right", "✓", "Right answer: "
    elif not option.is_correct and option.count:
        css_class, mark, mark_words = "is-wrong", "✗", "Wrong answer chosen: "
    else:
        css_class, mark, mark_words = "", "", ""
    if by_part:
        mark, mark_words = "", ""
    idea = (option.misconception_label or option.misconception) if option.misconception and option in top_wrong else ""
    return OptionLine(
        css_class=css_class,
        share=percent(option.share),
        meter=f"{option.share:.4f}",
        mark=mark,
        mark_words=mark_words,
        label=truncated(option.label, 70),
        idea=idea,
    )


def _section_url(question: QuestionView, module_urls: dict[str, str]) -> str:
    """`question.section_url`, with the module's address reversed once per page rather than once per question."""
    if question.module_slug not in module_urls:
        module_urls[question.module_slug] = reverse("catalog:module_detail", kwargs={"slug": question.module_slug})
    return f"{module_urls[question.module_slug]}#{question.section_anchor}"


def item_rows(items: Iterable[ItemStats]) -> list[ItemRow]:
    """The item table's rows, in the items' order; each module's address is reversed once."""
    module_urls: dict[str, str] = {}
    rows = []
    for item in items:
        question = item.question
        top_wrong = item.top_wrong
        lines = {id(o): option_line(o, option_kind=item.option_kind, top_wrong=top_wrong) for o in item.options}
        rows.append(
            ItemRow(
                qid=question.qid,
                flagged=item.flagged,
                stem=truncated(plain_label(question.stem, limit=10_000), 110),
                type_label=question.type_label,
                section_url=_section_url(question, module_urls),
                section_title=question.section_title,
                attempts=f"{item.attempts} attempt{'' if item.attempts == 1 else 's'}",
                facility=percent(item.facility),
                discrimination=floatformat(item.discrimination, 2) if item.discrimination is not None else "",
                headline=tuple(lines[id(o)] for o in item.headline_options),
                others=tuple(lines[id(o)] for o in item.other_options),
                not_chosen="; ".join(truncated(label, 60) for label in item.unchosen_labels),
                shares_note=item.shares_note,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class UnattemptedRow:
    qid: str
    stem: str
    section_url: str
    section_title: str


def unattempted_rows(items: Iterable[ItemStats]) -> list[UnattemptedRow]:
    """The questions no one has attempted yet, named in a folded list."""
    module_urls: dict[str, str] = {}
    return [
        UnattemptedRow(
            qid=item.question.qid,
            stem=truncated(item.stem_text, 160),
            section_url=_section_url(item.question, module_urls),
            section_title=item.question.section_title,
        )
        for item in items
    ]
