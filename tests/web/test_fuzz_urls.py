"""Every URL pattern, as anonymous, learner and educator, with malformed paths, query strings and bodies: no 5xx.

Paths are built from the URLconf itself, so a new page is fuzzed the day it is added. Each converter gets valid
values (ids and slugs that exist, so the views go past their 404s) and invalid ones; query strings and bodies carry
wrong types, huge numbers, NUL bytes, unicode digits, repeated keys (arrays), lone surrogates and bytes that are not
UTF-8, in several content types and charsets. `hypothesis` draws them with a fixed seed and a bounded number of
examples, so the run is the same everywhere and takes well under a minute.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.catalog.snapshot import catalog
from tutor.cohorts.models import EducatorInvite
from tutor.study import services
from tutor.study.attempts import issue_attempt
from tutor.study.models import PracticeMode, PracticePool

pytestmark = pytest.mark.django_db
EXAMPLES_PER_ROLE = 12
REQUESTS = {"count": 0, "5xx": 0}


def url_routes() -> list[tuple[str, str]]:
    """(name, route) for every pattern but Django's admin, e.g. ("cohort_leave", "cohorts/<id:cohort_id>/leave/")."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin/"):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append((pattern.name, route))

    walk(get_resolver().url_patterns, "")
    return found


ROUTES = url_routes()
FIELDS = [
    "q", "attempt", "choice", "choices", "value", "duration_ms", "rating", "next", "code", "expires_on", "modules",
    "title", "opens_on", "due_on", "target_accuracy", "exam_pass_mark", "pool", "count", "mode",
    "time_limit_minutes", "module", "status", "text", "flag", "sort", "attempts", "username", "password",
    "password1", "password2", "email", "time_zone", "desired_retention", "new_per_day", "confirm",
    "delete_cohorts", "name", "description", "co_teachers", "match_a", "order_a", "csrfmiddlewaretoken",
]  # fmt: skip
NASTY = [
    "", "\x00", "a\x00b", "²", "٣٤٥", "\uff11\uff12", "9" * 5000, "-1", "1e309", "NaN", "inf", "0x1F", "9999-12-31",
    "0000-00-00", "10000-01-01", "\ud800", "\udfff", "welcome", "//evil.example/", "https://evil.example/",
    "/study/answer/", "x" * 10000, "' OR 1=1 --", "<script>", "UTC", "Factory", "localtime", "\u202e", "🙂",
]  # fmt: skip
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=x-bogus",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "application/json",
    "text/plain",
]

texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))


