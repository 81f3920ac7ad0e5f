"""The registry of question types: the one place the rest of the app asks what a type does.

The built-in types are imported on first use rather than at import time: the catalog's content reader asks the
registry, and the type modules import the catalog's dataclasses, so importing them eagerly would be circular.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.questions.base import QuestionTypeSpec

# Adding a type: write tutor/questions/<name>.py (a QuestionTypeSpec subclass named TYPE) and list it here.
BUILT_IN = ("single", "multiple", "true_false", "matching", "ordering", "numeric")

_types: dict[str, QuestionTypeSpec] = {}
_lock = threading.Lock()


def _load() -> dict[str, QuestionTypeSpec]:
    if not _types:
        with _lock:
            if not _types:
                found = {}
                for module_name in BUILT_IN:
                    spec = importlib.import_module(f"tutor.questions.{module_name}").TYPE
                    found[spec.name] = spec
                _types.update(found)
    return _types


class UnknownQuestionType(KeyError):
    pass


def question_type(name: str) -> QuestionTypeSpec:
    """The type a question's `type` names; UnknownQuestionType when no type has that name."""
    try:
        return _load()[name]
    except KeyError:
        raise UnknownQuestionType(name) from None


def all_types() -> tuple[QuestionTypeSpec, ...]:
    """Every registered type, the built-in ones in their listed order."""
    return tuple(_load().values())


def type_names() -> tuple[str, ...]:
    return tuple(_load())


def type_choices() -> list[tuple[str, str]]:
    """(name, label) for Question.type: a callable, so that a new type needs no migration."""
    return [(spec.name, spec.label) for spec in all_types()]


def register(spec: QuestionTypeSpec) -> None:
    """Add a type at run time (a plug-in, or a test); its name must be new."""
    types = _load()
    if spec.name in types:
        raise ValueError(f"a question type named {spec.name!r} is registered already")
    types[spec.name] = spec


def unregister(name: str) -> None:
    _load().pop(name, None)


@contextmanager
def registered(spec: QuestionTypeSpec) -> Iterator[QuestionTypeSpec]:
    """Register `spec` for the length of a block (tests)."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.name)
