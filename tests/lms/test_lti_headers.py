"""Framing and cookies: the LTI routes and the pages of a session an LTI launch began may be
framed by that platform, with SameSite=None cookies; every other page stays DENY, its
cookies Lax; no policy allows inline code."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

from .conftest import LEARNER, new_browser

pytestmark = pytest.mark.django_db

PLATFORM = "https://lms.example.edu"  # the registration's issuer and login endpoint
SCHOOL = "https://school.example.edu"  # where the launch says the course lives


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    return next(d for d in policy.split("; ") if d.startswith("frame-ancestors")).split(" ", 1)[1]


def assert_deny(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


def assert_framed_by(response, *origins) -> None:
    assert "X-Frame-Options" not in response
    assert set(frame_ancestors(response).split()) == set(origins)


def test_pages_outside_lti_stay_deny(platform):
    client = Client()
    for url in [reverse("accounts:login"), reverse("admin:login"), reverse("lms:jwks")]:
        assert_deny(client.get(url, secure=True))


def test_the_lti_routes_may_be_framed_by_registered_platforms_only(platform):
    response = Client().get(reverse("lms:login"), secure=True)
    assert response.status_code == 400
    assert_framed_by(response, PLATFORM)
    refused = Client().post(reverse("lms:launch"), secure=True)
    assert_framed_by(refused, PLATFORM)
    assert_framed_by(platform.login().response, PLATFORM)


def test_without_any_registration_the_lti_routes_stay_deny(db):
    assert_deny(Client().get(reverse("lms:login"), secure=True))


def test_a_launched_session_is_framed_by_its_platform_with_samesite_none_cookies(
    platform, published_lesson
):
    platform.launch(custom={"lesson": str(published_lesson.pk)})
    learner = new_browser(platform)
    response = learner.launch(roles=LEARNER, sub="learner-1")
    assert response.status_code == 302
    assert_framed_by(response, PLATFORM, SCHOOL)
    for name in ["sessionid", "csrftoken"]:
        cookie = response.cookies[name]
        assert cookie["samesite"] == "None", name
        assert cookie["secure"], name
    # The player, inside the LMS's frame.
    player = learner.client.get(response["Location"], secure=True, follow=True)
    assert player.status_code == 200
    assert_framed_by(player, PLATFORM, SCHOOL)
    # The admin never is, whoever asks.
    assert_deny(learner.client.get(reverse("admin:login"), secure=True))


def test_the_same_page_in_a_session_without_a_launch_stays_deny_and_lax(platform, published_lesson):
    platform.launch(custom={"lesson": str(published_lesson.pk)})
    learner = new_browser(platform)
    player_url = learner.launch(roles=LEARNER, sub="learner-1")["Location"]
    student = learner.client.get(player_url, secure=True).wsgi_request.user
    student.set_password(PASSWORD)
    student.save()
    browser = Client()
    page = browser.get(reverse("accounts:login"), secure=True)
    assert page.cookies["csrftoken"]["samesite"] == "Lax"
    logged_in = browser.post(
        reverse("accounts:login"),
        {"username": student.username, "password": PASSWORD},
        secure=True,
    )
    assert logged_in.status_code == 302
    assert logged_in.cookies["sessionid"]["samesite"] == "Lax"
    player = browser.get(player_url, secure=True, follow=True)
    assert player.status_code == 200
    assert_deny(player)


def test_logging_out_of_a_launched_session_ends_the_framing(platform):
    platform.launch()
    platform.client.post(reverse("accounts:logout"), secure=True)
    assert_deny(platform.client.get(reverse("accounts:login"), secure=True))
