"""references.yaml: the review's numbered references, its own text by section (`review:`), and the updates."""

from __future__ import annotations

import re
from pathlib import Path

from tutor.catalog.content.problems import Collector, Problem, read_yaml_file
from tutor.catalog.content.tree import SourceData
from tutor.catalog.content.yaml_lines import LineDict, line_of

UPDATE_KEY_PATTERN = re.compile(r"^upd-[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_KEY_PATTERN = re.compile(r"^review:[a-z0-9]+(?:-[a-z0-9]+)*$")
CERTAINTIES = ("primary", "secondary", "reported")
REVIEW_SOURCE_FIELDS = {"number", "cited_for", "review_section"}
UPDATE_SOURCE_FIELDS = {"key", "title", "note", "source", "certainty"}
SECTION_SOURCE_FIELDS = {"key", "heading", "covers"}


def read_sources(path: Path, root: Path, problems: list[Problem]) -> dict[str, SourceData]:
    out = Collector(path, root, problems)
    if not path.exists():
        out.add(1, "file", "missing: every citation needs references.yaml")
        return {}
    data = read_yaml_file(path, out)
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
            out.add(line_of(data, "review"), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, REVIEW_SOURCE_FIELDS, tuple(sorted(REVIEW_SOURCE_FIELDS)), prefix)
        number = entry.get("number")
        if not (isinstance(number, int) and not isinstance(number, bool) and number > 0):
            if "number" in entry:
                out.add(line_of(entry, "number"), f"{prefix}number", "must be a positive whole number")
            continue
        key = str(number)
        if key in sources:
            out.add(line_of(entry, "number"), f"{prefix}number", f"duplicate reference number {number}")
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
            out.add(line_of(data, "review_sections"), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, SECTION_SOURCE_FIELDS, tuple(sorted(SECTION_SOURCE_FIELDS)), prefix)
        key = out.text(entry, "key", prefix)
        if not key:
            continue
        if not SECTION_KEY_PATTERN.match(key):
            out.add(line_of(entry, "key"), f"{prefix}key", "must look like review:lowercase-words")
            continue
        if key in sources:
            out.add(line_of(entry, "key"), f"{prefix}key", f"duplicate key {key}")
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
            out.add(line_of(data, "updates"), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, UPDATE_SOURCE_FIELDS, tuple(sorted(UPDATE_SOURCE_FIELDS)), prefix)
        key = out.text(entry, "key", prefix)
        if not key:
            continue
        if not UPDATE_KEY_PATTERN.match(key):
            out.add(line_of(entry, "key"), f"{prefix}key", "must look like upd-lowercase-words")
            continue
        if key in sources:
            out.add(line_of(entry, "key"), f"{prefix}key", f"duplicate key {key}")
        certainty = out.text(entry, "certainty", prefix)
        if certainty and certainty not in CERTAINTIES:
            out.add(line_of(entry, "certainty"), f"{prefix}certainty", f"must be one of {', '.join(CERTAINTIES)}")
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
