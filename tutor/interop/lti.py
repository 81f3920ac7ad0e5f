"""The LTI 1.3 plumbing, kept in one module so the rest of the app speaks of platforms, launches and grades.

pylti1p3 does the protocol: the OIDC login redirect, the id_token's signature against the platform's JWKS, its
registration, deployment and message checks, deep-link response JWTs and Assignment and Grade Services calls. This
module gives it the platforms registered in the admin, a database store for state and nonces (the launch is a
cross-site POST, so the cookie session cannot carry them, and a nonce must work once only), and stricter checks than
its defaults: the audience must name the platform's client id, and `exp`, `iat` and `sub` are required.
"""

from __future__ import annotations

import datetime as dt
import typing as t

import requests
from django.utils import timezone
from jwcrypto.jwk import JWK
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract

from tutor.interop import selectors
from tutor.interop.models import LtiLaunchValue, LtiPlatform, LtiToolKey

LAUNCH_DATA_SECONDS = 2 * 60 * 60
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CLAIM_MESSAGE_TYPE = CLAIM + "message_type"
CLAIM_ROLES = CLAIM + "roles"
CLAIM_CUSTOM = CLAIM + "custom"
CLAIM_RESOURCE_LINK = CLAIM + "resource_link"
CLAIM_DEPLOYMENT = CLAIM + "deployment_id"
CLAIM_AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
TEACHING_ROLES = ("#Instructor", "#Administrator", "#ContentDeveloper", "/Instructor", "/Administrator")


class LaunchRefused(Exception):
    """A launch or login the app will not accept; the message is shown to the person (with a 4xx)."""


def http_session() -> requests.Session:
    """The HTTP client for calls to platforms (JWKS, tokens, scores); tests swap in a simulated platform."""
    session = requests.Session()
    session.headers["User-Agent"] = "MDMA-AT-Tutor-LTI"
    return session


# --- Keys ---------------------------------------------------------------------------------------------------------


def public_jwk(key: LtiToolKey) -> dict[str, t.Any]:
    jwk = JWK.from_pem(key.public_key_pem.encode())
    return {**jwk.export_public(as_dict=True), "kid": key.kid, "alg": "RS256", "use": "sig"}


def new_key_pair() -> tuple[str, str, str]:
    """(kid, private PEM, public PEM) of a fresh 2048-bit RSA key; the kid is its RFC 7638 thumbprint."""
    jwk = JWK.generate(kty="RSA", size=2048)
    private = jwk.export_to_pem(private_key=True, password=None).decode()
    public = jwk.export_to_pem().decode()
    return jwk.thumbprint(), private, public


# --- Registrations, from the admin's platforms ----------------------------------------------------------------------


class ToolRegistration(Registration):
    """A registration whose kid is the stored key's id (pylti1p3 would derive one from the PEM)."""

    def __init__(self, platform: LtiPlatform, key: LtiToolKey | None):
        super().__init__()
        self.platform = platform
        self._key = key
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        self.set_key_set_url(platform.key_set_url)
        if platform.auth_audience:
            self.set_auth_audience(platform.auth_audience)
        if key is not None:
            self.set_tool_private_key(key.private_key_pem).set_tool_public_key(key.public_key_pem)

    def get_kid(self) -> str | None:
        return self._key.kid if self._key else None

    def get_jwks(self):
        return [public_jwk(self._key)] if self._key else []


class DatabaseToolConf(ToolConfAbstract[DjangoRequest]):
    """Platforms as registered in the admin; one issuer may have several client ids."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _registration(self, platform: LtiPlatform | None) -> ToolRegistration | None:
        return ToolRegistration(platform, selectors.signing_key()) if platform else None

    def find_registration_by_issuer(self, iss: str, *args, **kwargs):
        platforms = selectors.platforms_for_issuer(iss)
        return self._registration(platforms[0]) if len(platforms) == 1 else None

    def find_registration_by_params(self, iss: str, client_id: str, *args, **kwargs):
        if not client_id:
            # The login request may leave client_id out; that is fine only when the issuer has one registration.
            return self.find_registration_by_issuer(iss)
        return self._registration(selectors.platform_for(issuer=iss, client_id=client_id))

    def find_deployment(self, iss: str, deployment_id: str):
        return None

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args, **kwargs):
        platform = selectors.platform_for(issuer=iss, client_id=client_id)
        if platform is None or deployment_id not in [str(d) for d in platform.deployment_ids]:
            return None
        return Deployment().set_deployment_id(deployment_id)


# --- State and nonces ---------------------------------------------------------------------------------------------


class DatabaseLaunchStorage(LaunchDataStorage[t.Any]):
    """Launch state in the database, keyed by a browser id kept in pylti1p3's own (SameSite=None) cookie."""

    _session_cookie_name = "session-id"

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> t.Any:
        row = LtiLaunchValue.objects.filter(key=self._prepare_key(key), expires_at__gt=timezone.now()).first()
        return row.value if row else None

    def set_value(self, key: str, value: t.Any, exp: int | None = None) -> None:
        expires_at = timezone.now() + dt.timedelta(seconds=exp or LAUNCH_DATA_SECONDS)
        LtiLaunchValue.objects.update_or_create(
            key=self._prepare_key(key), defaults={"value": value, "expires_at": expires_at}
        )

    def check_value(self, key: str) -> bool:
        return LtiLaunchValue.objects.filter(key=self._prepare_key(key), expires_at__gt=timezone.now()).exists()

    def take_value(self, key: str) -> bool:
        """Delete a value and say whether it was there (and unexpired): a nonce is used once, even under races."""
        deleted = LtiLaunchValue.objects.filter(key=self._prepare_key(key), expires_at__gt=timezone.now()).delete()
        return deleted[0] > 0


