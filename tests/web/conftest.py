from __future__ import annotations

import pytest

from tests.cohorts.conftest import answer, bank  # noqa: F401
from tests.study.conftest import attempt_for, learner, logged_in, make_question, module  # noqa: F401


@pytest.fixture(autouse=True)
def site_time_zone(settings):
    settings.TIME_ZONE = "UTC"
