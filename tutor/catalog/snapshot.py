"""The catalog held in memory between content loads.

Questions, options, sections and sources change only when `load_content` runs, so the study pages read them from an
immutable snapshot instead of querying them on every request. The snapshot is rebuilt when the newest ContentLoad
differs from the one it was built from; that is checked at most every few seconds per process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Subquery
from django.urls import reverse

from tutor.catalog.models import (
    ContentLoad,
    ItemReview,
    Misconception,
    Module,
    Option,
    Question,
    Section,
    Source,
    review_reason_text,
)
from tutor.catalog.rendering import render_inline
from tutor.catalog.source_labels import source_label
from tutor.questions.registry import question_type

if TYPE_CHECKING:
    from tutor.questions.base import QuestionTypeSpec

RECHECK_SECONDS = 5.0
# Values kept by `CatalogSnapshot.remembered` (distinct answers marked) before it stops keeping more.
REMEMBERED_MAX = 50_000


@dataclass(frozen=True)
class SourceView:
    key: str
    kind: str
    number: int | None
    title: str
    note: str
    citation: str
    certainty: str

    @property
    def label(self) -> str:
        return source_label(kind=self.kind, number=self.number, title=self.title)

    @property
    def is_secondary(self) -> bool:
        return self.certainty in {"secondary", "reported"}


@dataclass(frozen=True)
class OptionView:
    key: str
    text: str
    is_correct: bool
    rationale: str
    misconception: str
    match_text: str
    position: int
    numeric_value: float | None
    # The misconception in words (its slug when no label is defined), for feedback and item analysis.
    misconception_label: str = ""

    # The texts as shown (escaped, with their bold and italic marks), worked out the first time they are shown and
    # kept with the view: a view lives as long as its content revision, and an answer's feedback shows a dozen.
    @cached_property
    def text_html(self) -> str:
        return render_inline(self.text)

    @cached_property
    def rationale_html(self) -> str:
        return render_inline(self.rationale)


def ideas_of_wrong_options(options: tuple[OptionView, ...]) -> frozenset[str]:
    """The wrong ideas a question can catch: the misconceptions its wrong options embody (a right option's, if one
    is set, catches nothing)."""
    return frozenset(option.misconception for option in options if option.misconception and not option.is_correct)


@dataclass(frozen=True)
class QuestionView:
    id: int
    qid: str
    type: str
    type_label: str
    stem: str
    objective: str
    explanation: str
    difficulty: int
    bloom: str
    vignette: bool
    tags: tuple[str, ...]
    revision: int
    retired: bool
    module_id: int
    module_slug: str
    module_title: str
    section_anchor: str
    section_title: str
    options: tuple[OptionView, ...]
    sources: tuple[SourceView, ...]
    numeric_answer: float | None
    numeric_tolerance: float | None
    unit: str
    distractors: tuple[str, ...]
    order: int
    # Set while the item is in the editors' queue (an open ItemReview): why, in words. Such an item counts against
    # no learner and is not scheduled as new.
    under_review: str = ""
    # The wrong ideas the question can catch: the misconceptions of its wrong options. Worked out once here (from
    # `options`, so a copy made with other options has its own), not for each due card on every study page.
    ideas_targeted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ideas_targeted", ideas_of_wrong_options(self.options))

    @property
    def type_spec(self) -> QuestionTypeSpec:
        """What this question's type does (its form, marking, partials …), from the registry."""
        return question_type(self.type)

    @cached_property
    def stem_html(self) -> str:
        return render_inline(self.stem)

    @cached_property
    def objective_html(self) -> str:
        return render_inline(self.objective)

    @cached_property
    def explanation_html(self) -> str:
        return render_inline(self.explanation)

    @property
    def section_url(self) -> str:
        return f"{reverse('catalog:module_detail', kwargs={'slug': self.module_slug})}#{self.section_anchor}"

    def option(self, key: str) -> OptionView | None:
        return next((option for option in self.options if option.key == key), None)

    @property
    def correct_options(self) -> tuple[OptionView, ...]:
        return tuple(option for option in self.options if option.is_correct)

    @property
    def match_choices(self) -> tuple[tuple[str, str], ...]:
        """Matching items: every answer a learner may pick, as (choice id, text), sorted by text."""
        choices = [(option.key, option.match_text) for option in self.options]
        choices += [(f"extra-{index}", text) for index, text in enumerate(self.distractors, start=1)]
        return tuple(sorted(choices, key=lambda choice: choice[1].lower()))


