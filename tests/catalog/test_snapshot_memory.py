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
