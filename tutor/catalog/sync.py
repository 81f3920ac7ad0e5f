"""Apply a validated content tree to the catalog tables in one transaction.

Rows are matched by their stable keys (module slug, section anchor, question id, source key). A question whose
content changed gets a new revision; a question no longer in the files is retired, never deleted, so learners'
history keeps pointing at it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from tutor.catalog.content import ContentTree, ModuleData, QuestionData
from tutor.catalog.models import ContentLoad, Misconception, Module, Option, Question, Section, Source
from tutor.catalog.rendering import cited_keys, render_markdown
from tutor.catalog.signals import evidence_changed


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
    applied: bool = False

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


def load_content_tree(*, tree: ContentTree, dry_run: bool = False) -> LoadReport:
    """Apply `tree` (already validated) and report what changed; with `dry_run` nothing is kept."""
    report = LoadReport()
    try:
        with transaction.atomic():
            sources = _sync_sources(tree, report)
            seen_modules: set[str] = set()
            for module_data in tree.modules:
                module = _sync_module(module_data, report)
                seen_modules.add(module.slug)
                sections = _sync_sections(module, module_data, tree, sources, report)
                _sync_questions(module, module_data, sections, sources, report)
                _sync_misconceptions(module, module_data, sections, report)
            _retire_missing(tree, seen_modules, report)
            if report.changed and not dry_run:
                ContentLoad.objects.create(fingerprint=tree.fingerprint, summary=report.as_dict())
            if report.evidence_changes and not dry_run:
                changes = list(report.evidence_changes)
                # Learners' cards belong to the study app, which listens: the catalog never imports it.
                transaction.on_commit(lambda: evidence_changed.send(sender=Question, changes=changes))
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    report.applied = True
    return report


def _sync_sources(tree: ContentTree, report: LoadReport) -> dict[str, Source]:
    existing = {source.key: source for source in Source.objects.all()}
    result = {}
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
            source = Source.objects.create(key=key, **values)
            report.sources.created += 1
        elif _assign_changed(source, values):
            source.save()
            report.sources.updated += 1
        else:
            report.sources.unchanged += 1
        result[key] = source
    return result


def _assign_changed(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _sync_module(data: ModuleData, report: LoadReport) -> Module:
    values = {
        "title": data.title,
        "order": data.order,
        "summary": data.summary,
        "objectives": data.objectives,
        "retired": False,
    }
    module = Module.objects.filter(slug=data.slug).first()
    if module is None:
        module = Module.objects.create(slug=data.slug, **values)
        report.modules.created += 1
    elif _assign_changed(module, values):
        module.save()
        report.modules.updated += 1
    else:
        report.modules.unchanged += 1
    return module


def _sync_sections(
    module: Module, data: ModuleData, tree: ContentTree, sources: dict[str, Source], report: LoadReport
) -> dict[str, Section]:
    count = report.sections[module.slug]
    existing = {section.anchor: section for section in module.sections.all()}
    result = {}
    titles = tree.source_titles
    for section_data in data.sections:
        values = {
            "title": section_data.title,
            "order": section_data.order,
            "body_markdown": section_data.body_markdown,
            "body_html": render_markdown(section_data.body_markdown, source_titles=titles),
            "retired": False,
        }
        section = existing.pop(section_data.anchor, None)
        if section is None:
            section = Section.objects.create(module=module, anchor=section_data.anchor, **values)
            count.created += 1
        elif _assign_changed(section, values):
            section.save()
            count.updated += 1
        else:
            count.unchanged += 1
        section.sources.set([sources[key] for key in cited_keys(section_data.body_markdown)])
        result[section.anchor] = section
    for section in existing.values():
        if not section.retired:
            section.retired = True
            section.save(update_fields=["retired"])
            count.retired += 1
    return result


def _sync_questions(
    module: Module,
    data: ModuleData,
    sections: dict[str, Section],
    sources: dict[str, Source],
    report: LoadReport,
) -> None:
    count = report.questions[module.slug]
    existing = {q.qid: q for q in Question.objects.filter(qid__in=[q.qid for q in data.questions])}
    for question_data in data.questions:
        fingerprint = question_data.content_fingerprint()
        values = {
            "module": module,
            "section": sections[question_data.teaches],
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
        if question is None:
            question = Question.objects.create(qid=question_data.qid, **values)
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
            question.save()
            question.options.all().delete()
            count.updated += 1
        else:
            if _assign_changed(question, values):  # only its place in the file moved
                question.save()
            count.unchanged += 1
            continue
        _write_options(question, question_data)
        question.sources.set([sources[key] for key in question_data.sources])


def is_evidence_change(data: QuestionData, question: Question) -> bool:
    """An edit is an evidence change when the file marks it `changed: evidence` with a note not applied before: the
    marker stays in the file after its load, so a later wording fix under the same note changes nothing for
    learners."""
    return data.changed == "evidence" and bool(data.change_note) and data.change_note != question.evidence_note


def _write_options(question: Question, data: QuestionData) -> None:
    Option.objects.bulk_create(
        [
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
    )


def _sync_misconceptions(module: Module, data: ModuleData, sections: dict[str, Section], report: LoadReport) -> None:
    existing = {m.slug: m for m in Misconception.objects.filter(slug__in=[m.slug for m in data.misconceptions])}
    for misconception_data in data.misconceptions:
        values = {
            "label": misconception_data.label,
            "module": module,
            "corrects": sections[misconception_data.corrects],
            "retired": False,
        }
        misconception = existing.get(misconception_data.slug)
        if misconception is None:
            Misconception.objects.create(slug=misconception_data.slug, **values)
            report.misconceptions.created += 1
        elif _assign_changed(misconception, values):
            misconception.save()
            report.misconceptions.updated += 1
        else:
            report.misconceptions.unchanged += 1


def _retire_missing(tree: ContentTree, seen_modules: set[str], report: LoadReport) -> None:
    live_ids = {q.qid for module in tree.modules for q in module.questions}
    for question in Question.objects.filter(retired=False).exclude(qid__in=live_ids).select_related("module"):
        question.retired = True
        question.save(update_fields=["retired"])
        report.questions[question.module.slug].retired += 1
    for misconception in Misconception.objects.filter(retired=False).exclude(slug__in=list(tree.misconceptions)):
        misconception.retired = True
        misconception.save(update_fields=["retired"])
        report.misconceptions.retired += 1
    for module in Module.objects.filter(retired=False).exclude(slug__in=seen_modules):
        module.retired = True
        module.save(update_fields=["retired"])
        report.modules.retired += 1
