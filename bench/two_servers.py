"""Two app servers behind HAProxy on one PostgreSQL and one Redis: does the app behave as on one server?

A learner's requests go through HAProxy, which sends them to the two gunicorn servers in turn (round robin, no
stickiness), and five properties are checked, each printed as PASS or FAIL with the servers that answered:

- sessions: logged in through one server, the learner studies on both;
- user changes: a change to the learner saved through one server is seen by the other at once (each request's
  user is read from Redis, and dropped from it when saved);
- throttling: wrong passwords spread over both servers add up to one lockout (django-axes counts in Redis);
- the catalog: after `load_content` changes a module's title, both servers show the new title at once (each keys
  its in-memory catalog by the newest content load in the database);
- tasks: a task queued through a server runs exactly once, with a task worker beside each server.

    .venv/bin/python bench/two_servers.py [--postgres postgres://postgres@127.0.0.1:5432] [--redis redis://…/11]

Prerequisites (nothing is installed at run time): Debian's HAProxy (`apt-get install haproxy`), PostgreSQL on
127.0.0.1:5432 with trust, Redis on 127.0.0.1:6379. Exits 0 when every property holds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    HOST,
    ROOT,
    bench_environment,
    create_database,
    drop_database,
    free_port,
    fresh_redis,
    http_request,
    manage,
    stop_gunicorn,
)

PASSWORD = "two-servers-pass-123"
FAILURE_LIMIT = 3
HAPROXY_CONFIG = """global
    maxconn 256
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend web
    bind {host}:{port}
    default_backend app
backend app
    balance roundrobin
    http-response set-header X-Served-By %[srv_name]
    server a {host}:{a}
    server b {host}:{b}
"""


class Browser:
    """One person's cookies, sent through the load balancer; remembers which server answered each request."""

    def __init__(self, port: int):
        self.port, self.cookies, self.servers = port, SimpleCookie(), []

    def request(self, method: str, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())}
        body = None
        if fields is not None:
            fields = {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"].value}
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        status, set_cookies, content, served_by = http_request(
            self.port, method, path, body=body, headers=headers, served_by=True
        )
        for header in set_cookies:
            self.cookies.load(header)
        self.servers.append(served_by)
        return status, content.decode(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11"))
    args = parser.parse_args()
    haproxy = shutil.which("haproxy")
    if not haproxy:
        sys.exit("two_servers needs HAProxy: apt-get install haproxy (Debian), then run again.")
    workdir = Path(tempfile.mkdtemp(prefix="tutor-two-"))
    database = f"tutor_two_{os.getpid()}"
    processes: list[subprocess.Popen] = []
    created = False
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        content = workdir / "content"
        shutil.copytree(ROOT / "content", content)
        create_database(args.postgres, database)
        created = True
        if not fresh_redis(args.redis):  # emptied: keys of an earlier run name rows of another database
            raise SystemExit(f"No Redis at {args.redis}: two servers need one to share.")
        env = bench_environment(args.postgres, database, workdir)
        env.update(REDIS_URL=args.redis, TASKS="database", CONTENT_DIR=str(content),
                   LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT))  # fmt: skip
        os.environ.update(env)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "load_content", quiet=True)
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        import django

        django.setup()
        from django.core.cache import cache

        cache.clear()  # a Redis database of leftover counts would make the throttling check meaningless
        from tutor.accounts.services import create_account

        create_account(username="two-servers-learner", password=PASSWORD)
        create_account(username="two-servers-locked", password=PASSWORD)

        ports = [free_port(), free_port()]
        processes += [start_server(env, port, workdir, name) for port, name in zip(ports, "ab", strict=True)]
        processes += [start_worker(env, workdir, name) for name in "ab"]
        front = free_port()
        config = workdir / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(host=HOST, port=front, a=ports[0], b=ports[1]))
        haproxy_log = open(workdir / "haproxy.log", "w")  # noqa: SIM115 - closed with the process
        command = [haproxy, "-f", str(config), "-db"]
        processes.append(subprocess.Popen(command, start_new_session=True, stdout=haproxy_log, stderr=haproxy_log))
        for port in (*ports, front):
            wait_for(port)
        print(f"HAProxy on {HOST}:{front}, round robin over gunicorn a ({ports[0]}) and b ({ports[1]}); "
              f"PostgreSQL {database}; Redis {args.redis}; a task worker beside each.", flush=True)  # fmt: skip
        results = [
            check_sessions(front),
            check_user_changes(front),
            check_throttling(front),
            check_catalog(front, env, content),
            check_tasks(front),
        ]
        return 0 if all(results) else 1
    finally:
        for process in processes:
            stop_gunicorn(process)
        from django.db import connections

        connections.close_all()
        if created:
            drop_database(args.postgres, database)
        shutil.rmtree(workdir, ignore_errors=True)


def start_server(env: dict[str, str], port: int, workdir: Path, name: str) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "tutor.wsgi:application", "--workers", "1", "--bind", f"{HOST}:{port}",
               "--log-level", "warning", "--error-logfile", str(workdir / f"gunicorn-{name}.log")]  # fmt: skip
    log = open(workdir / f"gunicorn-{name}.out", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)


