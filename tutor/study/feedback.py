"""The tutor's feedback on one answer, gathered for the template: verdict, rationales, where it is taught, sources,
and when the question comes back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from tutor.catalog.snapshot import OptionView, QuestionView, catalog
from tutor.study.marking import Marking, PartResult, mark_answer
from tutor.study.models import Card, Rating, ReviewLog
from tutor.study.peer_shares import PeerShares
from tutor.study.review import LEECH_THRESHOLD
from tutor.study.scheduler import Memory, intervals_by_rating, short_interval


@dataclass(frozen=True)
class TutorFeedback:
    question: QuestionView
    log: ReviewLog
    marking: Marking
    comes_back: str
    comes_back_at: dt.datetime
    is_leech: bool
    lapses: int
    flagged: bool
    edited_since: bool
    can_rerate: bool
    # How long until the question comes back under each rating, as the buttons show it ("4 d"); empty when the
    # answer cannot be re-rated.
    previews: dict[int, str] = field(default_factory=dict)
    peers: PeerShares | None = None

    @property
    def verdict(self) -> str:
        return self.marking.verdict

    @property
    def explanation_html(self) -> SafeString:
        return question_reading(self.question, "explanation")

    @property
    def sources_html(self) -> SafeString:
        return question_reading(self.question, "sources")

    @property
    def headline(self) -> str:
        if self.marking.correct:
            return "Correct"
        if self.marking.partial:
            right = sum(part.correct for part in self.marking.parts)
            return f"Partly right: {right} of {len(self.marking.parts)} parts"
        return "Not quite"

    @property
    def chosen(self) -> tuple[OptionView, ...]:
        return self.marking.chosen

    @property
    def correct_options(self) -> tuple[OptionView, ...]:
        return self.question.correct_options

    @property
    def other_options(self) -> tuple[OptionView, ...]:
        """Options neither chosen nor correct, for "why the others are wrong"."""
        shown = {o.key for o in self.chosen} | {o.key for o in self.correct_options}
        return tuple(o for o in self.question.options if o.key not in shown)

    @property
    def peer_rows(self) -> list[tuple[OptionView, int, bool]]:
        """(option, % of learners who chose it first time, chosen by this learner) for each option."""
        if self.peers is None:
            return []
        mine = {option.key for option in self.chosen}
        return [(option, self.peers.percent.get(option.key, 0), option.key in mine) for option in self.question.options]

    @property
    def parts(self) -> tuple[PartResult, ...]:
        return self.marking.parts

    @property
    def details(self) -> dict:
        """What the type's feedback partial shows beyond the marking (the right value of a numeric item …)."""
        return self.question.type_spec.feedback_details(self.question, self.log.answer, self.marking)

    @property
    def ratings(self) -> list[tuple[int, str, str, bool, str]]:
        """(value, label, key, is current, interval preview) for the four rating buttons."""
        keys = {Rating.AGAIN: "1", Rating.HARD: "2", Rating.GOOD: "3", Rating.EASY: "4"}
        return [
            (value, label, keys[value], value == self.log.rating_in_force, self.previews.get(value, ""))
            for value, label in Rating.choices
        ]

    @property
    def rating_label(self) -> str:
        return Rating(self.log.rating_in_force).label

    @property
    def rated_by_learner(self) -> bool:
        """The learner chose a rating other than the one the answer gave (Hard or Easy for a right answer)."""
        return self.log.rating_in_force != Rating.GOOD if self.log.correct else False

    @property
    def leech_threshold(self) -> int:
        return LEECH_THRESHOLD


def when_it_comes_back(due: dt.datetime, now: dt.datetime, zone: dt.tzinfo) -> str:
    """A short phrase such as "in 10 minutes", "in 3 hours" or "in 4 days, on Fri 27 Nov"."""
    seconds = max(0, (due - now).total_seconds())
    if seconds < 90:
        return "in a minute"
    if seconds < 3600:
        return f"in {round(seconds / 60)} minutes"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    local = due.astimezone(zone)
    return f"in {days} day{'s' if days != 1 else ''}, on {local:%a} {local.day} {local:%b %Y}"


def tutor_feedback(
    *,
    question: QuestionView,
    log: ReviewLog,
    card: Card,
    flagged: bool,
    now: dt.datetime,
    zone: dt.tzinfo,
    desired_retention: float | None = None,
    peers: PeerShares | None = None,
) -> TutorFeedback:
    """`desired_retention`: the learner's, to preview each rating's interval on the buttons (none without it)."""
    # Only the answer the card carries now can be re-rated: decided by what was applied, never by clocks.
    latest = card.last_log_id == log.pk
    can_rerate = log.correct and latest
    previews = {}
    if can_rerate and desired_retention is not None:
        # As a rating change re-plans it: from the card as it was before the answer, at the answer's time.
        intervals = intervals_by_rating(
            card_id=card.pk,
            memory=Memory.from_json(log.card_before),
            reviewed_at=log.reviewed_at,
            desired_retention=desired_retention,
        )
        previews = {rating: short_interval(days) for rating, days in intervals.items()}
    return TutorFeedback(
        question=question,
        log=log,
        marking=_marking_of(question, log),
        comes_back=when_it_comes_back(log.due_in_force, now, zone),
        comes_back_at=log.due_in_force,
        is_leech=card.is_leech,
        lapses=card.lapses,
        flagged=flagged,
        edited_since=log.question_revision != question.revision,
        can_rerate=can_rerate,
        previews=previews,
        peers=peers,
    )


def _marking_of(question: QuestionView, log: ReviewLog) -> Marking:
    """Re-mark a stored answer; if the question was edited so that the answer no longer fits, keep the verdict."""
    try:
        return mark_answer(question, log.answer)
    except (KeyError, AttributeError, TypeError, ValueError):
        return Marking(correct=log.correct, score=log.score)


def question_reading(question: QuestionView, part: str) -> SafeString:
    """A part of the feedback that is the same for every answer to this version of the question ("explanation":
    what it teaches and where; "sources": what backs it), rendered once per content revision and address prefix
    rather than on every answer (the sources' links alone are a reversal each)."""
    key = ("feedback_reading", part, question.id, question.revision, get_script_prefix())
    html = catalog().rendered(key, lambda: render_to_string(f"study/_feedback_reading.html#{part}", {"q": question}))
    return mark_safe(html)  # rendered by the template engine, which escaped it
