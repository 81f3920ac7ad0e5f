"""Time `load_content` of the whole curriculum in-process: on a freshly migrated database and again with nothing
changed, three runs each, on SQLite and on PostgreSQL. Prints figures; never passes or fails.

    .venv/bin/python bench/load_content.py [--runs 3] [--only sqlite|postgres]
        [--postgres postgres://postgres@127.0.0.1:5432]

Each run copies a database migrated once (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so
every fresh load meets empty catalog tables and the migration is not timed.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--inner", help=argparse.SUPPRESS)  # the database URL of the migrated template, in a child
    args = parser.parse_args()
    if args.inner:
        return time_loads(args.inner, args.runs)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="tutor-load-"))
    try:
        if args.only in (None, "sqlite"):
            run_backend(f"sqlite:///{workdir / 'template.sqlite3'}", args.runs)
        if args.only in (None, "postgres"):
            template = f"tutor_loadbench_{os.getpid()}"
            _postgres(args.postgres, f'CREATE DATABASE "{template}"')
            try:
                run_backend(f"{args.postgres}/{template}", args.runs)
            finally:
                _postgres(args.postgres, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run_backend(url: str, runs: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tutor.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, __file__, "--inner", url, "--runs", str(runs)], cwd=ROOT, env=env, check=True)


def time_loads(template_url: str, runs: int) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vendor = "PostgreSQL" if template_url.startswith("postgres") else "SQLite"
    template = connection.settings_dict["NAME"]
    for run in range(1, runs + 1):
        copy = _copy_database(connection, template_url, template, run)
        figures = []
        for label in ("fresh", "no-op"):
            with CaptureQueriesContext(connection) as queries:
                started, cpu = time.perf_counter(), time.process_time()
                call_command("load_content", stdout=io.StringIO())
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            figures.append(f"{label} {elapsed:.3f} s wall, {cpu:.3f} s CPU ({len(queries)} queries)")
        print(f"{vendor} run {run}: {', '.join(figures)}; load {os.getloadavg()[0]:.2f}", flush=True)
        _drop_copy(connection, template_url, copy)
    return 0


def _copy_database(connection, template_url: str, template: str, run: int) -> str:
    """Point Django's connection at a fresh copy of the migrated template; return the copy's name."""
    connection.close()
    if connection.vendor == "sqlite":
        copy = str(Path(template).with_name(f"run{run}.sqlite3"))
        shutil.copyfile(template, copy)
    else:
        copy = f"{template}_run{run}"
        _postgres(template_url.rsplit("/", 1)[0], f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
    connection.settings_dict["NAME"] = copy
    return copy


def _drop_copy(connection, template_url: str, copy: str) -> None:
    connection.close()
    if connection.vendor == "sqlite":
        Path(copy).unlink(missing_ok=True)
    else:
        _postgres(template_url.rsplit("/", 1)[0], f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def _postgres(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(statement)


if __name__ == "__main__":
    sys.exit(main())
