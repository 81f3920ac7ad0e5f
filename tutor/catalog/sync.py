"""Apply a validated content tree to the catalog tables in one transaction.

Rows are matched by their stable keys (module slug, section anchor, question id, source key). A question whose
content changed gets a new revision; a question no longer in the files is retired, never deleted, so learners'
history keeps pointing at it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from tutor.catalog.content import ContentTree, QuestionData
from tutor.catalog.models import ContentLoad, Misconception, Module, Option, Question, Section, Source
from tutor.catalog.rendering import RENDERER_VERSION, cited_keys, render_markdown
from tutor.catalog.signals import evidence_changed, question_bank_changed, questions_moved


@dataclass
class ChangeCount:
    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.retired


@dataclass
class LoadReport:
    questions: dict[str, ChangeCount] = field(default_factory=lambda: defaultdict(ChangeCount))
    sections: dict[str, ChangeCount] = field(default_factory=lambda: defaultdict(ChangeCount))
    modules: ChangeCount = field(default_factory=ChangeCount)
    sources: ChangeCount = field(default_factory=ChangeCount)
    misconceptions: ChangeCount = field(default_factory=ChangeCount)
    # Questions whose facts changed in this load: (question id, new revision, the note learners read).
    evidence_changes: list[tuple[int, int, str]] = field(default_factory=list)
    # Some questions moved from one module to another (counted as unchanged above).
    questions_moved: bool = False
    applied: bool = False

    @property
    def question_bank_changed(self) -> bool:
        """Questions were added, changed, retired or moved, or modules were: what each assignment holds changed."""
        return bool(self.modules.changed or self.questions_moved or any(c.changed for c in self.questions.values()))

    @property
    def changed(self) -> int:
        return (
            self.modules.changed
            + self.sources.changed
            + self.misconceptions.changed
            + sum(c.changed for c in self.questions.values())
            + sum(c.changed for c in self.sections.values())
        )

    def as_dict(self) -> dict:
        return {
            "modules": vars(self.modules),
            "sources": vars(self.sources),
            "misconceptions": vars(self.misconceptions),
            "questions": {slug: vars(count) for slug, count in self.questions.items()},
            "sections": {slug: vars(count) for slug, count in self.sections.items()},
            "evidence_changes": [{"question_id": q, "revision": r, "note": n} for q, r, n in self.evidence_changes],
        }


class _DryRun(Exception):
    """Raised to roll back a checking run after it has computed its report."""


def load_content_tree(*, tree: ContentTree, dry_run: bool = False, rerender: bool = False) -> LoadReport:
    """Apply `tree` (already validated) and report what changed; with `dry_run` nothing is kept.

    Every table is read once and written in bulk, so the number of queries does not grow with the bank. A section
    whose Markdown and cited source titles are unchanged keeps its HTML; `rerender` renders every section again
    (after a change to the renderer itself).
    """
    report = LoadReport()
    for module_data in tree.modules:  # the report lists modules in the order of the files
        report.sections[module_data.slug] = ChangeCount()
        report.questions[module_data.slug] = ChangeCount()
    try:
        with transaction.atomic():
            sources, retitled = _sync_sources(tree, report)
            modules = _sync_modules(tree, report)
            sections = _sync_sections(tree, modules, sources, retitled, report, rerender=rerender)
            _sync_questions(tree, modules, sections, sources, report)
            _sync_misconceptions(tree, modules, sections, report)
            _retire_missing(tree, report)
            if report.changed and not dry_run:
                ContentLoad.objects.create(fingerprint=tree.fingerprint, summary=report.as_dict())
            if report.evidence_changes and not dry_run:
                changes = list(report.evidence_changes)
                # Learners' cards belong to the study app, which listens: the catalog never imports it.
                transaction.on_commit(lambda: evidence_changed.send(sender=Question, changes=changes))
            if report.question_bank_changed and not dry_run:
                transaction.on_commit(lambda: question_bank_changed.send(sender=Question))
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    report.applied = True
    return report


def _sync_sources(tree: ContentTree, report: LoadReport) -> tuple[dict[str, Source], set[str]]:
    """Upsert the sources; return them by key, and the keys whose title changed (their citations read it)."""
    existing = {source.key: source for source in Source.objects.all()}
    result, created, updated, retitled = {}, [], [], set()
    for key, data in tree.sources.items():
        values = {
            "kind": data.kind,
            "number": data.number,
            "title": data.title,
            "note": data.note,
            "citation": data.citation,
            "review_section": data.review_section,
            "certainty": data.certainty,
        }
        source = existing.get(key)
        if source is None:
            source = Source(key=key, **values)
            created.append(source)
            retitled.add(key)
        else:
            old_title = source.title
            if _assign_changed(source, values):
                updated.append(source)
                if source.title != old_title:
                    retitled.add(key)
        result[key] = source
    Source.objects.bulk_create(created)
    if updated:
        Source.objects.bulk_update(updated, _SOURCE_FIELDS)
    report.sources.created += len(created)
    report.sources.updated += len(updated)
    report.sources.unchanged += len(result) - len(created) - len(updated)
    return result, retitled


_SOURCE_FIELDS = ["kind", "number", "title", "note", "citation", "review_section", "certainty"]


def _assign_changed(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _sync_modules(tree: ContentTree, report: LoadReport) -> dict[str, Module]:
    existing = {module.slug: module for module in Module.objects.filter(slug__in=[m.slug for m in tree.modules])}
    created, updated = [], []
    fields = ["title", "order", "summary", "objectives", "retired"]
    for data in tree.modules:
        values = {
            "title": data.title,
            "order": data.order,
            "summary": data.summary,
            "objectives": data.objectives,
            "retired": False,
        }
        module = existing.get(data.slug)
        if module is None:
            existing[data.slug] = module = Module(slug=data.slug, **values)
            created.append(module)
        elif _assign_changed(module, values):
            updated.append(module)
    Module.objects.bulk_create(created)
    if updated:
        Module.objects.bulk_update(updated, fields)
    report.modules.created += len(created)
    report.modules.updated += len(updated)
    report.modules.unchanged += len(tree.modules) - len(created) - len(updated)
    return existing


def _sync_sections(
    tree: ContentTree,
    modules: dict[str, Module],
    sources: dict[str, Source],
    retitled: set[str],
    report: LoadReport,
    *,
    rerender: bool,
) -> dict[tuple[str, str], Section]:
    """Upsert every module's sections; return them by (module slug, anchor)."""
    slug_of = {module.pk: slug for slug, module in modules.items()}
    existing = {
        (slug_of[section.module_id], section.anchor): section
        for section in Section.objects.filter(module__in=list(modules.values()))
    }
    result, created, updated, cited = {}, [], [], {}
    fields = ["title", "order", "body_markdown", "body_html", "rendered_with", "retired"]
    titles = tree.source_titles
    for module_data in tree.modules:
        count = report.sections[module_data.slug]
        for section_data in module_data.sections:
            keys = cited_keys(section_data.body_markdown)
            place = (module_data.slug, section_data.anchor)
            section = existing.pop(place, None)
            values = {
                "title": section_data.title,
                "order": section_data.order,
                "body_markdown": section_data.body_markdown,
                "retired": False,
            }
            if (
                rerender
                or section is None
                or section.body_markdown != section_data.body_markdown
                or section.rendered_with != RENDERER_VERSION
                or any(key in retitled for key in keys)
            ):
                values["body_html"] = render_markdown(section_data.body_markdown, source_titles=titles)
                values["rendered_with"] = RENDERER_VERSION
            if section is None:
                section = Section(module=modules[module_data.slug], anchor=section_data.anchor, **values)
                created.append(section)
                count.created += 1
            elif _assign_changed(section, values):
                updated.append(section)
                count.updated += 1
            else:
                count.unchanged += 1
            cited[place] = [sources[key].pk for key in keys]
            result[place] = section
    for (slug, _anchor), section in existing.items():
        if not section.retired:
            section.retired = True
            updated.append(section)
            report.sections[slug].retired += 1
    Section.objects.bulk_create(created)
    if updated:
        Section.objects.bulk_update(updated, fields)
    _set_sources(Section.sources.through, "section_id", {result[place].pk: ids for place, ids in cited.items()})
    return result


