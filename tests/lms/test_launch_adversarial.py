"""Launches an attacker would try: a nonce from one login used with another login's state,
a token meant for several tools, an account the admin made staff, a browser signed in as
someone else, origins in a signed message that would widen the frame policy; and the
launch's query count, which doesn't grow with the teacher's classes and the catalogue."""

import re
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration, LtiUser

from accounts.models import User
from lms.launch import role_of
from lms.views import DEEP_LINK_SESSION_KEY

from .conftest import CLIENT_ID, DEPLOYMENT_ID, ISSUER, LEARNER, new_browser
from .test_launch_refused import assert_unverified, counts
from .test_lti_headers import PLATFORM, SCHOOL, assert_framed_by, frame_ancestors

pytestmark = pytest.mark.django_db

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def test_a_nonce_is_good_only_with_the_state_of_the_login_that_issued_it(platform):
    first = platform.login()
    second = platform.login()
    token = platform.sign(platform.claims(nonce=first.nonce))
    before = counts()
    assert_unverified(platform.post_launch(token, second.state))
    assert counts() == before
    # Its own login's state still works: the mismatch used nothing up.
    assert platform.post_launch(token, first.state).status_code == 302


def test_a_token_for_several_tools_needs_us_as_its_authorized_party(platform):
    before = counts()
    for claims in (
        {"aud": [CLIENT_ID, "another-tool"]},
        {"aud": [CLIENT_ID, "another-tool"], "azp": "another-tool"},
        {"aud": CLIENT_ID, "azp": "another-tool"},
    ):
        login = platform.login()
        body = platform.claims(nonce=login.nonce, **claims)
        assert_unverified(platform.post_launch(platform.sign(body), login.state))
    assert counts() == before
    login = platform.login()
    body = platform.claims(nonce=login.nonce, aud=[CLIENT_ID, "another-tool"], azp=CLIENT_ID)
    assert platform.post_launch(platform.sign(body), login.state).status_code == 302


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_launch_never_signs_in_an_account_the_admin_has_made_staff(platform, flag):
    assert platform.launch().status_code == 302
    user = LtiUser.objects.get(sub="instructor-1").auth_user
    setattr(user, flag, True)
    user.save()
    browser = new_browser(platform)
    before = counts()
    response = browser.launch()
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.client.session
    assert counts() == before


def test_a_local_admin_linked_to_a_person_of_the_lms_is_refused(platform, teacher):
    teacher.is_staff = True
    teacher.save()
    browser = new_browser(platform)
    assert browser.launch().status_code == 302
    LtiUser.objects.filter(sub="instructor-1").update(auth_user=teacher)
    response = new_browser(platform).launch()
    assert response.status_code == 403
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_browser_signed_in_as_someone_else_switches_cleanly_to_the_launched_person(
    platform, teacher
):
    platform.client.force_login(teacher)
    session = platform.client.session
    session["left-over"] = "from the earlier sign-in"
    session.save()
    old_key = session.session_key
    response = platform.launch()
    assert response.status_code == 302
    session = platform.client.session
    assert session.session_key != old_key
    assert "left-over" not in session
    launched = LtiUser.objects.get(sub="instructor-1").auth_user
    assert launched != teacher
    assert int(session["_auth_user_id"]) == launched.pk


def test_a_resource_launch_drops_a_deep_linking_request_left_in_the_session(platform):
    response = platform.launch(message_type="LtiDeepLinkingRequest", **deep_linking())
    assert response.status_code == 200
    assert DEEP_LINK_SESSION_KEY in platform.client.session
    assert platform.launch().status_code == 302
    assert DEEP_LINK_SESSION_KEY not in platform.client.session


def deep_linking(return_url="https://school.example.edu/courses/7/deep_linking_response"):
    return {
        f"{DL}deep_linking_settings": {
            "deep_link_return_url": return_url,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe"],
        }
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://school.example.edu https:/x",
        "https://school.example.edu, https://evil.example/",
        "https://school.example.edu;script-src */",
        "https://*.example.edu/",
        "https://school.example.edu'unsafe-inline'/",
        "http://school.example.edu/",
        "javascript:alert(1)",
    ],
)
def test_origins_a_signed_message_names_cannot_widen_the_frame_policy(platform, url):
    response = platform.launch(
        **{
            f"{LTI}launch_presentation": {"return_url": url},
            f"{LTI}tool_platform": {"guid": "g-1", "url": url},
        }
    )
    assert response.status_code == 302
    assert_framed_by(response, PLATFORM)
    assert ";" not in frame_ancestors(response)
    player = platform.client.get(reverse("accounts:login"), secure=True)
    assert frame_ancestors(player) in {PLATFORM, "'none'"}


