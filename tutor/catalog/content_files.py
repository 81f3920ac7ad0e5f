"""Read and validate the content tree without touching the database.

`read_content(path)` returns the whole curriculum as plain dataclasses together with every problem found, each
located as `file:line: field: message`. The loader applies the result only when there are no problems, so a
half-valid tree never reaches learners.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tutor.catalog.rendering import CITATION

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
ANCHOR_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
UPDATE_KEY_PATTERN = re.compile(r"^upd-[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_KEY_PATTERN = re.compile(r"^review:[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*(?:\{#(?P<anchor>[^}]*)\})?\s*$")

QUESTION_TYPES = ("single", "multiple", "true_false", "matching", "ordering", "numeric")
BLOOM_LEVELS = ("recall", "understand", "apply")
CERTAINTIES = ("primary", "secondary", "reported")

COMMON_FIELDS = {
    "id",
    "type",
    "teaches",
    "sources",
    "stem",
    "explanation",
    "difficulty",
    "bloom",
    "vignette",
    "tags",
    "objective",
    "variant_of",
}
REQUIRED_COMMON = ("id", "type", "teaches", "sources", "stem", "objective", "explanation", "difficulty", "bloom")
TYPE_FIELDS = {
    "single": ({"options"}, ("options",)),
    "multiple": ({"options"}, ("options",)),
    "true_false": ({"answer", "rationale_true", "rationale_false", "misconception"},
                   ("answer", "rationale_true", "rationale_false", "misconception")),
    "matching": ({"pairs", "distractors"}, ("pairs",)),
    "ordering": ({"items"}, ("items",)),
    "numeric": ({"answer", "tolerance", "unit", "rationale", "common_errors"}, ("answer", "rationale")),
}  # fmt: skip
OPTION_FIELDS = {"key", "text", "correct", "rationale", "misconception"}
PAIR_FIELDS = {"key", "prompt", "answer", "rationale"}
ITEM_FIELDS = {"key", "text", "rationale"}
ERROR_FIELDS = {"value", "rationale", "misconception"}
MODULE_FIELDS = {"title", "order", "summary", "objectives"}
REVIEW_SOURCE_FIELDS = {"number", "cited_for", "review_section"}
UPDATE_SOURCE_FIELDS = {"key", "title", "note", "source", "certainty"}
SECTION_SOURCE_FIELDS = {"key", "heading", "covers"}
MISCONCEPTION_FIELDS = {"slug", "label", "corrects"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


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

    def content_fingerprint(self) -> str:
        """A hash of everything a learner sees or is marked on; its change bumps the revision."""
        data = asdict(self)
        for unseen in ("order", "path", "line", "variant_of"):
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


# --- YAML with line numbers ---------------------------------------------------------------------------------


class LineDict(dict):
    """A mapping read from YAML that remembers the line of itself and of each key."""

    line: int = 0
    lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    mapping.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in mapping:
            mapping.duplicates.append((key, line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(mapping: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.lines:
            return mapping.lines[key]
        return mapping.line
    return default


# --- Reading -------------------------------------------------------------------------------------------------


class _Collector:
    """Gathers problems for one file so that every check can report and go on."""

    def __init__(self, path: Path, root: Path, problems: list[Problem]):
        self.path = path.relative_to(root.parent) if path.is_relative_to(root.parent) else path
        self.problems = problems

    def add(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, field_name, message))

    def check_fields(
        self, mapping: LineDict, allowed: set[str], required: tuple[str, ...] | set[str], prefix: str
    ) -> None:
        for key, line in mapping.duplicates:
            self.add(line, f"{prefix}{key}", "appears twice in the same entry")
        for key in mapping:
            if key not in allowed:
                self.add(
                    _line_of(mapping, key),
                    f"{prefix}{key}",
                    f"unknown field (allowed: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in mapping or _blank(mapping[key]):
                self.add(_line_of(mapping), f"{prefix}{key}", "missing")

    def text(self, mapping: LineDict, key: str, prefix: str, *, required: bool = True) -> str:
        value = mapping.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(_line_of(mapping, key), f"{prefix}{key}", "must be text")
            return ""
        return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _load_yaml(path: Path, out: _Collector) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        out.add(line, "yaml", str(getattr(error, "problem", None) or error))
    except UnicodeDecodeError:
        out.add(1, "file", "is not UTF-8 text")
    return None


def read_content(root: Path) -> tuple[ContentTree, list[Problem]]:
    """Parse and validate every file under `root`; return the tree and all problems found."""
    root = Path(root)
    problems: list[Problem] = []
    sources = _read_sources(root / "references.yaml", root, problems)
    modules: list[ModuleData] = []
    module_dirs = (
        sorted(p for p in root.iterdir() if p.is_dir() and (p / "module.md").exists()) if root.is_dir() else []
    )
    if not module_dirs:
        problems.append(Problem(str(root), 1, "modules", "no module folders (each needs a module.md)"))
    for folder in module_dirs:
        module = _read_module(folder, root, sources, problems)
        if module is not None:
            modules.append(module)
    _check_unique_ids(modules, problems)
    _check_unique_module_orders(modules, root, problems)
    _check_variants(modules, problems)
    _check_misconceptions(modules, problems)
    return ContentTree(sources=sources, modules=modules, fingerprint=_fingerprint(root)), problems


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".md", ".yaml", ".yml"}:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_sources(path: Path, root: Path, problems: list[Problem]) -> dict[str, SourceData]:
    out = _Collector(path, root, problems)
    if not path.exists():
        out.add(1, "file", "missing: every citation needs references.yaml")
        return {}
    data = _load_yaml(path, out)
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        out.add(1, "file", "must be a mapping with `review`, `review_sections` and `updates` lists")
        return {}
    out.check_fields(data, {"review", "review_sections", "updates"}, ("review",), "")
    sources: dict[str, SourceData] = {}
    for index, entry in enumerate(data.get("review") or []):
        prefix = f"review[{index}]."
        if not isinstance(entry, LineDict):
            out.add(_line_of(data, "review"), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, REVIEW_SOURCE_FIELDS, tuple(sorted(REVIEW_SOURCE_FIELDS)), prefix)
        number = entry.get("number")
        if not (isinstance(number, int) and not isinstance(number, bool) and number > 0):
            if "number" in entry:
                out.add(_line_of(entry, "number"), f"{prefix}number", "must be a positive whole number")
            continue
        key = str(number)
        if key in sources:
            out.add(_line_of(entry, "number"), f"{prefix}number", f"duplicate reference number {number}")
        sources[key] = SourceData(
            key=key,
            kind="review",
            number=number,
            title=out.text(entry, "cited_for", prefix),
            review_section=out.text(entry, "review_section", prefix),
        )
    for index, entry in enumerate(data.get("review_sections") or []):
        prefix = f"review_sections[{index}]."
        if not isinstance(entry, LineDict):
            out.add(_line_of(data, "review_sections"), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, SECTION_SOURCE_FIELDS, tuple(sorted(SECTION_SOURCE_FIELDS)), prefix)
        key = out.text(entry, "key", prefix)
        if not key:
            continue
        if not SECTION_KEY_PATTERN.match(key):
            out.add(_line_of(entry, "key"), f"{prefix}key", "must look like review:lowercase-words")
            continue
        if key in sources:
            out.add(_line_of(entry, "key"), f"{prefix}key", f"duplicate key {key}")
        heading = out.text(entry, "heading", prefix)
        sources[key] = SourceData(
            key=key,
            kind="section",
            number=None,
            title=heading,
            note=out.text(entry, "covers", prefix),
            review_section=heading,
            line=entry.line,
        )
    for index, entry in enumerate(data.get("updates") or []):
        prefix = f"updates[{index}]."
        if not isinstance(entry, LineDict):
            out.add(_line_of(data, "updates"), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, UPDATE_SOURCE_FIELDS, tuple(sorted(UPDATE_SOURCE_FIELDS)), prefix)
        key = out.text(entry, "key", prefix)
        if not key:
            continue
        if not UPDATE_KEY_PATTERN.match(key):
            out.add(_line_of(entry, "key"), f"{prefix}key", "must look like upd-lowercase-words")
            continue
        if key in sources:
            out.add(_line_of(entry, "key"), f"{prefix}key", f"duplicate key {key}")
        certainty = out.text(entry, "certainty", prefix)
        if certainty and certainty not in CERTAINTIES:
            out.add(_line_of(entry, "certainty"), f"{prefix}certainty", f"must be one of {', '.join(CERTAINTIES)}")
        sources[key] = SourceData(
            key=key,
            kind="update",
            number=None,
            title=out.text(entry, "title", prefix),
            note=out.text(entry, "note", prefix),
            citation=out.text(entry, "source", prefix),
            certainty=certainty,
        )
    return sources


def _read_module(
    folder: Path, root: Path, sources: dict[str, SourceData], problems: list[Problem]
) -> ModuleData | None:
    path = folder / "module.md"
    out = _Collector(path, root, problems)
    slug = folder.name
    if not ID_PATTERN.match(slug):
        out.add(1, "folder", f"module folder name {slug!r} must be lowercase words joined by hyphens")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        out.add(1, "front matter", "module.md must start with front matter between --- lines")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        out.add(1, "front matter", "the closing --- line is missing")
        return None
    front_out = _Collector(path, root, problems)
    try:
        front = yaml.load("\n".join(lines[1:end]), Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        out.add((mark.line + 2) if mark else 2, "front matter", str(getattr(error, "problem", None) or error))
        return None
    if not isinstance(front, LineDict):
        out.add(2, "front matter", "must be a mapping of fields")
        return None
    _shift_lines(front, 1)
    front_out.check_fields(front, MODULE_FIELDS, tuple(sorted(MODULE_FIELDS)), "")
    order = front.get("order")
    if "order" in front and not (isinstance(order, int) and not isinstance(order, bool)):
        out.add(_line_of(front, "order"), "order", "must be a whole number")
        order = 0
    objectives = front.get("objectives") or []
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        out.add(_line_of(front, "objectives"), "objectives", "must be a list of sentences")
        objectives = []

    sections = _read_sections(lines, end + 1, out, sources)
    anchors = {section.anchor for section in sections}
    questions_path = folder / "questions.yaml"
    questions = (
        _read_questions(questions_path, root, slug, anchors, sources, problems) if questions_path.exists() else []
    )
    misconceptions_path = folder / "misconceptions.yaml"
    misconceptions = (
        _read_misconceptions(misconceptions_path, root, slug, anchors, problems) if misconceptions_path.exists() else []
    )
    return ModuleData(
        slug=slug,
        title=out.text(front, "title", ""),
        order=order or 0,
        summary=out.text(front, "summary", ""),
        objectives=[o.strip() for o in objectives],
        sections=sections,
        questions=questions,
        misconceptions=misconceptions,
    )


def _read_misconceptions(
    path: Path, root: Path, module: str, anchors: set[str], problems: list[Problem]
) -> list[MisconceptionData]:
    out = _Collector(path, root, problems)
    data = _load_yaml(path, out)
    if data is None:
        return []
    if not isinstance(data, list):
        out.add(1, "file", "must be a list of misconceptions")
        return []
    found: list[MisconceptionData] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, LineDict):
            out.add(1, f"[{index}]", "each misconception must be a mapping of fields")
            continue
        slug = entry.get("slug")
        prefix = f"{slug}." if isinstance(slug, str) and slug else f"[{index}]."
        out.check_fields(entry, MISCONCEPTION_FIELDS, ("slug", "label", "corrects"), prefix)
        if not isinstance(slug, str) or not ID_PATTERN.match(slug):
            if "slug" in entry:
                out.add(_line_of(entry, "slug"), f"{prefix}slug", "must be lowercase words joined by hyphens")
            continue
        corrects = out.text(entry, "corrects", prefix)
        if corrects and corrects not in anchors:
            out.add(
                _line_of(entry, "corrects"),
                f"{prefix}corrects",
                f"no section of this module has the anchor {corrects!r}",
            )
        found.append(
            MisconceptionData(
                slug=slug,
                label=out.text(entry, "label", prefix),
                corrects=corrects,
                module=module,
                path=str(out.path),
                line=entry.line,
            )
        )
    return found


def _shift_lines(mapping: LineDict, offset: int) -> None:
    mapping.line += offset
    mapping.lines = {key: line + offset for key, line in mapping.lines.items()}
    mapping.duplicates = [(key, line + offset) for key, line in mapping.duplicates]


def _read_sections(lines: list[str], start: int, out: _Collector, sources: dict[str, SourceData]) -> list[SectionData]:
    sections: list[SectionData] = []
    current: dict[str, Any] | None = None
    body: list[str] = []
    in_code = False

    def finish() -> None:
        if current is not None:
            markdown_text = "\n".join(body).strip()
            if not markdown_text:
                out.add(current["line"], f"section {current['anchor']}", "has no text")
            sections.append(
                SectionData(
                    anchor=current["anchor"],
                    title=current["title"],
                    order=len(sections),
                    body_markdown=markdown_text,
                    line=current["line"],
                )
            )

    for number, line in enumerate(lines[start:], start=start + 1):
        if line.startswith("```"):
            in_code = not in_code
        heading = None if in_code else SECTION_HEADING.match(line)
        if heading:
            finish()
            body = []
            anchor = (heading.group("anchor") or "").strip()
            if not anchor:
                out.add(
                    number,
                    "section",
                    f"heading {heading.group('title')!r} needs an anchor, e.g. {{#some-anchor}}",
                )
                anchor = f"missing-anchor-{number}"
            elif not ANCHOR_PATTERN.match(anchor):
                out.add(number, "section", f"anchor {anchor!r} must be lowercase words joined by hyphens")
            elif any(s.anchor == anchor for s in sections):
                out.add(number, "section", f"anchor {anchor!r} is used twice in this module")
            current = {"anchor": anchor, "title": heading.group("title").strip(), "line": number}
            continue
        if current is None:
            if line.strip():
                out.add(number, "section", "text before the first `## Title {#anchor}` heading would not be shown")
            continue
        for key in CITATION.findall(line):
            if key not in sources:
                out.add(number, f"section {current['anchor']}", f"cites unknown source {key!r}")
        body.append(line)
    finish()
    if not sections:
        out.add(start + 1, "sections", "a module needs at least one `## Title {#anchor}` section")
    return sections


def _read_questions(
    path: Path,
    root: Path,
    slug: str,
    anchors: set[str],
    sources: dict[str, SourceData],
    problems: list[Problem],
) -> list[QuestionData]:
    out = _Collector(path, root, problems)
    data = _load_yaml(path, out)
    if data is None:
        return []
    if not isinstance(data, list):
        out.add(1, "file", "must be a list of questions")
        return []
    questions: list[QuestionData] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, LineDict):
            out.add(1, f"[{index}]", "each question must be a mapping of fields")
            continue
        question = _read_question(entry, index, out, anchors, sources)
        if question is not None:
            question.order = index
            question.path = str(out.path)
            questions.append(question)
    return questions


def _read_question(
    entry: LineDict, index: int, out: _Collector, anchors: set[str], sources: dict[str, SourceData]
) -> QuestionData | None:
    qid = entry.get("id")
    label = qid if isinstance(qid, str) and qid else f"[{index}]"
    prefix = f"{label}."
    if isinstance(qid, str) and qid and not ID_PATTERN.match(qid):
        out.add(
            _line_of(entry, "id"),
            f"{prefix}id",
            "must be lowercase letters, digits and hyphens, e.g. hist-001",
        )
    qtype = entry.get("type")
    if qtype not in QUESTION_TYPES:
        out.add(
            _line_of(entry, "type"),
            f"{prefix}type",
            "missing" if qtype is None else f"{qtype!r} is not one of {', '.join(QUESTION_TYPES)}",
        )
        out.check_fields(
            entry, COMMON_FIELDS | set().union(*(f for f, _ in TYPE_FIELDS.values())), REQUIRED_COMMON, prefix
        )
        return None
    allowed, required = TYPE_FIELDS[qtype]
    out.check_fields(entry, COMMON_FIELDS | allowed, REQUIRED_COMMON + required, prefix)

    teaches = out.text(entry, "teaches", prefix)
    if teaches and teaches not in anchors:
        out.add(
            _line_of(entry, "teaches"),
            f"{prefix}teaches",
            f"no section of this module has the anchor {teaches!r}",
        )
    source_keys = _read_source_keys(entry, prefix, out, sources)
    difficulty = entry.get("difficulty")
    if "difficulty" in entry and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        out.add(_line_of(entry, "difficulty"), f"{prefix}difficulty", "must be 1, 2 or 3")
    bloom = entry.get("bloom")
    if "bloom" in entry and bloom not in BLOOM_LEVELS:
        out.add(_line_of(entry, "bloom"), f"{prefix}bloom", f"must be one of {', '.join(BLOOM_LEVELS)}")
    vignette = entry.get("vignette", False)
    if not isinstance(vignette, bool):
        out.add(_line_of(entry, "vignette"), f"{prefix}vignette", "must be true or false")
    variant_of = entry.get("variant_of")
    if variant_of is not None and (not isinstance(variant_of, str) or variant_of == qid):
        out.add(_line_of(entry, "variant_of"), f"{prefix}variant_of", "must be the id of another question")
        variant_of = None
    tags = entry.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and ID_PATTERN.match(t) for t in tags):
        out.add(_line_of(entry, "tags"), f"{prefix}tags", "must be a list of lowercase-hyphenated tags")
        tags = []

    question = QuestionData(
        qid=str(qid or ""),
        type=qtype,
        teaches=teaches,
        sources=source_keys,
        stem=out.text(entry, "stem", prefix),
        objective=out.text(entry, "objective", prefix),
        variant_of=variant_of or "",
        explanation=out.text(entry, "explanation", prefix),
        difficulty=difficulty if difficulty in (1, 2, 3) else 1,
        bloom=bloom if bloom in BLOOM_LEVELS else "recall",
        vignette=vignette is True,
        tags=list(tags),
        line=entry.line,
    )
    reader = {
        "single": _read_choices,
        "multiple": _read_choices,
        "true_false": _read_true_false,
        "matching": _read_matching,
        "ordering": _read_ordering,
        "numeric": _read_numeric,
    }[qtype]
    reader(entry, question, prefix, out)
    return question


def _read_source_keys(entry: LineDict, prefix: str, out: _Collector, sources: dict[str, SourceData]) -> list[str]:
    raw = entry.get("sources")
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        out.add(_line_of(entry, "sources"), f"{prefix}sources", "must be a non-empty list of source keys")
        return []
    keys = []
    for item in raw:
        key = str(item) if not isinstance(item, bool) else ""
        if key not in sources:
            out.add(
                _line_of(entry, "sources"),
                f"{prefix}sources",
                f"unknown source {item!r} (not in references.yaml)",
            )
            continue
        if key not in keys:
            keys.append(key)
    return keys


def _sub_entries(
    entry: LineDict, name: str, prefix: str, out: _Collector, allowed: set[str], required: tuple[str, ...]
) -> list[LineDict]:
    raw = entry.get(name)
    if raw is None:
        return []
    if not isinstance(raw, list):
        out.add(_line_of(entry, name), f"{prefix}{name}", "must be a list")
        return []
    items: list[LineDict] = []
    keys: set[str] = set()
    for index, item in enumerate(raw):
        item_prefix = f"{prefix}{name}[{index}]."
        if not isinstance(item, LineDict):
            out.add(_line_of(entry, name), item_prefix[:-1], "must be a mapping of fields")
            continue
        out.check_fields(item, allowed, required, item_prefix)
        if "key" in allowed:
            key = item.get("key")
            if not isinstance(key, str) or not ID_PATTERN.match(key):
                if "key" in item:
                    out.add(
                        _line_of(item, "key"),
                        f"{item_prefix}key",
                        "must be a short lowercase text such as a, b, c",
                    )
                continue
            if key in keys:
                out.add(_line_of(item, "key"), f"{item_prefix}key", f"key {key!r} is used twice in this question")
                continue
            keys.add(key)
        items.append(item)
    return items


def _read_choices(entry: LineDict, question: QuestionData, prefix: str, out: _Collector) -> None:
    items = _sub_entries(entry, "options", prefix, out, OPTION_FIELDS, ("key", "text", "rationale"))
    for position, item in enumerate(items):
        item_prefix = f"{prefix}options[{position}]."
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            out.add(_line_of(item, "correct"), f"{item_prefix}correct", "must be true or false")
            correct = False
        misconception = out.text(item, "misconception", item_prefix)
        if not correct and not misconception:
            out.add(
                _line_of(item),
                f"{item_prefix}misconception",
                "missing: name the error that makes this option tempting",
            )
        question.options.append(
            OptionData(
                key=item.get("key"),
                text=out.text(item, "text", item_prefix),
                is_correct=correct,
                rationale=out.text(item, "rationale", item_prefix),
                misconception=misconception,
                position=position,
                line=_line_of(item, "misconception"),
            )
        )
    if not items:
        return
    raw_count = len(entry.get("options") or [])
    if raw_count < 2:
        out.add(_line_of(entry, "options"), f"{prefix}options", "needs at least two options")
    correct_count = sum(option.is_correct for option in question.options)
    if question.type == "single" and correct_count != 1:
        out.add(
            _line_of(entry, "options"),
            f"{prefix}options",
            f"a single-answer question needs exactly one correct option, found {correct_count}",
        )
    if question.type == "multiple":
        if correct_count < 2:
            out.add(
                _line_of(entry, "options"),
                f"{prefix}options",
                f"a multiple-response question needs at least two correct options, found {correct_count}",
            )
        if correct_count == len(question.options):
            out.add(
                _line_of(entry, "options"),
                f"{prefix}options",
                "a multiple-response question needs a wrong option",
            )


def _read_true_false(entry: LineDict, question: QuestionData, prefix: str, out: _Collector) -> None:
    answer = entry.get("answer")
    if "answer" in entry and not isinstance(answer, bool):
        out.add(_line_of(entry, "answer"), f"{prefix}answer", "must be true or false")
        return
    misconception = out.text(entry, "misconception", prefix)
    for value in (True, False):
        name = "true" if value else "false"
        question.options.append(
            OptionData(
                key=name,
                text=name.capitalize(),
                is_correct=answer is value,
                rationale=out.text(entry, f"rationale_{name}", prefix),
                misconception="" if answer is value else misconception,
                position=0 if value else 1,
                line=_line_of(entry, "misconception"),
            )
        )


def _read_matching(entry: LineDict, question: QuestionData, prefix: str, out: _Collector) -> None:
    items = _sub_entries(entry, "pairs", prefix, out, PAIR_FIELDS, ("key", "prompt", "answer", "rationale"))
    answers: list[str] = []
    for position, item in enumerate(items):
        item_prefix = f"{prefix}pairs[{position}]."
        answer = out.text(item, "answer", item_prefix)
        if answer and answer in answers:
            out.add(_line_of(item, "answer"), f"{item_prefix}answer", "two pairs have the same answer")
        answers.append(answer)
        question.options.append(
            OptionData(
                key=item.get("key"),
                text=out.text(item, "prompt", item_prefix),
                match_text=answer,
                is_correct=True,
                rationale=out.text(item, "rationale", item_prefix),
                position=position,
            )
        )
    if "pairs" in entry and not 2 <= len(entry.get("pairs") or []) <= 6:
        out.add(_line_of(entry, "pairs"), f"{prefix}pairs", "a matching question needs 2 to 6 pairs")
    distractors = entry.get("distractors") or []
    if not isinstance(distractors, list) or not all(isinstance(d, str) and d.strip() for d in distractors):
        out.add(_line_of(entry, "distractors"), f"{prefix}distractors", "must be a list of answer texts")
        return
    for distractor in distractors:
        if distractor.strip() in answers:
            out.add(
                _line_of(entry, "distractors"),
                f"{prefix}distractors",
                f"{distractor!r} is also a pair's answer",
            )
    question.distractors = [d.strip() for d in distractors]


def _read_ordering(entry: LineDict, question: QuestionData, prefix: str, out: _Collector) -> None:
    items = _sub_entries(entry, "items", prefix, out, ITEM_FIELDS, ("key", "text", "rationale"))
    for position, item in enumerate(items):
        item_prefix = f"{prefix}items[{position}]."
        question.options.append(
            OptionData(
                key=item.get("key"),
                text=out.text(item, "text", item_prefix),
                is_correct=True,
                rationale=out.text(item, "rationale", item_prefix),
                position=position,
            )
        )
    if "items" in entry and not 3 <= len(entry.get("items") or []) <= 6:
        out.add(_line_of(entry, "items"), f"{prefix}items", "an ordering question needs 3 to 6 items")


def _read_numeric(entry: LineDict, question: QuestionData, prefix: str, out: _Collector) -> None:
    answer = entry.get("answer")
    if "answer" in entry and not _is_number(answer):
        out.add(_line_of(entry, "answer"), f"{prefix}answer", f"must be a number, got {answer!r}")
        answer = None
    tolerance = entry.get("tolerance", 0)
    if not _is_number(tolerance) or tolerance < 0:
        out.add(
            _line_of(entry, "tolerance"),
            f"{prefix}tolerance",
            f"must be a number of 0 or more, got {tolerance!r}",
        )
        tolerance = 0
    question.numeric_answer = float(answer) if answer is not None else None
    question.numeric_tolerance = float(tolerance)
    question.unit = out.text(entry, "unit", prefix)
    question.options.append(
        OptionData(
            key="answer",
            text="",
            is_correct=True,
            rationale=out.text(entry, "rationale", prefix),
            numeric_value=question.numeric_answer,
            position=0,
        )
    )
    errors = _sub_entries(entry, "common_errors", prefix, out, ERROR_FIELDS, ("value", "rationale", "misconception"))
    for position, item in enumerate(errors, start=1):
        item_prefix = f"{prefix}common_errors[{position - 1}]."
        value = item.get("value")
        if not _is_number(value):
            if "value" in item:
                out.add(_line_of(item, "value"), f"{item_prefix}value", f"must be a number, got {value!r}")
            continue
        if answer is not None and abs(value - answer) <= tolerance:
            out.add(
                _line_of(item, "value"),
                f"{item_prefix}value",
                "lies within the tolerance of the right answer",
            )
        question.options.append(
            OptionData(
                key=f"error-{position}",
                text="",
                rationale=out.text(item, "rationale", item_prefix),
                misconception=out.text(item, "misconception", item_prefix),
                numeric_value=float(value),
                position=position,
                line=_line_of(item, "misconception"),
            )
        )


def _check_unique_ids(modules: list[ModuleData], problems: list[Problem]) -> None:
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


def _check_unique_module_orders(modules: list[ModuleData], root: Path, problems: list[Problem]) -> None:
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


def _check_variants(modules: list[ModuleData], problems: list[Problem]) -> None:
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


def _check_misconceptions(modules: list[ModuleData], problems: list[Problem]) -> None:
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
                            f"{question.qid}.{_option_field(question, option)}misconception",
                            f"{option.misconception!r} is not defined in any module's misconceptions.yaml",
                        )
                    )
    for slug, misconception in defined.items():
        if slug not in used:
            problems.append(
                Problem(misconception.path, misconception.line, f"{slug}.slug", "no option names this misconception")
            )


def _option_field(question: QuestionData, option: OptionData) -> str:
    """Where an option's fields sit in the file: `options[1].`, `common_errors[0].` or the question itself."""
    if question.type in ("single", "multiple"):
        return f"options[{option.position}]."
    if question.type == "numeric":
        return f"common_errors[{option.position - 1}]."
    return ""