def _set_sources(through, owner_field: str, wanted: dict[int, list[int]]) -> None:
    """Make the source links of each owner (section or question) in `wanted` exactly those listed, in bulk."""
    if not wanted:
        return
    have: dict[tuple[int, int], int] = {
        (owner, source): pk
        for pk, owner, source in through.objects.filter(**{f"{owner_field}__in": list(wanted)}).values_list(
            "pk", owner_field, "source_id"
        )
    }
    keep = {(owner, source) for owner, ids in wanted.items() for source in ids}
    stale = [pk for pair, pk in have.items() if pair not in keep]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    new = [
        through(**{owner_field: owner, "source_id": source}) for owner, source in keep if (owner, source) not in have
    ]
    through.objects.bulk_create(new)


def _sync_questions(
    tree: ContentTree,
    modules: dict[str, Module],
    sections: dict[tuple[str, str], Section],
    sources: dict[str, Source],
    report: LoadReport,
) -> None:
    existing = {q.qid: q for q in Question.objects.filter(qid__in=[q.qid for m in tree.modules for q in m.questions])}
    created, updated, moved, rewritten = [], [], [], []
    modules_changed: set[int] = set()  # modules a question left or joined: their answer tallies are recounted
    for module_data in tree.modules:
        count = report.questions[module_data.slug]
        module = modules[module_data.slug]
        for question_data in module_data.questions:
            fingerprint = question_data.content_fingerprint()
            values = {
                "module_id": module.pk,
                "section_id": sections[(module_data.slug, question_data.teaches)].pk,
                "type": question_data.type,
                "stem": question_data.stem,
                "objective": question_data.objective,
                "variant_of": question_data.variant_of,
                "explanation": question_data.explanation,
                "difficulty": question_data.difficulty,
                "bloom": question_data.bloom,
                "vignette": question_data.vignette,
                "tags": question_data.tags,
                "numeric_answer": question_data.numeric_answer,
                "numeric_tolerance": question_data.numeric_tolerance,
                "unit": question_data.unit,
                "distractors": question_data.distractors,
                "order": question_data.order,
                "content_hash": fingerprint,
                "retired": False,
            }
            question = existing.get(question_data.qid)
            if question is not None and question.module_id != module.pk:
                modules_changed |= {question.module_id, module.pk}
            if question is None:
                question = Question(qid=question_data.qid, **values)
                created.append(question)
                count.created += 1
            elif question.content_hash != fingerprint or question.retired:
                content_changed = question.content_hash != fingerprint
                _assign_changed(question, values)
                if content_changed:
                    question.revision += 1
                    if is_evidence_change(question_data, question):
                        question.evidence_note = question_data.change_note
                        question.evidence_revision = question.revision
                        report.evidence_changes.append((question.pk, question.revision, question.evidence_note))
                updated.append(question)
                count.updated += 1
            else:
                if _assign_changed(question, values):  # only its place in the file moved
                    moved.append(question)
                count.unchanged += 1
                continue
            rewritten.append((question, question_data))
    Question.objects.bulk_create(created)
    if updated or moved:
        Question.objects.bulk_update(updated + moved, _QUESTION_FIELDS)
    if modules_changed:
        # Inside the load's transaction, so that whatever the apps above recount is undone with a failed load.
        questions_moved.send(sender=Question, module_ids=frozenset(modules_changed))
        report.questions_moved = True
    if updated:
        Option.objects.filter(question__in=updated).delete()
    Option.objects.bulk_create([option for question, data in rewritten for option in _options(question, data)])
    _set_sources(
        Question.sources.through,
        "question_id",
        {question.pk: [sources[key].pk for key in data.sources] for question, data in rewritten},
    )


