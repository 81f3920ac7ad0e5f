"""Test settings: the real settings with a fast password hasher and unhashed static file names."""

from tutor.settings import *  # noqa: F403
from tutor.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Tests serve static files from the finders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each request reads its user from the database, on either CI database, so that query counts are the same with and
# without Redis (tests/accounts/test_user_cache.py turns the cache on).
USER_CACHE_SECONDS = 0

# Deterministic intervals, so that tests can state exact due dates.
STUDY_FUZZ_INTERVALS = False

# Loads in tests read the tiny content tree, so its numbers are checked against the tiny sources beside it
# (tests/content reads the real sources from the real setting).
TUTOR_SOURCE_DIR = BASE_DIR / "tests" / "catalog" / "tiny_source"  # noqa: F405

# Under pytest-xdist each worker has its own test database, and needs its own Redis database too: the per-test
# cache.clear() flushes a whole Redis database, so two workers sharing one would wipe each other's sessions.
# Worker gwN takes the database N below the one configured (REDIS_URL=redis://…/15: gw0 uses 15, gw1 14).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
if _worker and CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    _base, _, _number = CACHES["default"]["LOCATION"].rpartition("/")  # noqa: F405
    _number = int(_number) if _number.isdigit() else 0
    CACHES["default"]["LOCATION"] = f"{_base}/{(_number - int(_worker.removeprefix('gw'))) % 16}"  # noqa: F405