def encode(value: str) -> str:
    """Percent-encode a string as a browser would, lone surrogates included (they become bytes that are not UTF-8)."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def query_strings(draw, valid: list[str]) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(FIELDS), st.one_of(texts, st.sampled_from(valid))), max_size=6))
    raw = draw(st.sampled_from(["", "%FF%FE", "%", "a=%E0%A4", "&&==", "x[]=1&x[]=2"]))
    return "&".join([f"{encode(k)}={encode(v)}" for k, v in pairs] + ([raw] if raw else []))


@st.composite
def bodies(draw, valid: list[str]) -> tuple[bytes, str]:
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    fields = draw(st.lists(st.tuples(st.sampled_from(FIELDS), st.one_of(texts, st.sampled_from(valid))), max_size=8))
    if content_type.startswith("multipart"):
        parts = [
            f'--fuzz\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode("utf-8", "surrogatepass")
            for k, v in fields
        ]
        tail = draw(st.sampled_from([b"--fuzz--\r\n", b"", b"--fuzz\r\n\r\n", b"\xff\xfe"]))
        return b"".join(parts) + tail, content_type
    body = "&".join(f"{encode(k)}={encode(v)}" for k, v in fields).encode()
    body += draw(st.sampled_from([b"", b"&%FF=%FE", b"&\xff\xfe", b"&a", b"&=&"]))
    return body, content_type


@st.composite
def paths(draw, route: str, ids: list[str], slugs: list[str]) -> str:
    def fill(match: re.Match) -> str:
        converter = match.group(1) or "str"
        if converter in ("int", "id"):
            return draw(
                st.one_of(st.sampled_from(ids), st.sampled_from(["0", "9" * 30, "00001"]), st.integers(0).map(str))
            )
        if converter == "slug":
            return draw(st.one_of(st.sampled_from(slugs), st.from_regex(r"[-a-zA-Z0-9_]{1,30}", fullmatch=True)))
        return encode(draw(st.one_of(st.sampled_from(slugs), texts.filter(bool))))

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


@pytest.fixture
def world(bank):
    """A learner with answers and a practice test, an educator with a cohort, an assignment and an invite."""
    educator = EducatorFactory()
    learner = UserFactory()
    cohort = CohortFactory(owner=educator)
    MembershipFactory(cohort=cohort, learner=learner)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"], due_on=dt.date(2027, 1, 31))
    view = catalog().questions[bank.risk_questions[0].pk]
    log = services.record_answer(
        learner=learner, question=view, answer={"choice": "a"}, attempt="fuzz-1", clock=timezone.now
    ).log
    test = services.start_practice_test(
        learner=learner,
        question_ids=[q.pk for q in bank.risk_questions],
        mode=PracticeMode.TUTOR,
        pool=PracticePool.ALL,
        module_slugs=["risks"],
        title="Fuzz",
        time_limit_minutes=None,
        now=timezone.now(),
    )
    invite = EducatorInvite.objects.create(uses_left=100)
    ids = sorted({str(x) for x in [cohort.pk, assignment.pk, log.pk, test.pk, learner.pk, educator.pk, 1]})
    slugs = ["risks", bank.risk_questions[1].qid, invite.token]
    token = issue_attempt(learner_id=learner.pk, question_id=view.id)
    valid = ["a", "b", "3", "on", "1", "risks", "exam", "all", "tutor", token, cohort.join_code, "2026-12-24"]
    return {"learner": learner, "educator": educator, "ids": ids, "slugs": slugs, "valid": valid}


CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a valid 32-character secret, sent as cookie and header


def _request(client: Client, method: str, path: str, query: str, body: bytes, content_type: str, csrf: bool = True):
    url = f"{path}?{query}" if query else path
    client.cookies[django_settings.CSRF_COOKIE_NAME] = CSRF
    if method == "POST":
        headers = {"X-CSRFToken": CSRF} if csrf else {}
        response = client.generic("POST", url, body, content_type=content_type, headers=headers)
    else:
        response = client.generic(method, url)
    REQUESTS["count"] += 1
    if response.status_code >= 500:
        REQUESTS["5xx"] += 1
    assert response.status_code < 500, f"{method} {url} ({content_type}) answered {response.status_code}"


@pytest.mark.parametrize("role", ["anonymous", "learner", "educator"])
def test_no_url_answers_5xx_to_malformed_input(world, role, capsys):
    # CSRF checks on, as in production: the middleware reads the body before any view (the charset 500 lived there).
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    user = world.get(role)

    @seed(20261201)
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_ROLE,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure names its request, and CI time stays bounded
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def walk(data) -> None:
        if user is not None:
            client.force_login(user)
        for _name, route in ROUTES:
            path = data.draw(paths(route, world["ids"], world["slugs"]))
            query = data.draw(query_strings(world["valid"]))
            body, content_type = data.draw(bodies(world["valid"]))
            method = data.draw(st.sampled_from(["GET", "HEAD"]))
            _request(client, method, path, query, b"", "")
            _request(client, "POST", path, query, body, content_type, csrf=data.draw(st.booleans()))

    walk()
    with capsys.disabled():
        print(f"\nfuzz as {role}: {REQUESTS['count']} requests so far, {REQUESTS['5xx']} answered 5xx")
    assert django_settings.ROOT_URLCONF == "tutor.urls"
