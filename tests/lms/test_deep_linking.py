"""Deep linking: an instructor picks a published lesson from our catalogue inside the LMS,
and we answer with a signed response creating the link (custom `lesson`) and its grade
column (the rubric's maximum)."""

import re
from html import unescape

import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jwcrypto.jwk import JWK

from accounts.models import Classroom
from coursework.models import Assignment
from lessons.models import Lesson, Module
from lms.models import CourseLink, Placement
from tests.lessons.conftest import make_rubric

from .conftest import CLIENT_ID, DEEP_LINK_RETURN_URL, ISSUER, LAUNCH_URL, new_browser

pytestmark = pytest.mark.django_db

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
SETTINGS = {
    f"{DL}deep_linking_settings": {
        "deep_link_return_url": DEEP_LINK_RETURN_URL,
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": False,
        "data": "opaque-platform-data",
    }
}


def deep_link_launch(platform, **claims):
    return platform.launch(message_type="LtiDeepLinkingRequest", **{**SETTINGS, **claims})


def form_fields(page: str) -> dict:
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    token = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    return {"action": action, "JWT": token}


def verified(platform, token: str) -> dict:
    """The response checked as the platform checks it: with our keyset, fetched from us."""
    keyset = platform.client.get("/.well-known/jwks.json", secure=True).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keyset["keys"] if k["kid"] == kid)
    public = JWK(**key).export_to_pem()
    return jwt.decode(token, public, algorithms=["RS256"], audience=ISSUER)


def test_an_instructor_picks_a_lesson_and_gets_a_signed_link_with_its_grade_column(
    platform, published_lesson
):
    response = deep_link_launch(platform)
    assert response.status_code == 200
    page = response.content.decode()
    assert published_lesson.title in page
    assert "16" in page  # the written assignment's points
    classroom = CourseLink.objects.get().classroom
    assert response.wsgi_request.user in classroom.teachers.all()

    answer = platform.client.post(
        reverse("lms:deep-link"), {"lesson": published_lesson.pk}, secure=True
    )
    assert answer.status_code == 200
    fields = form_fields(answer.content.decode())
    assert fields["action"] == DEEP_LINK_RETURN_URL
    claims = verified(platform, fields["JWT"])
    assert claims["iss"] == CLIENT_ID
    assert claims["aud"] == [ISSUER]
    assert claims[f"{LTI}message_type"] == "LtiDeepLinkingResponse"
    assert claims[f"{LTI}deployment_id"] == platform.deployment_id
    assert claims[f"{DL}data"] == "opaque-platform-data"
    [item] = claims[f"{DL}content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == LAUNCH_URL
    assert item["title"] == published_lesson.title
    assert item["custom"] == {"lesson": str(published_lesson.pk)}
    assert item["lineItem"]["scoreMaximum"] == 16
    assert item["lineItem"]["label"] == published_lesson.title
    # Nothing is assigned until the link is launched.
    assert not Assignment.objects.exists()


def test_the_link_deep_linking_made_opens_the_lesson(platform, published_lesson):
    deep_link_launch(platform)
    answer = platform.client.post(
        reverse("lms:deep-link"), {"lesson": published_lesson.pk}, secure=True
    )
    item = verified(platform, form_fields(answer.content.decode())["JWT"])[f"{DL}content_items"][0]
    learner = new_browser(platform)
    response = learner.launch(
        roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        sub="learner-1",
        resource_link_id="made-by-deep-linking",
        custom=item["custom"],
    )
    placement = Placement.objects.select_related("assignment").get()
    assert placement.lesson == published_lesson
    assert response["Location"] == reverse("coursework:player", args=[placement.assignment.pk])


def test_the_answer_page_posts_itself_with_our_own_script_and_no_inline_code(
    platform, published_lesson
):
    deep_link_launch(platform)
    answer = platform.client.post(
        reverse("lms:deep-link"), {"lesson": published_lesson.pk}, secure=True
    )
    page = answer.content.decode()
    assert '<script src="/static/js/lms-autosubmit.js" defer></script>' in page
    assert "<script>" not in page
    assert "onload" not in page
    policy = answer["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "form-action 'self' https://school.example.edu" in policy
    assert "frame-ancestors" in policy and "https://school.example.edu" in policy


def test_a_lesson_not_offered_is_refused_with_the_catalogue_again(platform, draft_lesson):
    deep_link_launch(platform)
    for value in [str(draft_lesson.pk), "999999", "x", ""]:
        response = platform.client.post(reverse("lms:deep-link"), {"lesson": value}, secure=True)
        assert response.status_code == 400
        assert "Choose one of the published lessons" in response.content.decode()


def test_one_deep_linking_request_gets_one_answer(platform, published_lesson):
    deep_link_launch(platform)
    url = reverse("lms:deep-link")
    assert (
        platform.client.post(url, {"lesson": published_lesson.pk}, secure=True).status_code == 200
    )
    again = platform.client.post(url, {"lesson": published_lesson.pk}, secure=True)
    assert again.status_code == 403


def test_a_resource_launch_session_cannot_answer_deep_linking(platform, published_lesson):
    platform.launch()
    response = platform.client.post(
        reverse("lms:deep-link"), {"lesson": published_lesson.pk}, secure=True
    )
    assert response.status_code == 403


def test_a_signed_in_teacher_without_a_launch_cannot_answer_deep_linking(
    client, teacher, published_lesson
):
    client.force_login(teacher)
    response = client.post(reverse("lms:deep-link"), {"lesson": published_lesson.pk}, secure=True)
    assert response.status_code == 403
    assert Classroom.objects.count() == 0


def add_published_lesson(title: str):
    lesson = Lesson.objects.create(title=title, central_question="Why?", status="published")
    Module.objects.create(
        lesson=lesson, position=1, kind="assignment", title="Write", rubric=make_rubric()
    )
    return lesson


def test_the_catalogue_reads_as_many_queries_for_many_lessons_as_for_one(
    platform, published_lesson
):
    def catalogue_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = deep_link_launch(new_browser(platform), sub="teacher-9")
        assert response.status_code == 200
        return len(queries)

    deep_link_launch(platform, sub="teacher-9")  # the class and account exist from here on
    one = catalogue_queries()
    for number in range(3):
        add_published_lesson(f"Lesson {number}")
    assert catalogue_queries() == one
