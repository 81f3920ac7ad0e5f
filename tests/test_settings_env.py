"""Settings come from the environment; production refuses an unsafe configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="tutor.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_production_configuration_passes_the_deploy_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="tutor.example.org",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        SMTP_HOST="mail.example.org",
    )

    assert result.returncode == 0, result.stderr + result.stdout


def test_production_without_a_mail_server_is_told_to_configure_one():
    """Invitations written to a console nobody reads would be lost: the deploy checks say so."""
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="tutor.example.org",
    )

    assert result.returncode != 0
    assert "mail.E001" in result.stderr + result.stdout


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.db import connection; print(connection.vendor, connection.settings_dict['NAME'])",
        DATABASE_URL="postgres://someone@127.0.0.1:5432/whatever",
    )

    assert result.stdout.strip() == "postgresql whatever", result.stderr


def printed_by(code: str, **env: str) -> str:
    """What a line of Python prints in `manage.py shell` with these environment variables."""
    result = run_manage("shell", "--verbosity", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def mailer_in(**env: str) -> str:
    return printed_by(
        "from django.core.mail import mailers; m = mailers.default; "
        "print(type(m).__module__, getattr(m, 'host', ''), getattr(m, 'port', ''), getattr(m, 'use_tls', ''))",
        **env,
    )


def test_without_a_mail_server_invitations_are_written_to_the_console():
    assert mailer_in().startswith("django.core.mail.backends.console")


def test_smtp_host_sends_invitations_through_that_server():
    assert mailer_in(SMTP_HOST="mail.example.org", SMTP_PORT="2525") == (
        "django.core.mail.backends.smtp mail.example.org 2525 True"
    )


def test_a_port_that_is_not_a_number_is_refused_in_words():
    result = run_manage("check", SMTP_HOST="mail.example.org", SMTP_PORT="smtp")

    assert result.returncode != 0
    assert "SMTP_PORT must be a port number." in result.stderr


def postgresql_options(**env: str) -> str:
    return printed_by(
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o['server_side_binding'], o['prepare_threshold'])",
        DATABASE_URL="postgres://someone@127.0.0.1:5432/whatever",
        **env,
    )


def test_postgresql_binds_on_the_server_and_prepares_what_runs_twice_unless_told_not_to():
    assert postgresql_options() == "True 2"
    assert postgresql_options(DATABASE_PREPARE_AFTER="5") == "True 5"
    assert postgresql_options(DATABASE_PREPARE_AFTER="off") == "True None"


def test_a_prepare_count_that_is_not_a_number_is_refused_in_words():
    result = run_manage("check", DATABASE_URL="postgres://someone@127.0.0.1:5432/x", DATABASE_PREPARE_AFTER="0")

    assert result.returncode != 0
    assert 'DATABASE_PREPARE_AFTER must be a number of runs (1 or more) or "off".' in result.stderr
