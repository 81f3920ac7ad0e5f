"""What a catalog snapshot keeps for the life of one content revision."""

from __future__ import annotations

from tutor.catalog import snapshot as snapshot_module
from tutor.catalog.snapshot import CatalogSnapshot


def test_remembered_works_a_value_out_once_per_key():
    snapshot = CatalogSnapshot(fingerprint="f")
    calls = []

    def work():
        calls.append(1)
        return ("a",)

    first = snapshot.remembered(("k", 1), work)
    again = snapshot.remembered(("k", 1), work)
    other = snapshot.remembered(("k", 2), work)

    assert first == again == other == ("a",) and len(calls) == 2


def test_remembered_stops_keeping_values_past_its_limit_but_still_answers(monkeypatch):
    monkeypatch.setattr(snapshot_module, "REMEMBERED_MAX", 1)
    snapshot = CatalogSnapshot(fingerprint="f")
    calls = []

    def work():
        calls.append(1)
        return len(calls)

    assert snapshot.remembered(("kept",), work) == 1
    assert snapshot.remembered(("not kept",), work) == 2
    assert snapshot.remembered(("not kept",), work) == 3
    assert snapshot.remembered(("kept",), work) == 1


def test_a_new_snapshot_remembers_nothing_of_the_old_one():
    old, new = CatalogSnapshot(fingerprint="a"), CatalogSnapshot(fingerprint="b")
    old.remembered(("k",), lambda: "old")

    assert new.remembered(("k",), lambda: "new") == "new"


def test_a_questions_marked_up_texts_are_worked_out_once_and_say_what_the_text_says(monkeypatch):
    from tutor.catalog.snapshot import OptionView, QuestionView

    worked_out = []
    real = snapshot_module.render_inline
    monkeypatch.setattr(snapshot_module, "render_inline", lambda text: worked_out.append(text) or real(text))
    option = OptionView(key="a", text="**MDMA** <b>", is_correct=True, rationale="*Not* SSRIs", misconception="",
                        match_text="", position=1, numeric_value=None)  # fmt: skip
    question = QuestionView(
        id=1, qid="q-1", type="single", type_label="Single best answer", stem="Which **one**?", objective="",
        explanation="Because *this*.", difficulty=1, bloom="recall", vignette=False, tags=(), revision=1,
        retired=False, module_id=1, module_slug="m", module_title="M", section_anchor="s", section_title="S",
        options=(option,), sources=(), numeric_answer=None, numeric_tolerance=None, unit="", distractors=(), order=1,
    )  # fmt: skip

    for _ in range(3):
        assert question.stem_html == "Which <strong>one</strong>?"
        assert question.explanation_html == "Because <em>this</em>."
        assert option.text_html == "<strong>MDMA</strong> &lt;b&gt;"
        assert option.rationale_html == "<em>Not</em> SSRIs"

    assert sorted(worked_out) == sorted(["Which **one**?", "Because *this*.", "**MDMA** <b>", "*Not* SSRIs"])
