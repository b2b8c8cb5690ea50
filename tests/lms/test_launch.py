"""Launching from an LMS: the OIDC login, the signed launch, and what it maps to here (the
person's account, the course's class, the link's assignment)."""

import pytest
from django.urls import reverse
from lti_tool.models import LtiContext, LtiLineItem, LtiUser

from accounts.models import Classroom, Enrollment, User
from coursework.models import Assignment
from lms.models import CourseLink, Placement
from tests.conftest import make_user

from .conftest import INSTRUCTOR, LEARNER, MENTOR, new_browser

pytestmark = pytest.mark.django_db

ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership"
LINE_ITEM = "https://lms.example.edu/api/lti/courses/7/line_items/31"
AGS = {
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        "lineitems": "https://lms.example.edu/api/lti/courses/7/line_items",
        "lineitem": LINE_ITEM,
    }
}


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (User, Classroom, Enrollment, Assignment, CourseLink, Placement, LtiUser)
    }


def test_login_sends_the_browser_to_the_platform_with_state_and_nonce(platform):
    login = platform.login()
    assert login.redirect_uri == "https://testserver/lti/launch/"
    state_cookie = login.response.cookies[f"lti1p3-{login.state}"]
    assert state_cookie.value == login.state
    assert state_cookie["samesite"] == "None"
    assert state_cookie["secure"]
    assert len(login.nonce) >= 32


def test_an_instructor_in_a_new_course_creates_the_class_as_its_teacher(platform):
    response = platform.launch(roles=INSTRUCTOR, sub="teacher-9", context_title="US History 2")
    link = CourseLink.objects.select_related("classroom", "context").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:class-assignments", args=[link.classroom.pk])
    teacher = LtiUser.objects.get(sub="teacher-9").auth_user
    assert teacher.role == User.Role.TEACHER
    assert not teacher.has_usable_password()
    assert link.classroom.name == "US History 2"
    assert list(link.classroom.teachers.all()) == [teacher]
    assert link.context.id_on_platform == "course-7"
    # Logged in: the class page opens in the same browser.
    page = platform.client.get(response["Location"], secure=True)
    assert page.status_code == 200
    assert page.wsgi_request.user == teacher


def test_a_second_launch_finds_the_same_account_and_class(platform):
    platform.launch(sub="teacher-9")
    before = counts()
    response = platform.launch(sub="teacher-9")
    assert response.status_code == 302
    assert counts() == before


def test_people_are_matched_by_platform_and_subject_never_by_email(platform):
    existing = make_user("rivera", role=User.Role.TEACHER, email="teacher-9@school.example.edu")
    platform.launch(sub="teacher-9")
    account = LtiUser.objects.get(sub="teacher-9").auth_user
    assert account != existing
    assert account.email == existing.email
    assert list(existing.teaching.all()) == []


def test_a_teaching_assistant_teaches_and_a_second_instructor_joins_the_class(platform):
    platform.launch(sub="teacher-9")
    other = new_browser(platform)
    response = other.launch(roles=[f"{ROLE}/Instructor#TeachingAssistant"], sub="ta-1")
    classroom = CourseLink.objects.get().classroom
    assert response.status_code == 302
    assert set(classroom.teachers.values_list("lti_users__sub", flat=True)) == {
        "teacher-9",
        "ta-1",
    }


def test_a_link_naming_a_lesson_gives_it_to_the_class_and_remembers_its_grade_column(
    platform, published_lesson
):
    response = platform.launch(custom={"lesson": str(published_lesson.pk)}, **AGS)
    placement = Placement.objects.select_related("assignment", "line_item").get()
    assignment = placement.assignment
    assert response.status_code == 302
    assert response["Location"] == reverse("coursework:dashboard", args=[assignment.pk])
    assert assignment.lesson == published_lesson
    assert assignment.classroom == CourseLink.objects.get().classroom
    assert assignment.assigned_by.lti_users.get().sub == "instructor-1"
    assert placement.resource_link.id_on_platform == "link-1"
    assert placement.line_item.url == LINE_ITEM
    assert placement.line_item.maximum_score == 16  # the rubric's top levels: 4 criteria x 4
    assert LtiLineItem.objects.count() == 1


