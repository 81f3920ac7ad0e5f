"""The load benchmark serves the app with two gunicorn workers unless `--workers` says otherwise."""

from __future__ import annotations

import sys

from bench import run


def started_with(monkeypatch, argv: list[str]) -> list[str]:
    monkeypatch.setattr(sys, "argv", ["run.py", *argv])
    args = run.parse_args()
    commands = []
    monkeypatch.setattr(run.subprocess, "Popen", lambda command, **kwargs: commands.append(command))
    run.start_gunicorn({}, 8123, run.Path("/tmp"), args.workers)
    (command,) = commands
    return command


def test_two_workers_by_default_and_as_many_as_asked(monkeypatch):
    default = started_with(monkeypatch, [])
    assert default[default.index("--workers") + 1] == "2"

    five = started_with(monkeypatch, ["--workers", "5"])
    assert five[five.index("--workers") + 1] == "5"
