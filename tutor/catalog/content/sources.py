"""references.yaml: the review's numbered references, its own text by section (`review:`), and the updates."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    for entry, prefix, key in keyed_entries(
        data, "review_sections", SECTION_SOURCE_FIELDS, SECTION_KEY_PATTERN, "review:lowercase-words", sources, out
    ):
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
    for entry, prefix, key in keyed_entries(
        data, "updates", UPDATE_SOURCE_FIELDS, UPDATE_KEY_PATTERN, "upd-lowercase-words", sources, out
    ):
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


def keyed_entries(
    data: LineDict,
    list_name: str,
    fields: set[str],
    pattern: re.Pattern,
    looks_like: str,
    sources: dict[str, SourceData],
    out: Collector,
) -> Iterator[tuple[LineDict, str, str]]:
    """Each well-formed entry of a keyed list (`review_sections`, `updates`) with its prefix for messages and its
    key; an entry that is not a mapping, lacks a key or has a malformed one is reported and skipped, a duplicate
    key reported (and the later entry kept)."""
    for index, entry in enumerate(data.get(list_name) or []):
        prefix = f"{list_name}[{index}]."
        if not isinstance(entry, LineDict):
            out.add(line_of(data, list_name), prefix[:-1], "must be a mapping")
            continue
        out.check_fields(entry, fields, tuple(sorted(fields)), prefix)
        key = out.text(entry, "key", prefix)
        if not key:
            continue
        if not pattern.match(key):
            out.add(line_of(entry, "key"), f"{prefix}key", f"must look like {looks_like}")
            continue
        if key in sources:
            out.add(line_of(entry, "key"), f"{prefix}key", f"duplicate key {key}")
        yield entry, prefix, key
