"""Load benchmark: the app under gunicorn on a throwaway PostgreSQL database, driven by wrk from another process.

Prints requests per second and p50/p99 latency, side by side in one run, for a bare Django view, the least a signed-in
page costs, the study page, the answer endpoint, the progress dashboard of a learner with 20,000 reviews, a cohort's
dashboard and its item analysis. It prints figures; it never passes or fails. See bench/README.md.

    .venv/bin/python bench/run.py [--duration 10] [--connections 8] [--learners 50] [--heavy-reviews 20000]
    .venv/bin/python bench/run.py --scale     # 1,000 learners (about 1.5 M reviews), a 500-learner cohort
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this process sets Django up with bench.settings to prepare tokens and count queries
LUA = ROOT / "bench" / "wrk" / "replay.lua"
HOST = "127.0.0.1"
STUDY_LEARNERS = 8
SEED = 1
# The issue's goals, as shares of the bare view's requests/s in the same run.
GOALS = {"study page": 0.25, "answer (htmx)": 0.25, "dashboard": 0.05, "cohort dashboard": 0.05, "item analysis": 0.05}
SCALE = {"learners": 1000, "cohort": 500}
# What the seeded population's rows depend on: a cached copy is used only while none of these has changed (the
# content, the simulated learners, the scheduler they study with, and the seeding command). Migrations added since
# are applied to the copy, which rebuilds what they derive; `--rebuild` seeds afresh.
POPULATION_INPUTS = ("content/**/*", "tutor/study/simulation/*.py", "tutor/study/review.py", "tutor/study/scheduler.py",
                     "tutor/study/models.py", "tutor/study/misconceptions.py", "tutor/study/marking.py",
                     "tutor/progress/management/commands/seed_demo.py", "tutor/progress/copy_rows.py")  # fmt: skip


@dataclass
class Endpoint:
    label: str
    method: str
    path: str
    lines: list[str] = field(default_factory=list)
    once: bool = False
    missing: str = ""  # why the endpoint is not measured, when it is not
    expected_status: int = 200

    @property
    def goal(self) -> float | None:
        return next((share for prefix, share in GOALS.items() if self.label.startswith(prefix)), None)


@dataclass
class Result:
    endpoint: Endpoint
    figures: dict | None = None
    note: str = ""
    queries: int = 0
    probe_status: int = 0
    app_cpu_ms: float = 0.0
    database_cpu_ms: float = 0.0
    load: float = 0.0
    # The bare view's requests/s measured just before and just after this endpoint: the machine's speed drifts
    # during a run (by a quarter on a shared machine), so each share is taken against the mean of its neighbours.
    bare_around: tuple[float, ...] = ()

    @property
    def bare_rate(self) -> float:
        return sum(self.bare_around) / len(self.bare_around) if self.bare_around else 0.0

    @property
    def rate(self) -> float:
        """Requests per second."""
        if not self.figures or not self.figures["duration_us"]:
            return 0.0
        return self.figures["requests"] / (self.figures["duration_us"] / 1e6)


def main() -> int:
    args = parse_args()
    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="tutor-bench-"))
    database = f"tutor_bench_{os.getpid()}"
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    created = False
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        env = bench_environment(args.postgres, database, workdir, redis_url=fresh_redis(args.redis))
        os.environ.update(env)
        started = time.perf_counter()
        template = population_template(args)
        if template and not args.rebuild and database_exists(args.postgres, template):
            print(f"Copying the cached population {template} (--rebuild to seed it again).", flush=True)
            create_database(args.postgres, database, template=template)
            created = True
            manage(env, "migrate", "--no-input", "--verbosity", "0")
        else:
            create_database(args.postgres, database)
            created = True
            seed_population(env, args)
            if template:
                drop_database(args.postgres, template)
                create_database(args.postgres, template, template=database)
                print(f"Cached the population as {template} for the next --scale run.", flush=True)
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        print(f"Database {database} ready in {time.perf_counter() - started:.0f} s.", flush=True)

        port = free_port()
        server = start_gunicorn(env, port, workdir, args.workers)
        worker = start_worker(env, workdir)
        wait_until_serving(port, server, workdir)

        import django

        django.setup()
        endpoints = prepare_endpoints(port, args)
        load_before = os.getloadavg()[0]
        print(f"Measuring (load average {load_before:.1f}):", flush=True)
        results = measure_between_bare_views(wrk, port, endpoints, args, workdir, server)
        print_table(results, args, load_before)
    finally:
        for process in (server, worker):
            if process is not None:
                stop_gunicorn(process)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created and not args.keep:
            drop_database(args.postgres, database)
        elif created:
            print(f"Kept the database {database} (--keep).")
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def seed_population(env: dict[str, str], args: argparse.Namespace) -> None:
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "load_content", quiet=True)
    print("seed_demo:", flush=True)
    manage(
        env,
        "seed_demo",
        "--learners",
        str(args.learners),
        "--days",
        str(args.days),
        "--heavy-reviews",
        str(args.heavy_reviews),
        "--seed",
        str(SEED),
        "--i-know-this-is-not-production",
        indent=True,
    )


def population_template(args: argparse.Namespace) -> str:
    """The name of the cached copy of a --scale population: it changes with the population's size and with any
    file the population depends on. Empty for the default run, which always seeds afresh."""
    if not args.scale:
        return ""
    digest = hashlib.sha256(f"{args.learners}:{args.days}:{args.heavy_reviews}:{SEED}".encode())
    for pattern in POPULATION_INPUTS:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return f"tutor_bench_population_{digest.hexdigest()[:12]}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load per endpoint (default 10).")
    parser.add_argument("--warm-up", type=int, default=2, help="Seconds of load before each measurement (default 2).")
    parser.add_argument("--connections", type=int, default=8, help="Open connections wrk keeps (default 8).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2).")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: the machine has 2 cores).")
    parser.add_argument("--learners", type=int, default=50, help="Demo learners seeded (default 50).")
    parser.add_argument("--days", type=int, default=120, help="Days of seeded history (default 120).")
    parser.add_argument(
        "--heavy-reviews", type=int, default=20_000, help="Reviews of the learner whose dashboard is measured."
    )
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (trust authentication)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards (to look at it).")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/10",
        help="Redis database for the cache and sessions, emptied first ('' for none: each worker's memory).",
    )
    parser.add_argument(
        "--cohort", type=int, default=None, help="Learners in the measured cohort (default: all, at most 500)."
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help=f"{SCALE['learners']:,} learners (unless --learners says otherwise) and a {SCALE['cohort']}-learner "
        "cohort; the seeded database is kept as a template and copied by the next --scale run.",
    )
    parser.add_argument("--rebuild", action="store_true", help="With --scale: seed again even if a copy is cached.")
    args = parser.parse_args()
    if args.scale and "--learners" not in sys.argv:
        args.learners = SCALE["learners"]
    args.cohort = min(args.learners, args.cohort or SCALE["cohort"])
    return args


# --- tools, database, server ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk from the system; installed with apt-get when missing and this runs as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install -y wrk)…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench needs wrk: install it with `apt-get install wrk` (Debian) and run again.")
    return found


def create_database(server_url: str, name: str, *, template: str = "") -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def database_exists(server_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_redis(url: str) -> str:
    """The Redis database to use, emptied (keys of an earlier run name rows of another database); "" when none
    answers, and the app then keeps its cache in each worker's memory."""
    if not url:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        print(f"No Redis at {url} ({error}): the cache and sessions stay in each worker's memory.", flush=True)
        return ""
    return url


