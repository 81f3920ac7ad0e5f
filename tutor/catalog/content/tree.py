"""The curriculum as plain dataclasses: what the reader returns and the sync applies (no database here)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
ANCHOR_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class SourceData:
    key: str
    kind: str
    number: int | None
    title: str
    note: str = ""
    citation: str = ""
    review_section: str = ""
    certainty: str = ""
    line: int = 0


@dataclass
class SectionData:
    anchor: str
    title: str
    order: int
    body_markdown: str
    line: int


@dataclass
class OptionData:
    key: str
    text: str
    rationale: str
    is_correct: bool = False
    misconception: str = ""
    match_text: str = ""
    position: int = 0
    numeric_value: float | None = None
    line: int = 0


@dataclass
class MisconceptionData:
    """A wrong idea an option can stand for, defined once site-wide, with the section that corrects it."""

    slug: str
    label: str
    corrects: str
    module: str
    path: str
    line: int


@dataclass
class QuestionData:
    qid: str
    type: str
    teaches: str
    sources: list[str]
    stem: str
    explanation: str
    difficulty: int
    bloom: str
    objective: str = ""
    variant_of: str = ""
    # Why the last edit was made: "evidence" (the facts changed; learners who saw it are told, with change_note)
    # or "wording" (a fix that changes nothing for learners). Not part of the fingerprint: the marker alone is no
    # edit.
    changed: str = ""
    change_note: str = ""
    vignette: bool = False
    tags: list[str] = field(default_factory=list)
    options: list[OptionData] = field(default_factory=list)
    numeric_answer: float | None = None
    numeric_tolerance: float | None = None
    unit: str = ""
    distractors: list[str] = field(default_factory=list)
    order: int = 0
    path: str = ""
    line: int = 0
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def correct_count(self) -> int:
        return sum(option.is_correct for option in self.options)

    def content_fingerprint(self) -> str:
        """A hash of everything a learner sees or is marked on; its change bumps the revision."""
        data = asdict(self)
        for unseen in ("order", "path", "line", "field_lines", "variant_of", "changed", "change_note"):
            data.pop(unseen)
        for option in data["options"]:
            option.pop("line")
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass
class ModuleData:
    slug: str
    title: str
    order: int
    summary: str
    objectives: list[str]
    sections: list[SectionData]
    questions: list[QuestionData]
    misconceptions: list[MisconceptionData] = field(default_factory=list)


@dataclass
class ContentTree:
    sources: dict[str, SourceData]
    modules: list[ModuleData]
    fingerprint: str
    warnings: list[str] = field(default_factory=list)

    @property
    def source_titles(self) -> dict[str, str]:
        return {key: source.title for key, source in self.sources.items()}

    @property
    def misconceptions(self) -> dict[str, MisconceptionData]:
        """Every misconception of every module by slug (the first definition, when one is defined twice)."""
        found: dict[str, MisconceptionData] = {}
        for module in self.modules:
            for misconception in module.misconceptions:
                found.setdefault(misconception.slug, misconception)
        return found
