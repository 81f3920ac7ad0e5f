"""Settings for the load benchmark: the real settings, plus a URLconf with a bare view to compare against.

Only `bench/run.py` uses this module (through DJANGO_SETTINGS_MODULE); the app never does.
"""

import os

from tutor.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# collectstatic writes to the benchmark's own temporary folder, not the project's.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
