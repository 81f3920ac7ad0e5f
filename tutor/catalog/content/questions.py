"""questions.yaml: the fields every question has; the fields of each type are read by its module in tutor/questions."""

from __future__ import annotations

from pathlib import Path

from tutor.catalog.content.problems import Collector, Problem, read_yaml_file
from tutor.catalog.content.tree import ID_PATTERN, QuestionData, SourceData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.questions.registry import all_types, question_type, type_names

BLOOM_LEVELS = ("recall", "understand", "apply")
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
    "changed",
    "change_note",
}
CHANGE_KINDS = ("evidence", "wording")
CHANGE_NOTE_MAX = 200
REQUIRED_COMMON = ("id", "type", "teaches", "sources", "stem", "objective", "explanation", "difficulty", "bloom")


def read_questions(
    path: Path,
    root: Path,
    slug: str,
    anchors: set[str],
    sources: dict[str, SourceData],
    problems: list[Problem],
) -> list[QuestionData]:
    out = Collector(path, root, problems)
    data = read_yaml_file(path, out)
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
    entry: LineDict, index: int, out: Collector, anchors: set[str], sources: dict[str, SourceData]
) -> QuestionData | None:
    qid = entry.get("id")
    label = qid if isinstance(qid, str) and qid else f"[{index}]"
    prefix = f"{label}."
    if isinstance(qid, str) and qid and not ID_PATTERN.match(qid):
        out.add(
            line_of(entry, "id"),
            f"{prefix}id",
            "must be lowercase letters, digits and hyphens, e.g. hist-001",
        )
    qtype = entry.get("type")
    names = type_names()
    if not isinstance(qtype, str) or qtype not in names:
        out.add(
            line_of(entry, "type"),
            f"{prefix}type",
            "missing" if qtype is None else f"{qtype!r} is not one of {', '.join(names)}",
        )
        out.check_fields(entry, COMMON_FIELDS.union(*(spec.fields for spec in all_types())), REQUIRED_COMMON, prefix)
        return None
    spec = question_type(qtype)
    out.check_fields(entry, COMMON_FIELDS | spec.fields, REQUIRED_COMMON + spec.required, prefix)

    teaches = out.text(entry, "teaches", prefix)
    if teaches and teaches not in anchors:
        out.add(
            line_of(entry, "teaches"),
            f"{prefix}teaches",
            f"no section of this module has the anchor {teaches!r}",
        )
    source_keys = _read_source_keys(entry, prefix, out, sources)
    difficulty = entry.get("difficulty")
    if "difficulty" in entry and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        out.add(line_of(entry, "difficulty"), f"{prefix}difficulty", "must be 1, 2 or 3")
    bloom = entry.get("bloom")
    if "bloom" in entry and bloom not in BLOOM_LEVELS:
        out.add(line_of(entry, "bloom"), f"{prefix}bloom", f"must be one of {', '.join(BLOOM_LEVELS)}")
    vignette = entry.get("vignette", False)
    if not isinstance(vignette, bool):
        out.add(line_of(entry, "vignette"), f"{prefix}vignette", "must be true or false")
    variant_of = entry.get("variant_of")
    if variant_of is not None and (not isinstance(variant_of, str) or variant_of == qid):
        out.add(line_of(entry, "variant_of"), f"{prefix}variant_of", "must be the id of another question")
        variant_of = None
    changed, change_note = _read_change(entry, prefix, out)
    tags = entry.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and ID_PATTERN.match(t) for t in tags):
        out.add(line_of(entry, "tags"), f"{prefix}tags", "must be a list of lowercase-hyphenated tags")
        tags = []

    question = QuestionData(
        qid=str(qid or ""),
        type=qtype,
        teaches=teaches,
        sources=source_keys,
        stem=out.text(entry, "stem", prefix),
        objective=out.text(entry, "objective", prefix),
        variant_of=variant_of or "",
        changed=changed,
        change_note=change_note,
        explanation=out.text(entry, "explanation", prefix),
        difficulty=difficulty if difficulty in (1, 2, 3) else 1,
        bloom=bloom if bloom in BLOOM_LEVELS else "recall",
        vignette=vignette is True,
        tags=list(tags),
        line=entry.line,
        field_lines=dict(entry.lines),
    )
    spec.read(entry, question, prefix, out)
    return question


def _read_source_keys(entry: LineDict, prefix: str, out: Collector, sources: dict[str, SourceData]) -> list[str]:
    raw = entry.get("sources")
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        out.add(line_of(entry, "sources"), f"{prefix}sources", "must be a non-empty list of source keys")
        return []
    keys = []
    for item in raw:
        key = str(item) if not isinstance(item, bool) else ""
        if key not in sources:
            out.add(
                line_of(entry, "sources"),
                f"{prefix}sources",
                f"unknown source {item!r} (not in references.yaml)",
            )
            continue
        if key not in keys:
            keys.append(key)
    return keys


def _read_change(entry: LineDict, prefix: str, out: Collector) -> tuple[str, str]:
    """The marker of the latest edit: `changed: evidence` needs a one-line `change_note` that learners will read;
    `changed: wording` (a typo fix) takes none."""
    changed = entry.get("changed")
    note = out.text(entry, "change_note", prefix)
    if changed is None:
        if note:
            out.add(line_of(entry, "change_note"), f"{prefix}change_note", "needs `changed: evidence` beside it")
        return "", ""
    if changed not in CHANGE_KINDS:
        out.add(line_of(entry, "changed"), f"{prefix}changed", f"must be one of {', '.join(CHANGE_KINDS)}")
        return "", ""
    if changed == "evidence":
        if not note:
            out.add(
                line_of(entry, "changed"),
                f"{prefix}change_note",
                "an evidence change needs a one-line note saying what changed",
            )
        elif "\n" in note or len(note) > CHANGE_NOTE_MAX:
            out.add(
                line_of(entry, "change_note"),
                f"{prefix}change_note",
                f"must be one line of at most {CHANGE_NOTE_MAX} characters",
            )
            note = ""
    elif note:
        out.add(line_of(entry, "change_note"), f"{prefix}change_note", "only an evidence change takes a note")
        note = ""
    return changed, note
