from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

TINY_CONTENT = Path(__file__).parent / "catalog" / "tiny_content"


@dataclass
class CommandResult:
    ok: bool
    out: str
    err: str


@pytest.fixture(autouse=True)
def fresh_catalog(monkeypatch):
    """Each test sees the catalog rows it made, not a snapshot left by another test. Within a test the snapshot is
    checked for changes only when the test forgets it (as a content load in this process does), never because a
    slow machine let the few seconds between checks pass: query counts stay exact under load."""
    from tutor.catalog import snapshot

    monkeypatch.setattr(snapshot, "RECHECK_SECONDS", float("inf"))
    snapshot.forget_catalog()
    yield
    snapshot.forget_catalog()


@pytest.fixture(autouse=True)
def empty_cache():
    """Sessions and throttling counts live in the cache (local memory in tests): each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tiny_content(tmp_path: Path) -> Path:
    """A private copy of the tiny content tree that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(TINY_CONTENT, target)
    return target


@pytest.fixture
def load_content():
    """Run `load_content` on a folder and capture what it printed."""

    def run(path: Path, *args: str) -> CommandResult:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("load_content", "--path", str(path), *args, stdout=out, stderr=err)
        except CommandError as error:
            return CommandResult(False, out.getvalue(), err.getvalue() + str(error))
        return CommandResult(True, out.getvalue(), err.getvalue())

    return run