@dataclass(frozen=True)
class ModuleView:
    id: int
    slug: str
    title: str
    order: int


@dataclass
class CatalogSnapshot:
    fingerprint: str
    questions: dict[int, QuestionView] = field(default_factory=dict)
    modules: dict[int, ModuleView] = field(default_factory=dict)
    # Worked out on first use and kept with the snapshot, so they are never stale: see `interleaved_order`, `rendered`.
    _orders: dict[tuple, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)
    _rendered: dict[tuple, str] = field(default_factory=dict, repr=False, compare=False)
    _remembered: dict[tuple, object] = field(default_factory=dict, repr=False, compare=False)
    _recent: OrderedDict[tuple, object] = field(default_factory=OrderedDict, repr=False, compare=False)
    _recent_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def live_questions(self) -> list[QuestionView]:
        return [q for q in self.questions.values() if not q.retired]

    @property
    def counted_questions(self) -> list[QuestionView]:
        """Live questions that count in learners' figures: all but those under editors' review."""
        return [q for q in self.questions.values() if not q.retired and not q.under_review]

    @property
    def under_review_ids(self) -> frozenset[int]:
        return frozenset(q.id for q in self.questions.values() if q.under_review)

    def interleaved_order(self, module_ids: frozenset[int], *, counted_only: bool = False) -> tuple[int, ...]:
        """Ids of the live questions of the given modules in the order new questions are introduced: one from each
        module in turn (modules and questions in course order, then in the order they were added). `counted_only`
        leaves out items under editors' review. Worked out once per content revision and set of modules, since the
        snapshot never changes."""
        key = (module_ids, counted_only)
        order = self._orders.get(key)
        if order is None:
            by_module: dict[int, list[int]] = {}
            for question in sorted(self.live_questions, key=lambda q: (q.order, q.id)):
                if question.module_id in module_ids and not (counted_only and question.under_review):
                    by_module.setdefault(question.module_id, []).append(question.id)
            modules = sorted(by_module, key=lambda module_id: self.modules[module_id].order)
            ordered: list[int] = []
            for rank in range(max((len(v) for v in by_module.values()), default=0)):
                ordered += [by_module[m][rank] for m in modules if rank < len(by_module[m])]
            order = self._orders[key] = tuple(ordered)
        return order

    def rendered(self, key: tuple, render: Callable[[], str]) -> str:
        """HTML that depends only on the catalog (a question's form), rendered once per content revision."""
        html = self._rendered.get(key)
        if html is None:
            html = self._rendered[key] = render()
        return html

    def remembered[T](self, key: tuple, work: Callable[[], T]) -> T:
        """A value that depends only on the catalog and the key (how one distinct answer to a question is marked),
        worked out once per content revision. At most REMEMBERED_MAX values are kept: past that, work is redone."""
        try:
            return self._remembered[key]
        except KeyError:
            value = work()
            if len(self._remembered) < REMEMBERED_MAX:
                self._remembered[key] = value
            return value

    def recent[T](self, key: tuple, work: Callable[[], T], *, keep: int = 32) -> T:
        """A value worked out from the catalog and data named in full by the key (an assignment's answer counts),
        kept while it is among the `keep` most recently used; new data makes a new key, never a stale value."""
        with self._recent_lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        value = work()
        with self._recent_lock:
            self._recent[key] = value
            while len(self._recent) > keep:
                self._recent.popitem(last=False)
        return value

    def question_by_qid(self, qid: str) -> QuestionView | None:
        if not hasattr(self, "_by_qid"):
            self._by_qid = {q.qid: q for q in self.questions.values()}
        return self._by_qid.get(qid)

    def module_by_slug(self, slug: str) -> ModuleView | None:
        return next((m for m in self.modules.values() if m.slug == slug), None)

    def module_choices(self) -> list[tuple[str, str]]:
        """(slug, title) of every module in course order: the choices of every form that picks modules."""
        return [(m.slug, m.title) for m in sorted(self.modules.values(), key=lambda m: m.order)]


