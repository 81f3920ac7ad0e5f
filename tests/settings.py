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