def test_a_well_formed_https_return_address_may_frame_the_session(platform):
    response = platform.launch()
    assert_framed_by(response, PLATFORM, SCHOOL)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["Instructor"], User.Role.TEACHER),
        (["Learner"], User.Role.STUDENT),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], User.Role.STUDENT),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            User.Role.TEACHER,
        ),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], None),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], None),
        (
            [
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
                "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
            ],
            User.Role.STUDENT,
        ),
        (["Learner", "Instructor"], User.Role.TEACHER),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], None),
        ("Instructor", None),
    ],
)
def test_context_roles_map_to_teacher_or_student(roles, expected):
    assert role_of(roles) == expected


def test_a_learner_in_one_course_who_teaches_another_is_told_why_and_nothing_changes(platform):
    assert platform.launch(context_id="course-a").status_code == 302
    before = counts()
    response = new_browser(platform).launch(context_id="course-b", roles=LEARNER)
    assert response.status_code == 403
    assert "your account here is a teacher" in response.content.decode()
    assert counts() == before


def launch_queries(platform, **claims) -> int:
    login = platform.login()
    token = platform.sign(platform.claims(nonce=login.nonce, **claims))
    with CaptureQueriesContext(connection) as queries:
        response = platform.post_launch(token, login.state)
    assert response.status_code == 302, response.content
    return len(queries)


def test_a_launch_reads_as_many_queries_for_a_busy_teacher_as_for_a_new_one(
    platform, published_lesson
):
    custom = {"lesson": str(published_lesson.pk)}
    platform.launch(custom=custom)
    one = launch_queries(platform, custom=custom)
    for number in range(6):
        platform.launch(context_id=f"course-{number}", custom=custom, resource_link_id=f"l{number}")
    learner = new_browser(platform)
    for number in range(4):
        learner.launch(roles=LEARNER, sub=f"learner-{number}", custom=custom)
    assert launch_queries(platform, custom=custom) == one


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": None},
        {"iat": None},
        {"iat": "iat-offset"},
        {f"{LTI}version": "1.1"},
        {f"{LTI}version": None},
        {f"{LTI}context": "course-7"},
        {f"{LTI}context": {"id": ["course-7"]}},
        {f"{LTI}roles": "Instructor"},
        {f"{LTI}resource_link": {"id": ["link-1"]}},
        {f"{LTI}resource_link": "link-1"},
        {f"{LTI}tool_platform": "https://school.example.edu/"},
        {f"{LTI}launch_presentation": ["iframe"]},
        {f"{LTI}custom": "lesson=1"},
        {"sub": None},
    ],
)
def test_a_malformed_or_incomplete_token_is_refused_and_changes_nothing(platform, claims):
    login = platform.login()
    body = platform.claims(nonce=login.nonce)
    for name, value in claims.items():
        if value == "iat-offset":
            body["iat"] = body["iat"] + 3600  # issued an hour from now
        elif value is None:
            del body[name]
        else:
            body[name] = value
    before = counts()
    response = platform.post_launch(platform.sign(body), login.state)
    assert response.status_code in {400, 403}
    assert "_auth_user_id" not in response.wsgi_request.session
    assert counts() == before


def test_the_login_sends_people_only_to_the_registered_platform_and_back_to_our_launch(platform):
    login = platform.login(target_link_uri="https://evil.example/steal")
    assert login.redirect_uri == "https://testserver/lti/launch/"
    login = platform.login()
    token = platform.sign(
        platform.claims(nonce=login.nonce, **{f"{LTI}target_link_uri": "https://evil.example/"})
    )
    response = platform.post_launch(token, login.state)
    assert response.status_code == 302
    assert response["Location"].startswith("/")


