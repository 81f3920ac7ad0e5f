from __future__ import annotations

import pytest

from tests.conftest import TINY_CONTENT
from tutor.catalog.snapshot import catalog


@pytest.fixture
def bank(db, load_content):
    """The tiny curriculum: one module, `alpha`, with a question of each of the six types."""
    assert load_content(TINY_CONTENT).ok
    return catalog()
