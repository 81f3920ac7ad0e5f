"""Anki export: proved by importing the file with Anki's own library into a fresh collection."""

from __future__ import annotations

import dataclasses

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS

from tests.factories import UserFactory
from tutor.catalog.models import Question
from tutor.interop.exporters.anki import anki_package
from tutor.interop.selectors import module_questions
from tutor.study.models import Flag

pytestmark = pytest.mark.django_db


def import_into(collection: Collection, content: bytes, tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(content)
    options = ImportAnkiPackageOptions(update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS)
    return collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options))


def notes_by_id(collection: Collection) -> dict[str, object]:
    notes = [collection.get_note(note_id) for note_id in collection.find_notes("")]
    return {note["QuestionId"]: note for note in notes}


def test_anki_imports_one_note_per_question_and_a_reexport_updates_them(bank, tmp_path):
    questions = module_questions(bank, "alpha")
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_into(
            collection,
            anki_package(questions, deck_name="MDMA-AT Tutor::Alpha", timestamp=1_800_000_000),
            tmp_path,
            "first.apkg",
        )
        notes = notes_by_id(collection)
        assert collection.note_count() == 6 and set(notes) == {q.qid for q in questions}
        single = notes["alpha-001"]
        assert single["Stem"] == "Which one is right?"
        assert "The right one" in single["Answer"] and "A wrong one" not in single["Answer"]
        assert "It is wrong." in single["Rationales"] and "The right one is right." in single["Explanation"]
        assert single.tags == ["mdma-at::alpha", "mdma-at::alpha::first"]
        assert "54.2%" in notes["alpha-006"]["Answer"] and "± 0.5" in notes["alpha-006"]["Answer"]
        assert "Left one → Right one" in notes["alpha-004"]["Answer"]
        first_ids = {qid: note.id for qid, note in notes.items()}

        # The bank changes: a stem is edited. The new export updates the same notes instead of adding copies.
        edited = [
            dataclasses.replace(q, stem="Which one is right, now?") if q.qid == "alpha-001" else q for q in questions
        ]
        import_into(
            collection,
            anki_package(edited, deck_name="MDMA-AT Tutor::Alpha", timestamp=1_800_000_060),
            tmp_path,
            "second.apkg",
        )
        notes = notes_by_id(collection)
        assert collection.note_count() == 6
        assert {qid: note.id for qid, note in notes.items()} == first_ids
        assert notes["alpha-001"]["Stem"] == "Which one is right, now?"
    finally:
        collection.close()


def test_learner_exports_only_their_own_flagged_questions(bank, client):
    learner, other = UserFactory(), UserFactory()
    Flag.objects.create(learner=learner, question=Question.objects.get(qid="alpha-002"))
    Flag.objects.create(learner=other, question=Question.objects.get(qid="alpha-005"))
    client.force_login(learner)
    response = client.get("/export/anki/?selection=flagged")
    assert response.status_code == 200 and response["Content-Type"] == "application/apkg"
    assert response.content[:2] == b"PK"


def test_anki_export_answers_each_bad_input_with_a_message(bank, client):
    client.force_login(UserFactory())
    assert client.get("/export/anki/").status_code == 200
    missing = client.get("/export/anki/?selection=missed")
    assert missing.status_code == 404 and b"nothing to export" in missing.content
    assert client.get("/export/anki/?selection=module").status_code == 400
    bad = client.get("/export/anki/?selection=chosen&qid=nope-999")
    assert bad.status_code == 400 and b"nope-999 is not a question of the bank." in bad.content
    assert client.get("/export/anki/?selection=everything").status_code == 400
    chosen = client.get("/export/anki/?selection=chosen&qid=alpha-001&qid=alpha-003")
    assert chosen.status_code == 200


def test_anki_export_needs_an_account(bank, client):
    assert client.get("/export/anki/?selection=module&module=alpha").status_code == 302


def test_module_and_missed_pages_link_to_the_anki_export(bank, client):
    client.force_login(UserFactory())
    assert b"/export/anki/?selection=module&amp;module=alpha" in client.get("/modules/alpha/").content
