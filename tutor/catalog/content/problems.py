"""Problems found in the content, each located as `file:line: field: message`, and the helpers that report them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tutor.catalog.content.yaml_lines import LineDict, LineLoader, line_of


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class Collector:
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
                    line_of(mapping, key),
                    f"{prefix}{key}",
                    f"unknown field (allowed: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in mapping or is_blank(mapping[key]):
                self.add(line_of(mapping), f"{prefix}{key}", "missing")

    def text(self, mapping: LineDict, key: str, prefix: str, *, required: bool = True) -> str:
        value = mapping.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(line_of(mapping, key), f"{prefix}{key}", "must be text")
            return ""
        return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_yaml_file(path: Path, out: Collector) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        out.add(line, "yaml", str(getattr(error, "problem", None) or error))
    except UnicodeDecodeError:
        out.add(1, "file", "is not UTF-8 text")
    return None