def test_two_registrations_of_one_issuer_each_check_their_own_keys(
    platform, registration, stranger_key
):
    other = LtiRegistration.objects.create(
        name="Another school on the same LMS",
        issuer=registration.issuer,
        client_id="another-tool",
        auth_url=registration.auth_url,
        token_url=registration.token_url,
        keyset_url="https://lms.example.edu/other/jwks",
    )
    LtiDeployment.objects.create(registration=other, deployment_id=DEPLOYMENT_ID, is_active=True)
    public = stranger_key.export_public(as_dict=True)
    platform.mock.add(
        "GET", other.keyset_url, json={"keys": [{**public, "alg": "RS256", "use": "sig"}]}
    )
    before = counts()
    # Signed with the other registration's key but addressed to this one: refused.
    assert_unverified(refused(platform, key=stranger_key))
    # Signed with this registration's key but addressed to the other: refused.
    assert_unverified(refused(platform, client_id="another-tool", aud="another-tool"))
    assert counts() == before
    # Each with its own key: two people, though the LMS gives them the same subject.
    assert platform.launch().status_code == 302
    assert (
        refused(
            new_browser(platform), key=stranger_key, client_id="another-tool", aud="another-tool"
        ).status_code
        == 302
    )
    people = LtiUser.objects.filter(sub="instructor-1").select_related("auth_user")
    assert {person.registration_id for person in people} == {registration.pk, other.pk}
    assert len({person.auth_user_id for person in people}) == 2


def refused(platform, *, key=None, client_id=CLIENT_ID, **claims):
    """A login for `client_id` and a launch with these claims."""
    data = {"iss": ISSUER, "login_hint": "h", "target_link_uri": "https://testserver/lti/launch/"}
    login = platform.client.post("/lti/login/", {**data, "client_id": client_id}, secure=True)
    assert login.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
    assert query["client_id"] == client_id
    body = platform.claims(nonce=query["nonce"], **claims)
    return platform.post_launch(platform.sign(body, key=key), query["state"])


def test_a_launch_over_plain_http_keeps_its_cookies_lax(platform):
    data = {"iss": ISSUER, "login_hint": "h", "target_link_uri": "http://testserver/lti/launch/"}
    login = platform.client.post("/lti/login/", {**data, "client_id": CLIENT_ID})
    assert login.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
    token = platform.sign(platform.claims(nonce=query["nonce"]))
    response = platform.client.post("/lti/launch/", {"id_token": token, "state": query["state"]})
    assert response.status_code == 302
    assert "_auth_user_id" in platform.client.session
    for name in ["sessionid", "csrftoken"]:
        if name in response.cookies:
            assert response.cookies[name]["samesite"] == "Lax", name
            assert not response.cookies[name]["secure"], name
    assert response.cookies["sessionid"]


def test_deep_linking_for_a_menu_that_takes_no_links_is_refused_before_the_catalogue(platform):
    settings = deep_linking()
    settings[f"{DL}deep_linking_settings"]["accept_types"] = ["file", "html"]
    before = counts()
    response = platform.launch(message_type="LtiDeepLinkingRequest", **settings)
    assert response.status_code == 403
    assert counts() == before
    assert DEEP_LINK_SESSION_KEY not in platform.client.session


def test_deep_linking_without_a_grade_column_wanted_returns_the_link_alone(
    platform, published_lesson
):
    settings = deep_linking()
    settings[f"{DL}deep_linking_settings"]["accept_lineitem"] = False
    assert platform.launch(message_type="LtiDeepLinkingRequest", **settings).status_code == 200
    answer = platform.client.post(
        reverse("lms:deep-link"), {"lesson": published_lesson.pk}, secure=True
    )
    assert answer.status_code == 200
    token = re.search(r'name="JWT" value="([^"]+)"', answer.content.decode()).group(1)
    [item] = jwt.decode(token, options={"verify_signature": False})[f"{DL}content_items"]
    assert item["type"] == "ltiResourceLink"
    assert "lineItem" not in item


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999999", " 1"])
def test_an_odd_lesson_number_picked_gets_the_catalogue_again(platform, published_lesson, value):
    platform.launch(message_type="LtiDeepLinkingRequest", **deep_linking())
    response = platform.client.post(reverse("lms:deep-link"), {"lesson": value}, secure=True)
    assert response.status_code == 400
    assert "Choose one of the published lessons" in response.content.decode()
    assert DEEP_LINK_SESSION_KEY in platform.client.session


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999999", "-1"])
def test_a_link_naming_an_odd_lesson_number_is_refused(platform, published_lesson, value):
    before = counts()
    response = platform.launch(custom={"lesson": value})
    assert response.status_code == 404
    assert counts()["Assignment"] == before["Assignment"]
