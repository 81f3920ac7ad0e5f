"""The texts of the sources, split the way citations point into them.

A numbered reference `[n]` stands for the review's sentences that carry that bracket (ranges such as [42-45], with
an en dash or a hyphen, and lists such as [8, 9] count for each number); a `review:` key for the text of that
section of the review, found by the heading references.yaml gives it; an `upd-` key for its entry of updates.md. The
sources live beside the project (settings.TUTOR_SOURCE_DIR), not in it, so every reader here takes the folder as an
argument.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REVIEW_FILE = "review.txt"
UPDATES_FILE = "updates.md"

BRACKET = re.compile(r"\[(\d+(?:\s*[\u2013-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[\u2013-]\s*\d+)?)*)\]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
UPDATE_ENTRY = re.compile(r"^- \*\*(upd-[a-z0-9-]+)\*\*", re.MULTILINE)
TABLE_END = "Reprinted with permission"


@dataclass
class SourceTexts:
    """Each source's text, by the key a question cites."""

    review: str
    updates: str
    references: dict[int, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)  # by heading
    entries: dict[str, str] = field(default_factory=dict)
    missing_headings: list[str] = field(default_factory=list)

    @property
    def whole(self) -> str:
        return self.review + "\n" + self.updates

    def text_for(self, key: str, headings: dict[str, str]) -> str:
        """The text a source key stands for; `headings` maps review: keys to their headings."""
        if key.isdigit():
            return self.references.get(int(key), "")
        if key in headings:
            return self.sections.get(headings[key], "")
        return self.entries.get(key, "")


def read_source_texts(folder: Path, headings: Iterable[str] = ()) -> SourceTexts | None:
    """Read review.txt and updates.md from `folder`; None when either is missing."""
    review_path, updates_path = Path(folder) / REVIEW_FILE, Path(folder) / UPDATES_FILE
    if not review_path.is_file() or not updates_path.is_file():
        return None
    review = review_path.read_text(encoding="utf-8")
    updates = updates_path.read_text(encoding="utf-8")
    sections, missing = review_sections(review, list(headings))
    return SourceTexts(
        review=review,
        updates=updates,
        references=reference_sentences(review),
        sections=sections,
        entries=update_entries(updates),
        missing_headings=missing,
    )


def flowing(text: str) -> str:
    """One line of text: words broken across lines joined again, runs of white space made one space."""
    text = re.sub(r"(?<=[a-z])-\s*\n\s*(?=[a-z])", "", text)
    return " ".join(text.split())


def bracket_numbers(inside: str) -> set[int]:
    """The reference numbers inside one bracket: "8-9" -> {8, 9} (en dash or hyphen); "2, 5" -> {2, 5}."""
    numbers: set[int] = set()
    for part in inside.split(","):
        bounds = re.split(r"\s*[\u2013-]\s*", part.strip())
        low, high = int(bounds[0]), int(bounds[-1])
        numbers.update(range(low, high + 1) if low <= high else (low, high))
    return numbers


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(flowing(text)) if s]


def reference_sentences(review: str) -> dict[int, str]:
    """For each reference number, the review's sentences that carry it, joined."""
    found: dict[int, list[str]] = defaultdict(list)
    for sentence in sentences(review):
        for bracket in BRACKET.findall(sentence):
            for number in bracket_numbers(bracket):
                found[number].append(sentence)
    return {number: "\n".join(texts) for number, texts in found.items()}


def _normal(text: str) -> str:
    return " ".join(text.split())


def _heading_lines(lines: list[str], heading: str) -> tuple[int, int] | None:
    """The first line and the line after a heading printed on one to three lines; None when absent."""
    wanted = _normal(heading)
    for start in range(len(lines)):
        for length in (1, 2, 3):
            if _normal(" ".join(lines[start : start + length])) == wanted:
                return start, start + length
    return None


def _table_end(lines: list[str], start: int) -> int:
    """A table runs to the blank line after its "Reprinted with permission" credit (footnotes included)."""
    credit = next((i for i in range(start, len(lines)) if lines[i].strip().startswith(TABLE_END)), None)
    if credit is None:
        return start
    return next((i for i in range(credit, len(lines)) if not lines[i].strip()), len(lines))


def review_sections(review: str, headings: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split the review by its headings; return each heading's text and the headings not found.

    A heading starting with "Table" is a table set inside a section: its text runs to the end of its credit line
    and footnotes, and is left out of the section around it. The first section also holds what precedes its
    heading (the summary before the introduction).
    """
    lines = review.splitlines()
    found: list[tuple[int, int, str]] = []
    missing = []
    for heading in headings:
        place = _heading_lines(lines, heading)
        if place is None:
            missing.append(heading)
        else:
            found.append((place[0], place[1], heading))
    found.sort()
    tables = {heading: (start, _table_end(lines, end)) for start, end, heading in found if heading.startswith("Table")}
    prose = [(start, end, heading) for start, end, heading in found if heading not in tables]
    texts: dict[str, str] = {}
    for index, (_start, end, heading) in enumerate(prose):
        stop = prose[index + 1][0] if index + 1 < len(prose) else len(lines)
        first = 0 if index == 0 else end
        kept = [
            line
            for number, line in enumerate(lines[first:stop], start=first)
            if not any(t_start <= number < t_end for t_start, t_end in tables.values())
        ]
        texts[heading] = flowing("\n".join(kept))
    for heading, (start, end) in tables.items():
        texts[heading] = flowing("\n".join(lines[start:end]))
    return texts, missing


def update_entries(updates: str) -> dict[str, str]:
    """Each `**upd-...**` entry of updates.md, to the next entry or heading."""
    entries: dict[str, str] = {}
    matches = list(UPDATE_ENTRY.finditer(updates))
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(updates)
        heading = updates.find("\n#", match.end(), stop)
        entries[match.group(1)] = flowing(updates[match.start() : heading if heading != -1 else stop])
    return entries
