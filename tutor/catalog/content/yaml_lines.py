"""YAML read with the line of every mapping and key, so that each problem can name its place in the file.

libyaml's C parser does the reading when PyYAML was built with it (the curriculum is read on every load and by
the test suite); the mappings are built in Python either way, which is where the line numbers are kept.
"""

from __future__ import annotations

from typing import Any

import yaml

# The C parser keeps the marks (lines) on its nodes, so the Python-side constructor below works with either.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping read from YAML that remembers the line of itself and of each key."""

    line: int = 0
    lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineLoader(_BaseLoader):
    """A safe loader whose mappings are LineDicts."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
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


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(mapping: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.lines:
            return mapping.lines[key]
        return mapping.line
    return default


def shift_lines(mapping: LineDict, offset: int) -> None:
    mapping.line += offset
    mapping.lines = {key: line + offset for key, line in mapping.lines.items()}
    mapping.duplicates = [(key, line + offset) for key, line in mapping.duplicates]