def _catalog_key() -> str:
    """What the in-memory catalog is keyed by: the newest content load and the newest change to the editors'
    queue, in one query."""
    newest_review = ItemReview.objects.order_by("-changed_at").values("changed_at")[:1]
    latest = (
        ContentLoad.objects.order_by("-id")
        .annotate(review_changed=Subquery(newest_review))
        .values_list("id", "fingerprint", "review_changed")
        .first()
    )
    if latest is None:
        return "empty"
    return f"{latest[0]}:{latest[1]}:{latest[2].isoformat() if latest[2] else ''}"


def build_snapshot() -> CatalogSnapshot:
    """Read the whole catalog in eight queries."""
    snapshot = CatalogSnapshot(fingerprint=_catalog_key())
    for module in Module.objects.filter(retired=False).order_by("order"):
        snapshot.modules[module.pk] = ModuleView(module.pk, module.slug, module.title, module.order)
    all_modules = {m.pk: m for m in Module.objects.all()}
    sections = {s.pk: s for s in Section.objects.all()}
    sources = {
        s.pk: SourceView(s.key, s.kind, s.number, s.title, s.note, s.citation, s.certainty)
        for s in Source.objects.all()
    }
    labels = dict(Misconception.objects.values_list("slug", "label"))
    options: dict[int, list[OptionView]] = {}
    for option in Option.objects.order_by("question_id", "position"):
        options.setdefault(option.question_id, []).append(
            OptionView(
                option.key,
                option.text,
                option.is_correct,
                option.rationale,
                option.misconception,
                option.match_text,
                option.position,
                option.numeric_value,
                labels.get(option.misconception, option.misconception),
            )
        )
    question_sources: dict[int, list[SourceView]] = {}
    for question_id, source_id in Question.sources.through.objects.values_list("question_id", "source_id"):
        question_sources.setdefault(question_id, []).append(sources[source_id])
    under_review = {
        question_id: review_reason_text(reasons)
        for question_id, reasons in ItemReview.objects.open().values_list("question_id", "reasons")
    }
    for question in Question.objects.all():
        module, section = all_modules[question.module_id], sections[question.section_id]
        snapshot.questions[question.pk] = QuestionView(
            id=question.pk,
            qid=question.qid,
            type=question.type,
            type_label=question_type(question.type).label,
            stem=question.stem,
            objective=question.objective,
            explanation=question.explanation,
            difficulty=question.difficulty,
            bloom=question.bloom,
            vignette=question.vignette,
            tags=tuple(question.tags),
            revision=question.revision,
            retired=question.retired or module.retired,
            module_id=module.pk,
            module_slug=module.slug,
            module_title=module.title,
            section_anchor=section.anchor,
            section_title=section.title,
            options=tuple(options.get(question.pk, ())),
            sources=tuple(sorted(question_sources.get(question.pk, ()), key=lambda s: (s.kind, s.number or 0, s.key))),
            numeric_answer=question.numeric_answer,
            numeric_tolerance=question.numeric_tolerance,
            unit=question.unit,
            distractors=tuple(question.distractors),
            order=question.order,
            under_review=under_review.get(question.pk, ""),
        )
    return snapshot


class _SnapshotHolder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: CatalogSnapshot | None = None
        self._checked_at = 0.0

    def get(self) -> CatalogSnapshot:
        now = time.monotonic()
        snapshot = self._snapshot
        if snapshot is not None and now - self._checked_at < RECHECK_SECONDS:
            return snapshot
        with self._lock:
            key = _catalog_key()
            if self._snapshot is None or self._snapshot.fingerprint != key:
                self._snapshot = build_snapshot()
            self._checked_at = time.monotonic()
            return self._snapshot

    def clear(self) -> None:
        with self._lock:
            self._snapshot = None
            self._checked_at = 0.0


_holder = _SnapshotHolder()


def catalog() -> CatalogSnapshot:
    """The current catalog, from memory when it has not changed."""
    return _holder.get()


def forget_catalog() -> None:
    """Drop the in-memory catalog (after a content load in this process, and between tests)."""
    _holder.clear()