_QUESTION_FIELDS = [
    "module",
    "section",
    "type",
    "stem",
    "objective",
    "variant_of",
    "explanation",
    "difficulty",
    "bloom",
    "vignette",
    "tags",
    "numeric_answer",
    "numeric_tolerance",
    "unit",
    "distractors",
    "order",
    "content_hash",
    "retired",
    "revision",
    "evidence_note",
    "evidence_revision",
]


def is_evidence_change(data: QuestionData, question: Question) -> bool:
    """An edit is an evidence change when the file marks it `changed: evidence` with a note not applied before: the
    marker stays in the file after its load, so a later wording fix under the same note changes nothing for
    learners."""
    return data.changed == "evidence" and bool(data.change_note) and data.change_note != question.evidence_note


def _options(question: Question, data: QuestionData) -> list[Option]:
    return [
        Option(
            question=question,
            key=o.key,
            text=o.text,
            is_correct=o.is_correct,
            rationale=o.rationale,
            misconception=o.misconception,
            match_text=o.match_text,
            position=o.position,
            numeric_value=o.numeric_value,
        )
        for o in data.options
    ]


def _sync_misconceptions(
    tree: ContentTree, modules: dict[str, Module], sections: dict[tuple[str, str], Section], report: LoadReport
) -> None:
    slugs = [m.slug for module in tree.modules for m in module.misconceptions]
    existing = {m.slug: m for m in Misconception.objects.filter(slug__in=slugs)}
    created, updated = [], []
    for module_data in tree.modules:
        for misconception_data in module_data.misconceptions:
            values = {
                "label": misconception_data.label,
                "module_id": modules[module_data.slug].pk,
                "corrects_id": sections[(module_data.slug, misconception_data.corrects)].pk,
                "retired": False,
            }
            misconception = existing.get(misconception_data.slug)
            if misconception is None:
                created.append(Misconception(slug=misconception_data.slug, **values))
            elif _assign_changed(misconception, values):
                updated.append(misconception)
            else:
                report.misconceptions.unchanged += 1
    Misconception.objects.bulk_create(created)
    if updated:
        Misconception.objects.bulk_update(updated, ["label", "module", "corrects", "retired"])
    report.misconceptions.created += len(created)
    report.misconceptions.updated += len(updated)


def _retire_missing(tree: ContentTree, report: LoadReport) -> None:
    live_ids = {q.qid for module in tree.modules for q in module.questions}
    gone = Question.objects.filter(retired=False).exclude(qid__in=live_ids)
    retired = list(gone.values_list("pk", "module__slug"))
    if retired:
        Question.objects.filter(pk__in=[pk for pk, _slug in retired]).update(retired=True)
    for _pk, slug in retired:
        report.questions[slug].retired += 1
    stale = Misconception.objects.filter(retired=False).exclude(slug__in=list(tree.misconceptions))
    report.misconceptions.retired += stale.update(retired=True)
    seen_modules = [module.slug for module in tree.modules]
    report.modules.retired += Module.objects.filter(retired=False).exclude(slug__in=seen_modules).update(retired=True)
