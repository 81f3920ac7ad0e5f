"""Test settings: the real settings with a fast password hasher and unhashed static file names."""

from tutor.settings import *  # noqa: F403
from tutor.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Tests serve static files from the finders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Deterministic intervals, so that tests can state exact due dates.
STUDY_FUZZ_INTERVALS = False

# Loads in tests read the tiny content tree, so its numbers are checked against the tiny sources beside it
# (tests/content reads the real sources from the real setting).
TUTOR_SOURCE_DIR = BASE_DIR / "tests" / "catalog" / "tiny_source"  # noqa: F405
