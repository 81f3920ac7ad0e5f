"""The figures of a text: every number written in it, normalised so that 0.90, .9 and 0,9 compare equal.

Not figures (documented in content/README.md, "Numbers"): the digits of a name such as 5-HT1A, D2, IL-1β,
CAPS-5 or MAPP1 (a digit glued to a letter, a number before "-" and a capital, or after a capital and "-");
reference brackets such as [16]; and a digit 1 to 5 that counts the item's own answers ("choose 2", "select 3",
"2 of the following"). Numbers written as words are not read as figures in an item; in a source, the words one to
ten and first to tenth count as their numbers too, so "the third phase" supports an item's "phase 3".
"""

from __future__ import annotations

import re

from tutor.catalog.rendering import CITATION

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
NAME_PART = re.compile(
    r"[^\W\d_]\d+(?:[.,]\d+)?|\d+[^\W\d_]"  # glued to a letter: HT1A, D2, MAPP1
    r"|\b\d+-[A-Z]"  # before a hyphen and a capital: 5-HT
    r"|[A-Z]-\d+\b"  # after a capital and a hyphen: CAPS-5, IL-1
)
REFERENCE = re.compile(r"\[\d[\d,\s\u2013-]*\]")
ANSWER_COUNT = re.compile(
    r"\b(?:choose|select|pick|name|mark|tick)\s+(?:the\s+)?[1-5]\b|\b[1-5]\s+(?:of\s+the\s+following|options|answers)\b",
    re.IGNORECASE,
)


NUMBER_WORDS = {
    word: str(value)
    for value, words in enumerate(
        [("one", "first"), ("two", "second"), ("three", "third"), ("four", "fourth"), ("five", "fifth"),
         ("six", "sixth"), ("seven", "seventh"), ("eight", "eighth"), ("nine", "ninth"), ("ten", "tenth")],
        start=1,
    )
    for word in words
}  # fmt: skip
NUMBER_WORD = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})\b", re.IGNORECASE)


def _blank_out(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def numbers_in(text: str, *, words: bool = False) -> set[str]:
    """Every figure in a text, normalised: decimal commas read both as decimals and as thousands separators.

    With `words`, the numbers one to ten written as words (and their ordinals) count too: for source texts.
    """
    text = CITATION.sub(" ", text)
    for pattern in (REFERENCE, ANSWER_COUNT, NAME_PART):
        text = _blank_out(pattern, text)
    found: set[str] = set()
    for token in NUMBER.findall(text):
        found.add(_normal(token.replace(",", ".")))
        if "," in token:
            found.update(_normal(part) for part in token.split(","))
    if words:
        found.update(NUMBER_WORDS[word.lower()] for word in NUMBER_WORD.findall(text))
    return found


def _normal(token: str) -> str:
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token.lstrip("0") or "0"