class OneTimeNonceSessionService(SessionService):
    """pylti1p3 only checks that a nonce was issued; here checking it also spends it, so a replay fails."""

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        key = self._get_key("nonce", nonce)
        if isinstance(storage, DatabaseLaunchStorage):
            return storage.take_value(key)
        return super().check_nonce(nonce)


def _services(request, *, post_only: bool) -> tuple[DjangoRequest, OneTimeNonceSessionService, DatabaseLaunchStorage]:
    # Login initiation may come as GET or POST; the launch itself is read from the POST only.
    lti_request = DjangoRequest(request, post_only=post_only)
    session_service = OneTimeNonceSessionService(lti_request)
    return lti_request, session_service, DatabaseLaunchStorage()


# --- Login and launch ---------------------------------------------------------------------------------------------


def login_redirect(request, *, launch_url: str):
    """Answer a platform's OIDC login initiation with the redirect to its authorisation endpoint."""
    lti_request, session_service, storage = _services(request, post_only=False)
    login = DjangoOIDCLogin(
        lti_request, DatabaseToolConf(), session_service=session_service, launch_data_storage=storage
    )
    target = request.POST.get("target_link_uri") or request.GET.get("target_link_uri") or launch_url
    try:
        # Always back to this app's launch URL, whatever target the request names (no open redirect).
        return login.disable_check_cookies().redirect(launch_url if not target.startswith(launch_url) else target)
    except Exception as error:  # pylti1p3 raises OIDCException, a plain Exception
        raise LaunchRefused(f"The LTI login could not start: {error}") from error


def validated_launch(request) -> DjangoMessageLaunch:
    """Validate a launch POST: state, the id_token's signature against the platform JWKS, expiry, nonce (once),
    registration, audience, deployment and message type. Raises LaunchRefused with the reason."""
    lti_request, session_service, storage = _services(request, post_only=True)
    try:
        # The state cookie set at login must come back with the launch; without it the constructor refuses.
        launch = DjangoMessageLaunch(
            lti_request,
            DatabaseToolConf(),
            session_service=session_service,
            launch_data_storage=storage,
            requests_session=http_session(),
        )
        launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
        # Not atomic on purpose: a nonce spent by a refused launch stays spent.
        launch.validate()
    except LtiException as error:
        raise LaunchRefused(f"This launch was refused: {error}") from error
    except AssertionError as error:  # pylti1p3 asserts when a registration lacks a key
        raise LaunchRefused("This launch was refused: the tool has no signing key yet.") from error
    body = launch.get_launch_data()
    _check_audience(body, launch.get_client_id())
    if not body.get("sub"):
        raise LaunchRefused("This launch was refused: it names no user (sub); anonymous launches are not supported.")
    return launch


def _check_audience(body: dict, client_id: str) -> None:
    """The audience must include the client id and, when it lists several, `azp` must be the client id ."""
    audience = body.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise LaunchRefused("This launch was refused: the token was not issued for this tool (audience).")
    if len(audiences) > 1 and body.get("azp") != client_id:
        raise LaunchRefused("This launch was refused: the token names several audiences but not this tool as azp.")


def restored_launch(request, launch_id: str) -> DjangoMessageLaunch:
    """A launch validated earlier in this browser, read back from the store (for the deep-link answer)."""
    lti_request, session_service, storage = _services(request, post_only=True)
    try:
        return DjangoMessageLaunch.from_cache(
            launch_id,
            lti_request,
            DatabaseToolConf(),
            session_service=session_service,
            launch_data_storage=storage,
            requests_session=http_session(),
        )
    except LtiException as error:
        raise LaunchRefused("This LTI session has expired. Start again from your course.") from error


def is_teaching_role(roles: list[str]) -> bool:
    return any(role.endswith(TEACHING_ROLES) for role in roles)
