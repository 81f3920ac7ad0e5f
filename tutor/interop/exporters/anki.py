"""Anki decks (.apkg) built with genanki: one note per question, updated in place when exported again.

The note type and its id are fixed, and each note's GUID is derived from the question's stable id, so importing a
newer export into Anki updates the learner's existing notes (and keeps their review history) instead of adding
copies.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

import genanki

from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_html,
    html,
    number_text,
    tag,
)

# Fixed ids: changing them would make Anki treat every later export as a different note type.
NOTE_TYPE_ID = 1_734_921_606
NOTE_FIELDS = ["QuestionId", "Stem", "Options", "Answer", "Explanation", "Rationales", "Module", "Section"]

CARD_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; color: #1b1b1b; background: #fff; }
.meta { color: #555; font-size: 14px; }
ol.options li, ul.rationales li { margin: 0.3em 0; }
.answer { border-left: 4px solid #2a7d4f; padding-left: 0.6em; }
"""

NOTE_TYPE = genanki.Model(
    NOTE_TYPE_ID,
    f"{APP_NAME} question",
    fields=[{"name": name} for name in NOTE_FIELDS],
    templates=[
        {
            "name": "Question",
            "qfmt": '<p class="meta">{{Module}} &rsaquo; {{Section}}</p><div class="stem">{{Stem}}</div>{{Options}}',
            "afmt": (
                '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
                "<div>{{Explanation}}</div>{{#Rationales}}<h4>Why</h4>{{Rationales}}{{/Rationales}}"
            ),
        }
    ],
    css=CARD_CSS,
    sort_field_index=1,
)


def note_guid(question: QuestionView) -> str:
    """Stable per question id, whatever its revision, so a re-export updates the note."""
    return genanki.guid_for(APP_NAME, question.qid)


def deck_id(name: str) -> int:
    """A stable deck id for a deck name (Anki ids are positive 63-bit integers)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:7], "big") + 1


class Anki:
    """What a question type writes its card's fields with (tutor/questions/<type>.py, `anki_*`)."""

    html = staticmethod(html)
    number_text = staticmethod(number_text)


ANKI = Anki()


def options_html(question: QuestionView) -> str:
    return question.type_spec.anki_options(ANKI, question)


def answer_html(question: QuestionView) -> str:
    return question.type_spec.anki_answer(ANKI, question)


def rationales_html(question: QuestionView) -> str:
    rows = question.type_spec.anki_rationales(ANKI, question)
    return f'<ul class="rationales">{"".join(rows)}</ul>' if rows else ""


def question_note(question: QuestionView) -> genanki.Note:
    return genanki.Note(
        model=NOTE_TYPE,
        fields=[
            question.qid,
            html(question.stem),
            options_html(question),
            answer_html(question),
            general_feedback_html(question),
            rationales_html(question),
            html(question.module_title),
            html(question.section_title),
        ],
        guid=note_guid(question),
        tags=note_tags(question),
    )


def note_tags(question: QuestionView) -> list[str]:
    """Module and section as hierarchical tags (Anki shows `::` as a tree); tags may not contain spaces."""
    module = tag(question.module_slug)
    return [f"mdma-at::{module}", f"mdma-at::{module}::{tag(question.section_anchor)}"]


def anki_package(questions: Sequence[QuestionView], *, deck_name: str, timestamp: float | None = None) -> bytes:
    """An .apkg holding one deck of the given questions, stamped `timestamp` (now by default).

    Anki updates an existing note only when the imported one is newer, so each export carries its own time.
    """
    deck = genanki.Deck(deck_id(deck_name), deck_name)
    for question in questions:
        deck.add_note(question_note(question))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path), timestamp=timestamp)
        return path.read_bytes()
