"""Launches that must not get in: a bad signature, a wrong audience, an expired token, a
replayed nonce, a missing state cookie, an inactive deployment, and requests that carry no
LTI message at all. Each is refused with 400 or 403 and writes nothing but, for a new
deployment, its inactive record."""

import time

import pytest
from django.test import Client
from lti_tool.models import LtiContext, LtiDeployment, LtiMembership, LtiResourceLink, LtiUser

from accounts.models import Classroom, Enrollment, User
from coursework.models import Assignment
from lms.models import CourseLink, Placement

from .conftest import CLIENT_ID, ISSUER, LEARNER, new_browser

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Classroom,
    Enrollment,
    Assignment,
    CourseLink,
    Placement,
    LtiUser,
    LtiContext,
    LtiMembership,
    LtiResourceLink,
    LtiDeployment,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def refused_launch(platform, *, key=None, **claims):
    login = platform.login()
    body = platform.claims(nonce=login.nonce, **claims)
    return platform.post_launch(platform.sign(body, key=key), login.state)


def assert_unverified(response, *, signed_in: bool = False) -> None:
    assert response.status_code == 403
    assert "The launch could not be verified" in response.content.decode()
    assert ("_auth_user_id" in response.wsgi_request.session) is signed_in


def test_a_token_signed_by_another_key_is_refused(platform, stranger_key):
    before = counts()
    assert_unverified(refused_launch(platform, key=stranger_key))
    assert counts() == before


def test_a_token_for_another_tool_is_refused(platform):
    before = counts()
    assert_unverified(refused_launch(platform, aud="some-other-tool"))
    assert counts() == before


def test_a_token_from_an_unregistered_issuer_is_refused(platform):
    before = counts()
    assert_unverified(refused_launch(platform, iss="https://elsewhere.example.com"))
    assert counts() == before


def test_an_expired_token_is_refused(platform):
    before = counts()
    now = int(time.time())
    assert_unverified(refused_launch(platform, iat=now - 900, exp=now - 600))
    assert counts() == before


def test_a_replayed_launch_is_refused(platform):
    first = platform.launch()
    assert first.status_code == 302
    before = counts()
    token, state = platform.launched[-1]
    # The same browser (still signed in from the first launch), or another that copied the
    # form, posts the same id_token again.
    assert_unverified(platform.post_launch(token, state), signed_in=True)
    assert_unverified(new_browser(platform).post_launch(token, state))
    assert counts() == before


def test_a_token_with_a_nonce_the_tool_never_issued_is_refused(platform):
    login = platform.login()
    body = platform.claims(nonce="made-up-nonce")
    before = counts()
    assert_unverified(platform.post_launch(platform.sign(body), login.state))
    assert counts() == before


def test_a_launch_without_the_login_state_cookie_is_refused(platform):
    login = platform.login()
    token = platform.sign(platform.claims(nonce=login.nonce))
    before = counts()
    assert_unverified(new_browser(platform).post_launch(token, login.state))
    assert counts() == before


def test_a_new_deployment_is_recorded_inactive_and_refused_until_activated(platform):
    before = counts()
    platform.deployment_id = "2:new-deployment"
    response = platform.launch()
    assert response.status_code == 403
    page = response.content.decode()
    assert "waiting for an administrator" in page
    assert "2:new-deployment" in page
    deployment = LtiDeployment.objects.get(deployment_id="2:new-deployment")
    assert not deployment.is_active
    assert deployment.registration == platform.registration
    assert counts() == {**before, "LtiDeployment": before["LtiDeployment"] + 1}
    assert "_auth_user_id" not in response.wsgi_request.session

    deployment.is_active = True
    deployment.save()
    assert platform.launch().status_code == 302
    assert CourseLink.objects.get().context.deployment == deployment


def test_a_switched_off_registration_is_refused(platform):
    platform.registration.is_active = False
    platform.registration.save()
    response = platform.client.post(
        "/lti/login/",
        {"iss": ISSUER, "login_hint": "x", "target_link_uri": "https://testserver/lti/launch/"},
        secure=True,
    )
    assert response.status_code == 403
    assert "isn&#x27;t registered" in response.content.decode()


def test_an_unsupported_message_type_is_refused(platform):
    before = counts()
    response = refused_launch(platform, message_type="LtiSubmissionReviewRequest")
    assert response.status_code in {400, 403}
    assert counts() == before


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", "/lti/launch/", {}, 400),
        ("post", "/lti/launch/", {}, 400),
        ("post", "/lti/launch/", {"state": "x"}, 400),
        ("post", "/lti/launch/", {"id_token": "not-a-jwt", "state": "state-x"}, 403),
        ("post", "/lti/launch/", {"id_token": "a.b.c", "state": "state-x"}, 403),
        ("get", "/lti/login/", {}, 400),
        ("post", "/lti/login/", {"iss": ISSUER}, 400),
        (
            "get",
            "/lti/login/",
            {
                "iss": "https://unknown.example.com",
                "login_hint": "x",
                "target_link_uri": "https://testserver/lti/launch/",
                "client_id": CLIENT_ID,
            },
            403,
        ),
        ("post", "/lti/deep-link/", {"lesson": "1"}, 403),
    ],
)
def test_requests_without_an_lti_message_are_refused_and_change_nothing(
    platform, method, path, data, status
):
    before = counts()
    response = getattr(Client(), method)(path, data, secure=True)
    assert response.status_code == status
    assert "Nothing was changed." in response.content.decode()
    assert counts() == before


def test_a_signed_in_person_posting_to_the_launch_is_refused_like_anyone(platform, student):
    client = Client()
    client.force_login(student)
    before = counts()
    response = client.post("/lti/launch/", {"id_token": "x.y.z", "state": "s"}, secure=True)
    assert response.status_code == 403
    assert counts() == before


def test_a_learner_cannot_deep_link(platform):
    platform.launch()
    before = counts()
    response = new_browser(platform).launch(
        roles=LEARNER,
        sub="learner-1",
        message_type="LtiDeepLinkingRequest",
        **{
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                "deep_link_return_url": "https://school.example.edu/dl",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe"],
            }
        },
    )
    assert response.status_code == 403
    assert "Only a course&#x27;s instructors" in response.content.decode()
    assert counts() == before
