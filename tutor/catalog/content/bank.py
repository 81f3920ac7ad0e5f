"""Checks across modules: unique ids and orders, variants that exist, misconceptions defined once and used."""

from __future__ import annotations

from pathlib import Path

from tutor.catalog.content.problems import Problem
from tutor.catalog.content.tree import MisconceptionData, ModuleData, QuestionData
from tutor.questions.registry import question_type


def check_unique_ids(modules: list[ModuleData], problems: list[Problem]) -> None:
    seen: dict[str, QuestionData] = {}
    for module in modules:
        for question in module.questions:
            if not question.qid:
                continue
            if question.qid in seen:
                first = seen[question.qid]
                problems.append(
                    Problem(
                        question.path,
                        question.line,
                        f"{question.qid}.id",
                        f"duplicate id: also used at {first.path}:{first.line}",
                    )
                )
            else:
                seen[question.qid] = question


def check_unique_module_orders(modules: list[ModuleData], root: Path, problems: list[Problem]) -> None:
    seen: dict[int, str] = {}
    for module in modules:
        if module.order in seen:
            problems.append(
                Problem(
                    f"{root.name}/{module.slug}/module.md",
                    1,
                    "order",
                    f"order {module.order} is also used by module {seen[module.order]!r}",
                )
            )
        seen[module.order] = module.slug


def check_variants(modules: list[ModuleData], problems: list[Problem]) -> None:
    ids = {question.qid for module in modules for question in module.questions}
    for module in modules:
        for question in module.questions:
            if question.variant_of and question.variant_of not in ids:
                problems.append(
                    Problem(
                        question.path,
                        question.line,
                        f"{question.qid}.variant_of",
                        f"no question has the id {question.variant_of!r}",
                    )
                )


def check_misconceptions(modules: list[ModuleData], problems: list[Problem]) -> None:
    """A slug is defined once across the site, every slug an option names is defined, every defined one is used."""
    defined: dict[str, MisconceptionData] = {}
    for module in modules:
        for misconception in module.misconceptions:
            first = defined.get(misconception.slug)
            if first is not None:
                problems.append(
                    Problem(
                        misconception.path,
                        misconception.line,
                        f"{misconception.slug}.slug",
                        f"defined twice: also at {first.path}:{first.line}",
                    )
                )
                continue
            defined[misconception.slug] = misconception
    used: set[str] = set()
    for module in modules:
        for question in module.questions:
            for option in question.options:
                if not option.misconception:
                    continue
                used.add(option.misconception)
                if option.misconception not in defined:
                    problems.append(
                        Problem(
                            question.path,
                            option.line or question.line,
                            f"{question.qid}.{question_type(question.type).option_field(option)}misconception",
                            f"{option.misconception!r} is not defined in any module's misconceptions.yaml",
                        )
                    )
    for slug, misconception in defined.items():
        if slug not in used:
            problems.append(
                Problem(misconception.path, misconception.line, f"{slug}.slug", "no option names this misconception")
            )