def test_a_learner_is_enrolled_and_lands_in_their_lesson_player(platform, published_lesson):
    platform.launch(custom={"lesson": str(published_lesson.pk)})
    learner = new_browser(platform)
    response = learner.launch(roles=LEARNER, sub="learner-1", custom={"lesson": "999999"})
    assignment = Assignment.objects.get()
    student = LtiUser.objects.get(sub="learner-1").auth_user
    assert response.status_code == 302
    assert response["Location"] == reverse("coursework:player", args=[assignment.pk])
    assert student.role == User.Role.STUDENT
    assert not student.has_usable_password()
    assert Enrollment.objects.active().filter(classroom=assignment.classroom, student=student)
    player = learner.client.get(response["Location"], secure=True, follow=True)
    assert player.status_code == 200
    assert published_lesson.title in player.content.decode()
    # The placement keeps the lesson it was first given, whatever a later launch says.
    assert Placement.objects.get().lesson == published_lesson


def test_a_learner_first_to_open_a_link_gets_the_lesson_assigned_by_the_class_teacher(
    platform, published_lesson
):
    platform.launch(sub="teacher-9", resource_link_id="other-link")
    learner = new_browser(platform)
    response = learner.launch(
        roles=LEARNER, sub="learner-1", custom={"lesson": str(published_lesson.pk)}
    )
    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coursework:player", args=[assignment.pk])
    assert assignment.assigned_by.lti_users.get().sub == "teacher-9"


def test_a_class_that_already_has_the_lesson_keeps_its_assignment(platform, published_lesson):
    platform.launch(custom={"lesson": str(published_lesson.pk)}, resource_link_id="a")
    platform.launch(custom={"lesson": str(published_lesson.pk)}, resource_link_id="b")
    assert Assignment.objects.count() == 1
    assert set(Placement.objects.values_list("assignment", flat=True)) == {
        Assignment.objects.get().pk
    }


def test_a_removed_student_launching_again_is_back_on_the_roster(platform, published_lesson):
    platform.launch(custom={"lesson": str(published_lesson.pk)})
    learner = new_browser(platform)
    learner.launch(roles=LEARNER, sub="learner-1")
    enrollment = Enrollment.objects.get()
    enrollment.removed_at = enrollment.joined_at
    enrollment.save()
    response = learner.launch(roles=LEARNER, sub="learner-1")
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.is_active


def test_a_learner_before_their_teacher_is_told_to_wait_and_nothing_is_made(platform):
    before = counts()
    response = platform.launch(roles=LEARNER, sub="learner-1")
    assert response.status_code == 403
    assert "Your teacher hasn&#x27;t opened History Lessons" in response.content.decode()
    assert counts() == before
    assert LtiContext.objects.count() == 0


def test_a_role_neither_teaching_nor_learning_is_refused(platform):
    before = counts()
    response = platform.launch(roles=MENTOR, sub="parent-1")
    assert response.status_code == 403
    assert counts() == before


def test_a_link_naming_an_unpublished_lesson_is_refused(platform, draft_lesson):
    before = counts()
    response = platform.launch(custom={"lesson": str(draft_lesson.pk)})
    assert response.status_code == 404
    assert "isn&#x27;t published here" in response.content.decode()
    assert counts() == before


def test_a_teacher_account_launching_as_a_learner_is_refused(platform):
    platform.launch(sub="teacher-9")
    other_course = new_browser(platform)
    other_course.launch(sub="teacher-8", context_id="course-8")
    response = platform.launch(roles=LEARNER, sub="teacher-8")
    assert response.status_code == 403
    assert "your account here is a teacher" in response.content.decode()
    assert Enrollment.objects.count() == 0


def test_a_lesson_taken_back_stays_closed_to_learners_until_an_instructor_opens_the_link(
    platform, published_lesson
):
    platform.launch(custom={"lesson": str(published_lesson.pk)})
    first = Assignment.objects.get()
    first.withdrawn_at = first.created_at
    first.save()
    learner = new_browser(platform)
    before = counts()
    response = learner.launch(roles=LEARNER, sub="learner-1")
    assert response.status_code == 403
    assert "taken this lesson back" in response.content.decode()
    assert counts() == before

    platform.launch()
    placement = Placement.objects.select_related("assignment").get()
    assert placement.assignment != first
    assert placement.assignment.withdrawn_at is None
    assert learner.launch(roles=LEARNER, sub="learner-1").status_code == 302
