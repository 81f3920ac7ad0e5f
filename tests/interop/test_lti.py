"""LTI 1.3 against a platform simulated in-process: its own RSA keys and JWKS, token and score endpoints."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from django.core.management import call_command
from django.db import transaction
from jwcrypto.jwk import JWK

from tests.factories import EducatorFactory
from tutor.cohorts.models import Assignment, AssignmentCompletion, Cohort, Membership
from tutor.cohorts.signals import assignment_completed
from tutor.interop import lti, services
from tutor.interop.models import GradeState, LtiGrade, LtiGradeLink, LtiIdentity, LtiPlatform

pytestmark = pytest.mark.django_db

ISSUER = "https://lms.example.org"
CLIENT_ID = "tutor-client"
DEPLOYMENT = "deployment-1"
LINEITEM = "https://lms.example.org/api/lti/courses/7/line_items/3"


class SimulatedPlatform(requests.adapters.BaseAdapter):
    """An LMS in the test process: publishes its JWKS, issues tokens for the tool's signed assertion, takes scores."""

    def __init__(self):
        super().__init__()
        self.key = JWK.generate(kty="RSA", size=2048, kid="platform-key-1")
        self.other_key = JWK.generate(kty="RSA", size=2048, kid="platform-key-1")  # same kid, different key
        self.scores: list[dict] = []
        self.fail_scores = False

    def send(self, request, **kwargs):
        response = requests.Response()
        response.request, response.url = request, request.url
        path = urlsplit(request.url).path
        if path == "/jwks":
            response.status_code, body = 200, {"keys": [{**self.key.export_public(as_dict=True), "alg": "RS256"}]}
        elif path == "/token":
            form = parse_qs(request.body)
            # The tool signs its assertion with its key; check it against the tool's published JWKS.
            tool_key = services.ensure_tool_key()
            claims = jwt.decode(
                form["client_assertion"][0], tool_key.public_key_pem, algorithms=["RS256"], audience=f"{ISSUER}/token"
            )
            assert claims["iss"] == CLIENT_ID
            response.status_code, body = 200, {"access_token": "platform-token", "expires_in": 3600}
        elif path.endswith("/scores"):
            if self.fail_scores:
                response.status_code, body = 503, {"error": "down"}
            else:
                self.scores.append(
                    {"url": request.url, "auth": request.headers["Authorization"], **json.loads(request.body)}
                )
                response.status_code, body = 200, {}
        else:
            response.status_code, body = 404, {}
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass

    def id_token(self, *, nonce: str, key: JWK | None = None, **claims) -> str:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "lms-user-42",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": "Ada",
            "family_name": "Lane",
            lti.CLAIM_DEPLOYMENT: DEPLOYMENT,
            lti.CLAIM_MESSAGE_TYPE: "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            lti.CLAIM_RESOURCE_LINK: {"id": "link-1"},
            lti.CLAIM_ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "http://testserver/lti/launch/",
        }
        body.update(claims)
        signing = key or self.key
        return jwt.encode(body, signing.export_to_pem(private_key=True, password=None), "RS256", {"kid": signing.kid})


@pytest.fixture
def platform_sim(monkeypatch):
    sim = SimulatedPlatform()

    def session():
        s = requests.Session()
        s.mount(ISSUER, sim)
        return s

    monkeypatch.setattr(lti, "http_session", session)
    monkeypatch.setattr(services, "http_session", session)
    LtiPlatform.objects.create(
        name="Course LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        deployment_ids=[DEPLOYMENT],
        auth_login_url=f"{ISSUER}/auth",
        auth_token_url=f"{ISSUER}/token",
        key_set_url=f"{ISSUER}/jwks",
    )
    services.ensure_tool_key()
    return sim


def start_login(client) -> tuple[str, str]:
    """The platform's login initiation; returns (state, nonce) from the redirect to its auth endpoint."""
    response = client.post(
        "/lti/login/",
        {"iss": ISSUER, "login_hint": "42", "target_link_uri": "http://testserver/lti/launch/", "client_id": CLIENT_ID},
    )
    assert response.status_code == 302, response.content
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(f"{ISSUER}/auth?")
    assert query["redirect_uri"] == ["http://testserver/lti/launch/"] and query["client_id"] == [CLIENT_ID]
    return query["state"][0], query["nonce"][0]


