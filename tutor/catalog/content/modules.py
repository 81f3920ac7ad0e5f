"""A module folder: module.md (front matter, then `## Title {#anchor}` sections), its questions and misconceptions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tutor.catalog.content.problems import Collector, Problem, read_yaml_file
from tutor.catalog.content.questions import read_questions
from tutor.catalog.content.tree import (
    ANCHOR_PATTERN,
    ID_PATTERN,
    MisconceptionData,
    ModuleData,
    SectionData,
    SourceData,
)
from tutor.catalog.content.yaml_lines import LineDict, LineLoader, line_of, shift_lines
from tutor.catalog.rendering import CITATION

SECTION_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*(?:\{#(?P<anchor>[^}]*)\})?\s*$")
MODULE_FIELDS = {"title", "order", "summary", "objectives"}
MISCONCEPTION_FIELDS = {"slug", "label", "corrects"}


def read_module(folder: Path, root: Path, sources: dict[str, SourceData], problems: list[Problem]) -> ModuleData | None:
    path = folder / "module.md"
    out = Collector(path, root, problems)
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
    front_out = Collector(path, root, problems)
    try:
        front = yaml.load("\n".join(lines[1:end]), Loader=LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        out.add((mark.line + 2) if mark else 2, "front matter", str(getattr(error, "problem", None) or error))
        return None
    if not isinstance(front, LineDict):
        out.add(2, "front matter", "must be a mapping of fields")
        return None
    shift_lines(front, 1)
    front_out.check_fields(front, MODULE_FIELDS, tuple(sorted(MODULE_FIELDS)), "")
    order = front.get("order")
    if "order" in front and not (isinstance(order, int) and not isinstance(order, bool)):
        out.add(line_of(front, "order"), "order", "must be a whole number")
        order = 0
    objectives = front.get("objectives") or []
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        out.add(line_of(front, "objectives"), "objectives", "must be a list of sentences")
        objectives = []

    sections = _read_sections(lines, end + 1, out, sources)
    anchors = {section.anchor for section in sections}
    questions_path = folder / "questions.yaml"
    questions = (
        read_questions(questions_path, root, slug, anchors, sources, problems) if questions_path.exists() else []
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
    out = Collector(path, root, problems)
    data = read_yaml_file(path, out)
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
                out.add(line_of(entry, "slug"), f"{prefix}slug", "must be lowercase words joined by hyphens")
            continue
        corrects = out.text(entry, "corrects", prefix)
        if corrects and corrects not in anchors:
            out.add(
                line_of(entry, "corrects"),
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


def _read_sections(lines: list[str], start: int, out: Collector, sources: dict[str, SourceData]) -> list[SectionData]:
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