def bench_environment(server_url: str, database: str, workdir: Path, *, redis_url: str = "") -> dict[str, str]:
    """Production settings (DEBUG off, a secret key of this run), on the throwaway database, with the bench URLs,
    and Redis for the cache and sessions as in production when one answers."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"{server_url}/{database}",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS=HOST,
        BENCH_STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="WARNING",
        TASKS="database",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def manage(env: dict[str, str], *command: str, quiet: bool = False, indent: bool = False) -> None:
    completed = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"manage.py {command[0]} failed (exit {completed.returncode}).")
    if not quiet and completed.stdout.strip():
        prefix = "  " if indent else ""
        print("\n".join(prefix + line for line in completed.stdout.strip().splitlines()), flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workdir: Path, workers: int = 2) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "tutor.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        "--error-logfile",
        str(workdir / "gunicorn.log"),
    ]
    print(f"gunicorn: {workers} sync workers on http://{HOST}:{port}, DEBUG off, PostgreSQL.", flush=True)
    # A session of its own, so that stopping it reaches the master and its workers and nothing else.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def start_worker(env: dict[str, str], workdir: Path) -> subprocess.Popen:
    """One task worker (`manage.py db_worker`), as in production: it counts the assignments' discrimination."""
    log = open(workdir / "worker.log", "w")  # noqa: SIM115 - closed with the process
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"]
    print("A task worker (manage.py db_worker, TASKS=database).", flush=True)
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)