def start_worker(env: dict[str, str], workdir: Path, name: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay",
               "--worker-id", f"worker-{name}"]  # fmt: skip
    log = open(workdir / f"worker-{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http_request(port, "GET", "/bench/bare/")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def report(name: str, passed: bool, browser: Browser, detail: str) -> bool:
    servers = ", ".join(sorted(set(filter(None, browser.servers))))
    print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail} (servers: {servers})", flush=True)
    return passed


def log_in(browser: Browser, username: str, password: str) -> int:
    browser.request("GET", "/account/log-in/")
    return browser.request("POST", "/account/log-in/", {"username": username, "password": password})[0]


def check_sessions(port: int) -> bool:
    browser = Browser(port)
    logged_in = log_in(browser, "two-servers-learner", PASSWORD)
    pages = [browser.request("GET", "/study/") for _ in range(4)]
    studied = [status == 200 for status, _ in pages]  # a lost session would redirect to the log-in page
    passed = logged_in == 302 and all(studied) and set(browser.servers[-4:]) == {"a", "b"}
    return report("sessions", passed, browser, f"logged in ({logged_in}), then {sum(studied)} of 4 study pages")


def check_user_changes(port: int) -> bool:
    """Each server keeps the user of a request in Redis; a change saved through one is seen at once by the other."""
    browser = Browser(port)
    log_in(browser, "two-servers-learner", PASSWORD)
    for _ in range(2):  # both servers have read (and cached) the learner
        browser.request("GET", "/study/settings/")
    limit = 37
    saved = browser.request("POST", "/study/settings/new-per-day/", {"new_per_day": str(limit)})[0]
    pages = [browser.request("GET", "/study/settings/")[1] for _ in range(2)]
    shown = [bool(re.search(rf'name="new_per_day"[^>]*value="{limit}"', page)) for page in pages]
    passed = saved == 302 and all(shown) and set(browser.servers[-2:]) == {"a", "b"}
    return report(
        "user changes", passed, browser, f"daily limit raised to {limit} ({saved}), then shown by {sum(shown)} of 2"
    )


def check_throttling(port: int) -> bool:
    browser = Browser(port)
    browser.request("GET", "/account/log-in/")
    fields = {"username": "two-servers-locked", "password": "wrong-password"}
    statuses = [browser.request("POST", "/account/log-in/", fields)[0] for _ in range(FAILURE_LIMIT)]
    right = browser.request("POST", "/account/log-in/", {**fields, "password": PASSWORD})[0]
    posts = browser.servers[1:]
    # Each server alone saw fewer failures than the limit; only counts shared in Redis lock the pair out.
    passed = right == 429 and set(posts) == {"a", "b"} and max(map(posts[:-1].count, "ab")) < FAILURE_LIMIT
    detail = (f"{FAILURE_LIMIT} wrong passwords answered {statuses} by {posts[:-1]}, "
              f"then the right one refused with {right}")  # fmt: skip
    return report("throttling", passed, browser, detail)


def check_catalog(port: int, env: dict[str, str], content: Path) -> bool:
    browser = Browser(port)
    log_in(browser, "two-servers-learner", PASSWORD)
    module_file = sorted(content.glob("*/module.md"))[0]
    slug = module_file.parent.name
    title = re.search(r"^title: (.+)$", module_file.read_text(), re.MULTILINE).group(1).strip().strip("\"'")
    before = [browser.request("GET", f"/modules/{slug}/")[1] for _ in range(2)]
    new_title = f"{title} revised"
    module_file.write_text(module_file.read_text().replace(f"title: {title}", f"title: {new_title}", 1))
    manage(env, "load_content", quiet=True)
    after = [browser.request("GET", f"/modules/{slug}/")[1] for _ in range(2)]
    passed = all(title in page for page in before) and all(new_title in page for page in after)
    passed = passed and set(browser.servers[-2:]) == {"a", "b"}
    return report("catalog", passed, browser, f"module '{slug}' retitled by load_content; both show the new title"
                  if passed else "a server kept the old title")  # fmt: skip


def check_tasks(port: int) -> bool:
    from django_tasks_db.models import DBTaskResult

    browser = Browser(port)
    log_in(browser, "two-servers-learner", PASSWORD)
    status, body = browser.request("POST", "/bench/enqueue-refit/", {})
    task_id = body.strip()
    deadline = time.monotonic() + 30
    result = None
    while time.monotonic() < deadline:
        result = DBTaskResult.objects.filter(pk=task_id).first() if status == 200 else None
        if result and result.finished_at:
            break
        time.sleep(0.3)
    passed = bool(result and result.status == "SUCCESSFUL" and len(result.worker_ids) == 1)
    detail = (f"queued through server {browser.servers[-1]}, {result.status.lower()} after "
              f"{len(result.worker_ids)} run(s) by {', '.join(result.worker_ids)}" if result
              else f"not queued (HTTP {status})")  # fmt: skip
    return report("tasks", passed, browser, detail)


if __name__ == "__main__":
    sys.exit(main())
