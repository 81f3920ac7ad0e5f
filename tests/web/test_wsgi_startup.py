"""The WSGI entry point sets Django up, then puts what startup loaded out of the cycle collector's sight; what
requests make afterwards is still collected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, weakref
before = gc.get_freeze_count()
import tutor.wsgi
frozen = gc.get_freeze_count()

class Node:
    pass

made_later = Node()
made_later.me = made_later  # a reference cycle, as a request's objects make
alive = weakref.ref(made_later)
del made_later
gc.collect()
print(json.dumps({"before": before, "frozen": frozen, "enabled": gc.isenabled(), "cycle_freed": alive() is None}))
"""


def test_startup_objects_are_frozen_and_later_cycles_still_collected():
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="tutor.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["before"] == 0
    assert found["frozen"] > 50_000  # Django and the app's modules, models and settings
    assert found["enabled"] is True
    assert found["cycle_freed"] is True