def wait_until_counted(assignment_id: int) -> None:
    """Wait (60 s at most) for the worker to count the new assignment's discrimination indices."""
    from tutor.cohorts.models import DiscriminationCount

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if DiscriminationCount.objects.filter(assignment_id=assignment_id, counted_at__isnull=False).exists():
            return
        time.sleep(0.5)
    print("  (the worker had not counted the discrimination indices after 60 s)", flush=True)


def wait_until_serving(port: int, server: subprocess.Popen, workdir: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if http_request(port, "GET", "/bench/bare/")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    log = (workdir / "gunicorn.log").read_text() if (workdir / "gunicorn.log").exists() else ""
    raise SystemExit(f"gunicorn did not start serving.\n{log}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def http_request(
    port: int,
    method: str,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    served_by: bool = False,
) -> tuple:
    """One request on a fresh connection (gunicorn's sync workers close each): status, Set-Cookie headers, body,
    and with `served_by` the load balancer's X-Served-By header."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        answer = (response.status, response.headers.get_all("Set-Cookie") or [], response.read())
        return (*answer, response.headers.get("X-Served-By", "")) if served_by else answer
    finally:
        connection.close()


# --- requests to send ----------------------------------------------------------------------------------------


@dataclass
class Session:
    user_id: int
    username: str
    cookie: str
    csrf: str


def log_in(port: int, username: str, password: str) -> Session:
    """Log in through the real form, as a browser would: the login page's CSRF cookie, then the POST."""
    from tutor.accounts.models import User

    cookies = SimpleCookie()
    _, set_cookies, _ = http_request(port, "GET", "/account/log-in/")
    for header in set_cookies:
        cookies.load(header)
    csrf = cookies["csrftoken"].value
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    status, set_cookies, _ = http_request(
        port,
        "POST",
        "/account/log-in/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    for header in set_cookies:
        cookies.load(header)  # the login rotates the CSRF token and sets the session
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Could not log in as {username} (HTTP {status}).")
    csrf = cookies["csrftoken"].value
    cookie = f"sessionid={cookies['sessionid'].value}; csrftoken={csrf}"
    return Session(User.objects.get(username=username).pk, username, cookie, csrf)


def answer_fields(answer: dict) -> list[tuple[str, str]]:
    """An answer in the JSON shape of the review log, as the fields the answer form posts."""
    if "choice" in answer:
        return [("choice", answer["choice"])]
    if "choices" in answer:
        return [("choices", key) for key in answer["choices"]]
    if "matches" in answer:
        return [(f"match_{key}", value) for key, value in answer["matches"].items()]
    if "order" in answer:
        return [(f"order_{key}", str(place)) for key, place in answer["order"].items()]
    return [("value", str(answer["value"]))]


def line(method: str, path: str, headers: dict[str, str], body: str = "") -> str:
    return "\t".join([method, path, "|".join(f"{name}: {value}" for name, value in headers.items()), body])


def answer_lines(sessions: list[Session], count: int, rng) -> list[str]:
    """Answers with fresh one-time tokens, each to be recorded once; learners take turns so no two requests in a row
    lock the same card. Four in five are right."""
    from tutor.catalog.snapshot import catalog
    from tutor.study.attempts import issue_attempt
    from tutor.study.simulation import AnswerBank

    questions = sorted(catalog().live_questions, key=lambda q: q.id)
    bank = AnswerBank(questions)
    lines = []
    for index in range(count):
        session = sessions[index % len(sessions)]
        question = questions[(index // len(sessions)) % len(questions)]
        answer, _ = bank.right(question.id) if rng.random() < 0.8 else bank.wrong(question.id, rng)
        token = issue_attempt(learner_id=session.user_id, question_id=question.id)
        fields = [("csrfmiddlewaretoken", session.csrf), ("attempt", token), ("duration_ms", "15000")]
        headers = {
            "Cookie": session.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",
        }
        lines.append(line("POST", "/study/answer/", headers, urlencode(fields + answer_fields(answer))))
    return lines


def prepare_endpoints(port: int, args: argparse.Namespace) -> list[Endpoint]:
    import random

    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    from tutor.progress.management.commands.seed_demo import DEFAULT_PASSWORD, HEAVY_USERNAME, demo_username

    usernames = [demo_username(n) for n in range(1, min(STUDY_LEARNERS, args.learners) + 1)]
    print(f"Logging in {', '.join(usernames)} and {HEAVY_USERNAME}…", flush=True)
    sessions = [log_in(port, username, DEFAULT_PASSWORD) for username in usernames]
    heavy = log_in(port, HEAVY_USERNAME, DEFAULT_PASSWORD)
    assert settings.ROOT_URLCONF == "bench.urls"

    bare = Endpoint("bare Django view", "GET", reverse("bench_bare"))
    bare.lines = [line("GET", bare.path, {})]
    # The least a learner's page costs (session, user, one row, the site's page around a heading): no page a learner
    # sees can take a larger share of the bare view than this one.
    floor = Endpoint("signed-in page floor", "GET", reverse("bench_signed_in_floor"))
    floor.lines = [line("GET", floor.path, {"Cookie": s.cookie}) for s in sessions]
    study = Endpoint("study page", "GET", reverse("study:study"))
    study.lines = [line("GET", study.path, {"Cookie": s.cookie}) for s in sessions]
    answer = Endpoint("answer (htmx)", "POST", reverse("study:study_answer"), once=True)
    # Enough fresh tokens for any rate this machine can reach, and some for the warm-up.
    answer.lines = answer_lines(sessions, 5000 * (args.duration + args.warm_up), random.Random(SEED))
    try:
        dashboard = Endpoint(f"dashboard of '{HEAVY_USERNAME}'", "GET", reverse("cohorts:progress_dashboard"))
        dashboard.lines = [line("GET", dashboard.path, {"Cookie": heavy.cookie})]
    except NoReverseMatch:
        dashboard = Endpoint(
            f"dashboard of '{HEAVY_USERNAME}'", "GET", "/progress/", missing="no URL named progress_dashboard yet"
        )
    cohort_page, items_page = cohort_endpoints(port, args)
    return [bare, floor, study, answer, dashboard, cohort_page, items_page]


def cohort_endpoints(port: int, args: argparse.Namespace) -> tuple[Endpoint, Endpoint]:
    """An educator's cohort of the first --cohort seeded learners, with one assignment over the first module."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from tutor.accounts.models import Role
    from tutor.accounts.services import create_account
    from tutor.catalog.snapshot import catalog
    from tutor.cohorts.services import create_assignment, create_cohort, join_cohort
    from tutor.progress.management.commands.seed_demo import DEFAULT_PASSWORD, demo_username

    now = timezone.now()
    educator = create_account(username="bench-educator", password=DEFAULT_PASSWORD, role=Role.EDUCATOR)
    cohort = create_cohort(actor=educator, name="Bench cohort", now=now)
    from tutor.accounts.models import User

    print(f"A cohort of {args.cohort} learners with one assignment…", flush=True)
    for learner in User.objects.filter(username__in=[demo_username(n) for n in range(1, args.cohort + 1)]):
        join_cohort(learner=learner, code=cohort.join_code, now=now)
    module = min(catalog().modules.values(), key=lambda m: m.order)
    assignment = create_assignment(
        cohort=cohort,
        actor=educator,
        title=module.title,
        module_slugs=[module.slug],
        opens_on=(now - dt.timedelta(days=args.days)).date(),
        due_on=(now + dt.timedelta(days=7)).date(),
        target_accuracy=80,
        exam_pass_mark=None,
        now=now,
    )
    wait_until_counted(assignment.pk)
    # What autovacuum does within a minute of 500 new members: the planner learns the cohort's size. Measured at
    # once, the item analysis planned its holders' read for 7 members and took twice as long.
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("cohorts_membership", "cohorts_itemanswertally", "cohorts_assignmentcompletion"):
            cursor.execute(f"ANALYZE {table}")
    session = log_in(port, "bench-educator", DEFAULT_PASSWORD)
    cohort_page = Endpoint("cohort dashboard", "GET", reverse("cohorts:cohort_dashboard", args=[cohort.pk]))
    cohort_page.lines = [line("GET", cohort_page.path, {"Cookie": session.cookie})]
    items_page = Endpoint("item analysis", "GET", reverse("cohorts:item_analysis", args=[assignment.pk]))
    items_page.lines = [line("GET", items_page.path, {"Cookie": session.cookie})]
    return cohort_page, items_page


# --- measuring -----------------------------------------------------------------------------------------------


def run_wrk(wrk: str, port: int, request_file: Path, seconds: int, args: argparse.Namespace, once: bool) -> dict:
    command = [
        wrk,
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}",
        "--",
        str(request_file),
        str(args.threads),
        *(["once"] if once else []),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    for output_line in completed.stdout.splitlines():
        if output_line.startswith("BENCH "):
            return json.loads(output_line.removeprefix("BENCH "))
    raise SystemExit(f"wrk gave no figures:\n{completed.stdout}\n{completed.stderr}")


def count_queries(endpoint: Endpoint) -> tuple[int, int]:
    """The endpoint's status and database queries for one request, made in this process with Django's test client.

    The request is made twice and the second one counted, so that this process's catalog is warm. An answer takes
    the last two lines, which wrk never sends: each token is recorded once.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    chosen = endpoint.lines[-2:] if endpoint.once else endpoint.lines[:1] * 2
    for request_line in chosen:
        method, path, header_text, body = request_line.split("\t")
        headers = dict(header.split(": ", 1) for header in header_text.split("|") if header)
        client = Client(HTTP_HOST=HOST)
        client.cookies.load(headers.pop("Cookie", ""))
        content_type = headers.pop("Content-Type", None)
        with CaptureQueriesContext(connection) as queries:
            if method == "GET":
                response = client.get(path, headers=headers)
            else:
                response = client.post(path, body, content_type=content_type, headers=headers)
    if response.status_code >= 400:
        text = re.sub(r"<[^>]+>", " ", response.content.decode(errors="replace"))
        print(f"  {endpoint.label}: HTTP {response.status_code}: {' '.join(text.split())[:300]}", file=sys.stderr)
    return response.status_code, len(queries.captured_queries)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (from /proc)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process has ended
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    """gunicorn's master and its workers."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def database_pids() -> list[int]:
    """The PostgreSQL backends serving the app (gunicorn's persistent connections), not this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def measure(
    wrk: str, port: int, endpoint: Endpoint, args: argparse.Namespace, workdir: Path, server: subprocess.Popen
) -> Result:
    if endpoint.missing:
        return Result(endpoint, note=endpoint.missing)
    from tutor.study.models import ReviewLog

    status, queries = count_queries(endpoint)
    lines = endpoint.lines[:-2] if endpoint.once else endpoint.lines
    warm_count = max(1, len(lines) * args.warm_up // (args.duration + args.warm_up)) if endpoint.once else 0
    warm_file, measured_file = workdir / "warm.tsv", workdir / "measured.tsv"
    warm_file.write_text("\n".join(lines[:warm_count] if endpoint.once else lines) + "\n")
    measured_file.write_text("\n".join(lines[warm_count:]) + "\n")
    if args.warm_up:
        run_wrk(wrk, port, warm_file, args.warm_up, args, endpoint.once)
    logs_before = ReviewLog.objects.count()
    app, database = server_pids(server.pid), database_pids()
    app_before, database_before = cpu_seconds(app), cpu_seconds(database)
    figures = run_wrk(wrk, port, measured_file, args.duration, args, endpoint.once)
    result = Result(endpoint, figures=figures, queries=queries, probe_status=status)
    result.app_cpu_ms = (cpu_seconds(app) - app_before) * 1000 / max(1, figures["requests"])
    result.database_cpu_ms = (cpu_seconds(database) - database_before) * 1000 / max(1, figures["requests"])
    result.load = os.getloadavg()[0]
    if endpoint.method == "POST":
        recorded = ReviewLog.objects.count() - logs_before
        result.note = f"{recorded:,} answers recorded"
        if figures["requests"] >= len(lines) - warm_count:
            result.note += "; ran out of fresh tokens: raise the count in answer_lines"
    print(f"  {endpoint.label}: {result.rate:,.0f} req/s", flush=True)
    return result


def measure_between_bare_views(
    wrk: str, port: int, endpoints: list[Endpoint], args: argparse.Namespace, workdir: Path, server: subprocess.Popen
) -> list[Result]:
    """The bare view (the first endpoint), then each other endpoint followed by the bare view again: every endpoint
    is measured between two bare views, and its share is of their mean. The bare view's row gives the median of all
    its measurements and their range."""
    bare, *others = endpoints
    bare_results = [measure(wrk, port, bare, args, workdir, server)]
    results = []
    for endpoint in others:
        result = measure(wrk, port, endpoint, args, workdir, server)
        if result.figures is not None:
            bare_results.append(measure(wrk, port, bare, args, workdir, server))
            result.bare_around = (bare_results[-2].rate, bare_results[-1].rate)
        results.append(result)
    by_rate = sorted(bare_results, key=lambda r: r.rate)
    summary = by_rate[len(by_rate) // 2]
    summary.bare_around = (summary.rate,)
    summary.note = (
        f"median of {len(by_rate)} measurements, one before and after each endpoint: "
        f"{by_rate[0].rate:,.0f} to {by_rate[-1].rate:,.0f}"
    )
    return [summary, *results]


def print_table(results: list[Result], args: argparse.Namespace, load_before: float) -> None:
    print()
    print(
        f"{args.duration} s per endpoint after {args.warm_up} s of warm-up; wrk -t{args.threads} -c{args.connections}; "
        f"gunicorn {args.workers} sync workers, DEBUG off; PostgreSQL; "
        f"{'Redis' if os.environ.get('REDIS_URL') else 'no Redis (per-worker memory)'} for the cache and sessions; "
        f"all on {os.cpu_count()} shared CPUs."
    )
    from tutor.progress.management.commands.seed_demo import HEAVY_USERNAME
    from tutor.study.models import ReviewLog

    print(
        f"Population: {args.learners:,} learners and '{HEAVY_USERNAME}' ({args.heavy_reviews:,} reviews), "
        f"{ReviewLog.objects.count():,} reviews in all; a cohort of {args.cohort} learners."
    )
    columns = (
        f"{'endpoint':<24} {'request':<20} {'req/s':>7} {'% bare':>6} {'goal':>5} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'status':>6} {'queries':>7} {'app CPU':>7} {'db CPU':>6} {'load':>5}  note"
    )
    print(columns)
    print("-" * len(columns))
    for result in results:
        endpoint, figures = result.endpoint, result.figures
        request = f"{endpoint.method} {endpoint.path}"
        if figures is None:
            print(f"{endpoint.label:<24} {request:<20} {'—':>7}{'':>72}  {result.note}")
            continue
        errors = sum(value for name, value in figures.items() if name.startswith("errors_"))
        share = f"{result.rate / result.bare_rate:.1%}" if result.bare_rate else ""
        goal = f"{endpoint.goal:.0%}" if endpoint.goal else ""
        print(
            f"{endpoint.label:<24} {request:<20} {result.rate:>7,.0f} {share:>6} {goal:>5} "
            f"{figures['p50_us'] / 1000:>7.1f} "
            f"{figures['p99_us'] / 1000:>7.1f} {errors:>6} {result.probe_status:>6} {result.queries:>7} "
            f"{result.app_cpu_ms:>7.2f} {result.database_cpu_ms:>6.2f} {result.load:>5.1f}  {result.note}"
        )
    print()
    print(
        "% bare: the endpoint's requests/s as a share of the bare view's measured just before and just after it (their "
        "mean).\ngoal: the share of the bare view's requests/s each endpoint should reach.\n"
        "errors: socket errors and HTTP statuses of 400 and above, counted by wrk. status, queries: one request made "
        "with Django's test client in this process.\napp CPU, db CPU: milliseconds of CPU per request used by "
        "gunicorn and by its PostgreSQL backends; they depend less than req/s on what else the machine is doing.\n"
        f"load: the 1-minute load average after each endpoint ({load_before:.1f} before the first). A busy machine "
        "gives low figures: compare the rows of one run with each other."
    )


if __name__ == "__main__":
    sys.exit(main())