def launch(client, platform_sim, **claims):
    state, nonce = start_login(client)
    token = platform_sim.id_token(nonce=nonce, **claims)
    return client.post("/lti/launch/", {"id_token": token, "state": state}), token, state


def test_a_valid_launch_provisions_the_user_by_issuer_and_sub_and_logs_them_in(client, platform_sim):
    response, _, _ = launch(client, platform_sim)
    assert response.status_code == 302 and response["Location"] == "/"
    identity = LtiIdentity.objects.get()
    assert (identity.issuer, identity.sub, identity.user.first_name) == (ISSUER, "lms-user-42", "Ada")
    assert not identity.user.has_usable_password()
    assert client.get("/study/").status_code == 200
    # A second launch by the same platform user reaches the same account.
    client.logout()
    launch(client, platform_sim)
    assert LtiIdentity.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("tampered", b"Signature verification failed"),
        ("wrong_key", b"Signature verification failed"),
        ("expired", b"Signature has expired"),
        ("wrong_audience", b"Registration not found"),
        ("extra_audience_without_azp", b"several audiences"),
        ("unknown_deployment", b"Unable to find deployment"),
    ],
)
def test_bad_tokens_are_refused_with_a_4xx_and_a_message(client, platform_sim, case, message):
    state, nonce = start_login(client)
    if case == "tampered":
        token = platform_sim.id_token(nonce=nonce)
        header, body, signature = token.split(".")
        claims = json.loads(jwt.utils.base64url_decode(body))
        claims["sub"] = "someone-else"
        token = ".".join([header, jwt.utils.base64url_encode(json.dumps(claims).encode()).decode(), signature])
    elif case == "wrong_key":
        token = platform_sim.id_token(nonce=nonce, key=platform_sim.other_key)
    elif case == "expired":
        token = platform_sim.id_token(nonce=nonce, iat=int(time.time()) - 3600, exp=int(time.time()) - 60)
    elif case == "wrong_audience":
        token = platform_sim.id_token(nonce=nonce, aud="another-tool")
    elif case == "extra_audience_without_azp":
        token = platform_sim.id_token(nonce=nonce, aud=[CLIENT_ID, "another-tool"])
    else:
        token = platform_sim.id_token(nonce=nonce, **{lti.CLAIM_DEPLOYMENT: "unknown"})
    response = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert 400 <= response.status_code < 500
    assert message in response.content
    assert not LtiIdentity.objects.exists()


def test_a_replayed_token_is_refused(client, platform_sim):
    response, token, state = launch(client, platform_sim)
    assert response.status_code == 302
    replay = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert replay.status_code == 400 and b"Invalid Nonce" in replay.content


def test_launch_without_login_state_or_token_is_refused(client, platform_sim):
    assert client.post("/lti/launch/", {}).status_code == 400
    assert b"This launch was refused" in client.post("/lti/launch/", {"id_token": "a.b.c"}).content
    assert client.get("/lti/launch/").status_code == 405
    unknown = client.post("/lti/login/", {"iss": "https://nobody.example", "login_hint": "1"})
    assert unknown.status_code == 400 and b"registration" in unknown.content


def test_the_tool_publishes_its_public_key(client, platform_sim):
    keys = client.get("/lti/jwks/").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


@pytest.fixture
def assignment(db):
    educator = EducatorFactory()
    cohort = Cohort.objects.create(name="Spring", owner=educator)
    return Assignment.objects.create(
        cohort=cohort, title="Risks", module_slugs=["alpha"], opens_on=dt.date(2026, 1, 1), due_on=dt.date(2026, 12, 1)
    )


AGS = {
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
        "scope": [lti.SCOPE_SCORE, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"],
        "lineitem": LINEITEM,
    }
}


