"""Integrity under load: many clients answering at once, with double submits and two-tab races, then a database
that turns read-only for a few seconds. Prints what the review history looks like afterwards; never passes or fails.

    .venv/bin/python bench/integrity.py [--learners 16] [--seconds 20] [--fault-seconds 5]

Each learner has two logged-in sessions (two tabs). In each round a learner either opens the same question in both
tabs and posts both answers at the same moment (a two-tab race), or posts one answer twice at the same moment (a
double submit). With 16 learners that is 32 requests in flight. Afterwards the summary counts: answers accepted and
review logs written (equal when nothing is lost or doubled), duplicated attempts, cards whose history is dated out
of the order it was applied (timestamp inversions) and negative elapsed times, and 5xx responses. Then the database
is made read-only (new sessions default to read-only transactions and every open connection is cut), answers keep
coming, and after the fault ends the time until answers are saved again is measured.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from bench.run import (
    Session,
    answer_fields,
    bench_environment,
    create_database,
    drop_database,
    free_port,
    http_request,
    log_in,
    manage,
    start_gunicorn,
    stop_gunicorn,
    wait_until_serving,
)

PASSWORD = "integrity-pass-1"
TOKEN = re.compile(rb'name="attempt" value="([^"]+)"')
FEEDBACK = re.compile(r"/study/answers/(\d+)/")


@dataclass
class Tally:
    """What the clients saw, shared between threads under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    accepted_logs: set[int] = field(default_factory=set)
    replays: int = 0
    rounds: Counter = field(default_factory=Counter)

    def saw(self, status: int, log_id: int | None) -> None:
        with self.lock:
            self.statuses[status] += 1
            if log_id is not None:
                if log_id in self.accepted_logs:
                    self.replays += 1
                self.accepted_logs.add(log_id)


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tutor-integrity-"))
    database = f"tutor_integrity_{os.getpid()}"
    server = None
    created = False
    try:
        create_database(args.postgres, database)
        created = True
        env = bench_environment(args.postgres, database, workdir)
        os.environ.update(env)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "load_content", quiet=True)
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        import django

        django.setup()
        learners = make_learners(args.learners)
        port = free_port()
        server = start_gunicorn(env, port, workdir)
        wait_until_serving(port, server, workdir)
        tabs = {name: (log_in(port, name, PASSWORD), log_in(port, name, PASSWORD)) for name in learners}
        print(f"{len(tabs)} learners, two sessions each: {2 * len(tabs)} requests in flight.", flush=True)

        tally = Tally()
        run_clients(port, tabs, tally, seconds=args.seconds, seed=args.seed)
        problems = print_integrity(tally, learners)

        fault = run_fault(port, tabs, args, database)
        problems += print_fault(fault, args)
        if args.check and problems:
            print("\nIntegrity check failed:\n  " + "\n  ".join(problems))
            return 1
    finally:
        if server is not None:
            stop_gunicorn(server)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created:
            set_read_only(args.postgres, database, on=False)
            drop_database(args.postgres, database)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=16, help="Learners, two sessions each (default 16).")
    parser.add_argument("--seconds", type=int, default=20, help="Seconds of racing load (default 20).")
    parser.add_argument("--fault-seconds", type=int, default=5, help="Seconds the database is read-only (default 5).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--check",
        action="store_true",
        help="Exit 1 unless every answer counted once, no history is out of order, no 5xx other than the fault's "
        "503s, and answers are saved again within 5 s of the fault's end (the short run CI makes).",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (default postgres://postgres@127.0.0.1:5432).",
    )
    return parser.parse_args()


def make_learners(count: int) -> list[str]:
    from tutor.accounts.services import create_account

    names = [f"racer-{n:03d}" for n in range(count)]
    for name in names:
        learner = create_account(username=name, password=PASSWORD)
        learner.new_per_day = 200  # the whole bank: the run must not run out of questions
        learner.save(update_fields=["new_per_day"])
    return names


# --- clients -------------------------------------------------------------------------------------------------


def study_token(port: int, session: Session) -> str | None:
    status, _, body = http_request(port, "GET", "/study/", headers={"Cookie": session.cookie})
    found = TOKEN.search(body) if status == 200 else None
    return found.group(1).decode() if found else None


def run_clients(port: int, tabs: dict[str, tuple[Session, Session]], tally: Tally, *, seconds: int, seed: int) -> None:
    stop_at = time.monotonic() + seconds
    errors: list[BaseException] = []

    def learner_loop(name: str, n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        first, second = tabs[name]
        try:
            while time.monotonic() < stop_at:
                if rng.random() < 0.5:
                    kind = "two-tab race"
                    tokens = [study_token(port, first), study_token(port, second)]
                    pairs = list(zip((first, second), tokens, strict=True))
                else:
                    kind = "double submit"
                    token = study_token(port, first)
                    pairs = [(first, token), (first, token)]
                if any(token is None for _, token in pairs):
                    continue  # nothing due and no new questions left for this learner today
                both_at_once(port, pairs, tally, rng)
                with tally.lock:
                    tally.rounds[kind] += 1
        except BaseException as error:  # reported after the run
            errors.append(error)

    threads = [threading.Thread(target=learner_loop, args=(name, n)) for n, name in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def both_at_once(port: int, pairs: list[tuple[Session, str]], tally: Tally, rng: random.Random) -> None:
    barrier = threading.Barrier(len(pairs))

    def send(session: Session, token: str, seed: int) -> None:
        barrier.wait()
        status, log_id = post_with_location(port, session, token, random.Random(seed))
        tally.saw(status, log_id)

    seed = rng.randrange(1 << 30)
    # Both posts of a double submit carry the same answer (same seed): it is one answer sent twice.
    threads = [threading.Thread(target=send, args=(s, t, seed)) for s, t in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def post_with_location(port: int, session: Session, token: str, rng: random.Random) -> tuple[int, int | None]:
    """As post_answer, reading the redirect's Location header for the recorded answer's id."""
    import http.client

    from tutor.catalog.snapshot import catalog
    from tutor.study.attempts import read_attempt
    from tutor.study.simulation import AnswerBank

    question_id = read_attempt(token, learner_id=session.user_id).question_id
    bank = AnswerBank([catalog().questions[question_id]])
    answer, _ = bank.right(question_id) if rng.random() < 0.7 else bank.wrong(question_id, rng)
    fields = [("csrfmiddlewaretoken", session.csrf), ("attempt", token), ("duration_ms", "9000")]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/study/answer/",
            body=urlencode(fields + answer_fields(answer)),
            headers={"Cookie": session.cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        match = FEEDBACK.search(response.headers.get("Location", "")) if response.status == 302 else None
        return response.status, int(match.group(1)) if match else None
    finally:
        connection.close()


# --- what the history looks like -----------------------------------------------------------------------------


def print_integrity(tally: Tally, learners: list[str]) -> list[str]:
    from django.db.models import Count

    from tutor.study.models import Card, ReviewLog

    logs = ReviewLog.objects.filter(learner__username__in=learners)
    written = logs.count()
    duplicated = sum(
        row["n"] - 1 for row in logs.values("attempt").annotate(n=Count("id")).filter(n__gt=1)
    )  # the unique constraint makes this 0; counted, not assumed
    inversions = 0
    by_card: dict[int, list] = {}
    for card_id, reviewed_at in logs.order_by("card_id", "id").values_list("card_id", "reviewed_at"):
        by_card.setdefault(card_id, []).append(reviewed_at)
    for times in by_card.values():
        inversions += sum(1 for earlier, later in itertools.pairwise(times) if later < earlier)
    negative = logs.filter(elapsed_days__lt=0).count()
    stale = sum(
        1
        for card in Card.objects.filter(learner__username__in=learners).select_related("last_log")
        if card.last_log is None or card.last_log.reviewed_at != card.last_review
    )
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print()
    print("Integrity under load (PostgreSQL, gunicorn 2 workers, DEBUG off)")
    print(f"  rounds: {dict(tally.rounds)}; responses by status: {dict(sorted(tally.statuses.items()))}")
    print(f"  answers accepted (distinct recorded answers shown): {len(tally.accepted_logs)}")
    print(f"  review logs written:                                  {written}")
    print(f"  replays answered with the first recording:           {tally.replays}")
    print(f"  duplicated attempts:                                  {duplicated}")
    print(f"  timestamp inversions (history out of applied order): {inversions}")
    print(f"  negative elapsed times:                               {negative}")
    print(f"  cards not carrying their latest answer:               {stale}")
    print(f"  5xx responses:                                        {server_errors}")
    problems = []
    if len(tally.accepted_logs) != written:
        problems.append(f"{len(tally.accepted_logs)} answers accepted but {written} logs written")
    if duplicated or inversions or negative or stale or server_errors:
        problems.append(
            f"duplicated {duplicated}, inversions {inversions}, negative {negative}, stale {stale}, 5xx {server_errors}"
        )
    if not tally.accepted_logs or not tally.replays:
        problems.append("the run recorded no answers or no double submits: it proves nothing")
    return problems


# --- a read-only database ------------------------------------------------------------------------------------


def set_read_only(server_url: str, database: str, *, on: bool) -> None:
    """Make new sessions of the database read-only (or not) and cut every open connection to it."""
    statement = (
        f"ALTER DATABASE {database} SET default_transaction_read_only = on"
        if on
        else f"ALTER DATABASE {database} RESET default_transaction_read_only"
    )
    subprocess.run(
        [
            "psql",
            "-q",
            f"{server_url}/postgres",
            "-c",
            statement,
            "-c",
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
            " AND pid <> pg_backend_pid()",
        ],
        check=False,
        capture_output=True,
    )


@dataclass
class FaultReport:
    during: Counter = field(default_factory=Counter)
    after: Counter = field(default_factory=Counter)
    recovered_after: float | None = None


def run_fault(port: int, tabs: dict[str, tuple[Session, Session]], args, database: str) -> FaultReport:
    """Answers keep coming while the database is read-only and after; when do they succeed again?"""
    from django.db import connections

    connections.close_all()
    report = FaultReport()
    sessions = [first for first, _ in tabs.values()]
    tokens = {s.username: study_token(port, s) for s in sessions}
    set_read_only(args.postgres, database, on=True)
    fault_ends = time.monotonic() + args.fault_seconds
    rng = random.Random(args.seed)
    while time.monotonic() < fault_ends:
        for session in sessions:
            token = tokens.get(session.username)
            if token:
                status, _ = post_with_location(port, session, token, rng)
                report.during[status] += 1
    set_read_only(args.postgres, database, on=False)
    ended = time.monotonic()
    deadline = ended + 60
    consecutive = 0
    while time.monotonic() < deadline and consecutive < 2 * len(sessions):
        for session in sessions:
            token = study_token(port, session)
            if token is None:
                report.after[0] += 1
                continue
            status, _ = post_with_location(port, session, token, rng)
            report.after[status] += 1
            if status == 302:
                consecutive += 1
                if report.recovered_after is None:
                    report.recovered_after = time.monotonic() - ended
            else:
                consecutive = 0
    return report


def print_fault(report: FaultReport, args) -> list[str]:
    print()
    print(f"Read-only database for {args.fault_seconds} s (new sessions read-only, open connections cut)")
    print(f"  responses during the fault: {dict(sorted(report.during.items()))}")
    print(f"  responses after it ended:   {dict(sorted(report.after.items()))}")
    recovered = f"{report.recovered_after:.2f} s" if report.recovered_after is not None else "not within 60 s"
    print(f"  first answer saved again:   {recovered} after the fault ended")
    others = sum(n for status, n in (report.during + report.after).items() if status >= 500 and status != 503)
    print(f"  5xx other than 503:         {others}")
    problems = []
    if others:
        problems.append(f"{others} responses other than 503 failed during or after the fault")
    if report.during.get(503, 0) == 0:
        problems.append("no 503 during the fault: the fault did not reach the app")
    if report.recovered_after is None or report.recovered_after > 5:
        problems.append(f"answers saved again only after {recovered}")
    return problems


if __name__ == "__main__":
    raise SystemExit(main())
