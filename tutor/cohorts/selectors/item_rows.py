"""The item analysis page's rows, every value already in words: each question and option worded once in Python and
written by a method named `html` beside its data (a page draws about 130 options; the template engine's lookups for
each cost more than the analysis itself). They escape with `tutor.web.html_rows.esc`, as autoescaping does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from tutor.catalog.snapshot import QuestionView
from tutor.cohorts.selectors.item_analysis import ItemAnalysis, ItemStats, MisconceptionRow
from tutor.questions.base import OptionShare, plain_label
from tutor.web.html_rows import esc, html_join, url_around
from tutor.web.number_formats import percent


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


@dataclass(frozen=True, slots=True)
class DrawnItems:
    """The item table as the page draws it: the attempted questions' rows, written out, and those not attempted."""

    rows: list[ItemRow]
    rows_html: SafeString
    unattempted: list[UnattemptedRow]


def drawn_items(analysis: ItemAnalysis) -> DrawnItems:
    """The page's rows, made once per item table: an unchanged table (see `remembered_item_table`) is drawn once."""
    drawn = analysis.table.drawn if analysis.table is not None else {}
    if "items" not in drawn:
        rows = item_rows(analysis.attempted_items)
        drawn["items"] = DrawnItems(
            rows, html_join(row.html for row in rows), unattempted_rows(analysis.unattempted_items)
        )
    return drawn["items"]


def misconception_rows_html(rows: Iterable[MisconceptionRow], *, assignment_id: int, csrf_token: str) -> SafeString:
    """The misconceptions table's rows (the analysis keeps the dozen most chosen ideas): each idea, the questions
    where it was chosen, the members behind it, and a form to assign them practice on it while any still holds it.
    Written here rather than by the template: a dozen rows, each with two lists and a form, cost the template engine
    more than the rest of the page (`csrf_token` is the request's, as the template's tag writes it)."""
    before, after = url_around("cohorts:assign_misconception_practice", assignment_id)
    token = esc(csrf_token)
    drawn = []
    for row in rows:
        questions = ", ".join(f'<a href="#item-{esc(q.qid)}">{esc(q.qid)}</a>' for q in row.questions)
        learners = ", ".join(
            f'{esc(learner.name)} <span class="muted">(\u00d7{learner.times_chosen}'
            f"{'' if learner.is_active else ', since answered right'})</span>"
            for learner in row.learners
        )
        if row.learners_not_named:
            learners += f" and {row.learners_not_named} more"
        active = row.active_count
        if active:
            learners += (
                f'<form method="post" action="{before}{esc(row.tag)}{after}" class="inline-form">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                f'<button type="submit" class="button button-small">Assign practice on this idea ({active})</button>'
                "</form>"
            )
        else:
            learners += f'{" · " if row.learner_count else ""}<span class="muted">no one holds it now</span>'
        drawn.append(
            f'<tr>\n<th scope="row"><span class="misconception">{esc(row.label)}</span></th>\n'
            f'<td data-label="Wrong answers">{row.times} in {questions}</td>\n'
            f'<td data-label="Learners">{learners}</td>\n</tr>\n'
        )
    return html_join(drawn)