def test_an_assignment_launch_enrols_the_learner_and_a_completion_posts_the_grade(
    client, platform_sim, assignment, django_capture_on_commit_callbacks
):
    custom = {lti.CLAIM_CUSTOM: {"assignment": str(assignment.pk)}}
    response, _, _ = launch(client, platform_sim, **custom, **AGS)
    assert response.status_code == 302
    learner = LtiIdentity.objects.get().user
    assert Membership.objects.filter(cohort=assignment.cohort, learner=learner).exists()
    assert LtiGradeLink.objects.get().lineitem_url == LINEITEM

    completed_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        AssignmentCompletion.objects.create(
            assignment=assignment, learner=learner, completed_at=completed_at, recorded_at=completed_at
        )
        assignment_completed.send(
            sender=AssignmentCompletion,
            learner=learner,
            assignment=assignment,
            completed_at=completed_at,
            score=0.85,
        )
        assert platform_sim.scores == []  # nothing leaves before the commit
    (score,) = platform_sim.scores
    assert score["url"] == f"{LINEITEM}/scores" and score["auth"] == "Bearer platform-token"
    assert (score["scoreGiven"], score["scoreMaximum"], score["userId"]) == (85.0, 100, "lms-user-42")
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert LtiGrade.objects.get().state == GradeState.SENT


def test_a_failed_grade_is_kept_and_sent_by_the_resend_command(
    client, platform_sim, assignment, django_capture_on_commit_callbacks
):
    launch(client, platform_sim, **{lti.CLAIM_CUSTOM: {"assignment": str(assignment.pk)}}, **AGS)
    learner = LtiIdentity.objects.get().user
    platform_sim.fail_scores = True
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_completed.send(
            sender=AssignmentCompletion, learner=learner, assignment=assignment, completed_at=now, score=1.0
        )
    grade = LtiGrade.objects.get()
    assert grade.state == GradeState.FAILED and grade.attempts == 1 and grade.last_error
    platform_sim.fail_scores = False
    call_command("lti_resend_grades", stdout=io.StringIO())
    assert LtiGrade.objects.get().state == GradeState.SENT and len(platform_sim.scores) == 1


def test_deep_linking_lets_a_teacher_link_a_module(client, platform_sim, bank):
    teacher = {lti.CLAIM_ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}
    settings_claim = {
        lti.CLAIM_MESSAGE_TYPE: "LtiDeepLinkingRequest",
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
            "deep_link_return_url": f"{ISSUER}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["window"],
        },
    }
    response, _, _ = launch(client, platform_sim, **teacher, **settings_claim)
    assert response.status_code == 302 and "/lti/deep-link/" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Module: Alpha module" in page.content
    assert client.post(response["Location"], {"target": "module:nope"}).status_code == 400
    answer = client.post(response["Location"], {"target": "module:alpha"})
    assert answer.status_code == 200
    token = answer.context["jwt"]
    tool_key = services.ensure_tool_key()
    claims = jwt.decode(token, tool_key.public_key_pem, algorithms=["RS256"], audience=ISSUER)
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"module": "alpha"} and item["url"] == "http://testserver/lti/launch/"
    assert ISSUER in answer["Content-Security-Policy"]


def test_resource_launch_with_a_module_opens_it(client, platform_sim, bank):
    response, _, _ = launch(client, platform_sim, **{lti.CLAIM_CUSTOM: {"module": "alpha"}})
    assert response["Location"] == "/modules/alpha/"
    client.logout()
    missing, _, _ = launch(client, platform_sim, **{lti.CLAIM_CUSTOM: {"module": "nope"}})
    assert missing.status_code == 404


def test_with_a_task_worker_the_grade_leaves_the_request_for_the_worker(
    client, platform_sim, assignment, django_capture_on_commit_callbacks, settings
):
    """TASKS=database: completing an assignment queues the sending; the worker sends it, not the learner's request."""
    from django_tasks_db.models import DBTaskResult

    from tutor.interop.tasks import send_owed_grades

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    launch(client, platform_sim, **{lti.CLAIM_CUSTOM: {"assignment": str(assignment.pk)}}, **AGS)
    learner = LtiIdentity.objects.get().user
    completed_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        AssignmentCompletion.objects.create(
            assignment=assignment, learner=learner, completed_at=completed_at, recorded_at=completed_at
        )
        assignment_completed.send(
            sender=AssignmentCompletion, learner=learner, assignment=assignment, completed_at=completed_at, score=1
        )

    assert platform_sim.scores == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == f"{send_owed_grades.module_path}"
    assert send_owed_grades.call() == 1  # what the worker runs
    assert len(platform_sim.scores) == 1 and LtiGrade.objects.get().state == GradeState.SENT
