"""A fake LMS for the LTI tests, offline: its own RSA key pair, registered here with an
active deployment, its keyset served by `responses`, and id_tokens signed as a platform
signs them. `platform.launch(...)` walks the OIDC login (state cookie and nonce) and posts
the signed launch, as a browser in the LMS's iframe would.
"""

import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from django.test import Client
from jwcrypto.jwk import JWK
from lti_tool.models import LtiDeployment, LtiRegistration

from tests.lessons.conftest import document, draft_lesson, make_rubric, published_lesson  # noqa: F401

ISSUER = "https://lms.example.edu"
CLIENT_ID = "history-lessons-tool"
AUTH_URL = f"{ISSUER}/api/lti/authorize_redirect"
TOKEN_URL = f"{ISSUER}/login/oauth2/token"
KEYSET_URL = f"{ISSUER}/api/lti/security/jwks"
DEPLOYMENT_ID = "1:deployment-one"
RETURN_URL = "https://school.example.edu/courses/7/modules"
DEEP_LINK_RETURN_URL = "https://school.example.edu/courses/7/deep_linking_response"
LAUNCH_URL = "https://testserver/lti/launch/"

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTRUCTOR = [f"{ROLE}Instructor"]
LEARNER = [f"{ROLE}Learner"]
MENTOR = [f"{ROLE}Mentor"]


def make_key(kid: str) -> JWK:
    return JWK.generate(kty="RSA", size=2048, kid=kid)


@pytest.fixture(scope="session")
def platform_key() -> JWK:
    return make_key("platform-key-1")


@pytest.fixture(scope="session")
def stranger_key() -> JWK:
    """A key the platform never published, signing under the platform's key id."""
    return make_key("platform-key-1")


@dataclass
class Login:
    state: str
    nonce: str
    redirect_uri: str
    response: object


@dataclass
class FakePlatform:
    client: Client
    key: JWK
    registration: LtiRegistration
    mock: responses.RequestsMock
    deployment_id: str = DEPLOYMENT_ID
    launched: list = field(default_factory=list)

    def keyset(self) -> dict:
        public = self.key.export_public(as_dict=True)
        return {"keys": [{**public, "alg": "RS256", "use": "sig"}]}

    def login(self, **params) -> Login:
        """The platform's OIDC login initiation, then what our tool sends the browser to."""
        data = {
            "iss": ISSUER,
            "login_hint": "hint-1",
            "target_link_uri": LAUNCH_URL,
            "lti_message_hint": "message-hint-1",
            "client_id": CLIENT_ID,
            "lti_deployment_id": self.deployment_id,
            **params,
        }
        response = self.client.post("/lti/login/", data, secure=True)
        assert response.status_code == 302, response.content
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_URL
        query = {k: v[0] for k, v in parse_qs(location.query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["response_mode"] == "form_post"
        return Login(query["state"], query["nonce"], query["redirect_uri"], response)

    def claims(
        self,
        *,
        nonce: str,
        roles=INSTRUCTOR,
        sub: str = "instructor-1",
        context_id: str | None = "course-7",
        context_title: str = "US History, Period 2",
        resource_link_id: str = "link-1",
        custom: dict | None = None,
        message_type: str = "LtiResourceLinkRequest",
        **extra,
    ) -> dict:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": "Pat",
            "family_name": sub.title(),
            "name": f"Pat {sub.title()}",
            "email": f"{sub}@school.example.edu",
            f"{LTI}message_type": message_type,
            f"{LTI}version": "1.3.0",
            f"{LTI}deployment_id": self.deployment_id,
            f"{LTI}target_link_uri": LAUNCH_URL,
            f"{LTI}roles": roles,
            f"{LTI}launch_presentation": {"document_target": "iframe", "return_url": RETURN_URL},
        }
        if context_id is not None:
            body[f"{LTI}context"] = {"id": context_id, "title": context_title, "label": "USH2"}
        if message_type == "LtiResourceLinkRequest":
            body[f"{LTI}resource_link"] = {"id": resource_link_id, "title": "Lesson link"}
        if custom is not None:
            body[f"{LTI}custom"] = custom
        body.update(extra)
        return body

    def sign(self, body: dict, *, key: JWK | None = None) -> str:
        key = key or self.key
        return jwt.encode(
            body,
            key.export_to_pem(private_key=True, password=None),
            algorithm="RS256",
            headers={"kid": key.get("kid")},
        )

    def post_launch(self, token: str, state: str):
        return self.client.post("/lti/launch/", {"id_token": token, "state": state}, secure=True)

    def launch(self, *, key: JWK | None = None, **claims):
        """Login then launch; claims as for `claims()`. Returns the launch response."""
        login = self.login()
        token = self.sign(self.claims(nonce=login.nonce, **claims), key=key)
        self.launched.append((token, login.state))
        return self.post_launch(token, login.state)


@pytest.fixture
def registration(db) -> LtiRegistration:
    registration = LtiRegistration.objects.create(
        name="School LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=AUTH_URL,
        token_url=TOKEN_URL,
        keyset_url=KEYSET_URL,
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=DEPLOYMENT_ID, is_active=True
    )
    return registration


@pytest.fixture
def platform(registration, platform_key):
    """The fake LMS, its keyset served while the test runs. Further endpoints (token,
    roster, scores) can be added with `platform.mock.add(...)`."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakePlatform(client=Client(), key=platform_key, registration=registration, mock=mock)
        mock.add(responses.GET, KEYSET_URL, json=fake.keyset())
        yield fake


def new_browser(platform: FakePlatform) -> FakePlatform:
    """The same platform seen from another person's browser (a fresh cookie jar)."""
    return FakePlatform(
        client=Client(),
        key=platform.key,
        registration=platform.registration,
        mock=platform.mock,
        deployment_id=platform.deployment_id,
    )
