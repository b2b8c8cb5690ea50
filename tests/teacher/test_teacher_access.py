"""Who reaches the teacher's pages and actions: the class's teachers and admins do; another
teacher gets 404, a student of the class 403, anonymous visitors the login page; a wrong
method is 405; and a refused POST changes nothing."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from coursework import services
from coursework.grades import CriterionScore, Grade
from coursework.models import Post, Submission
from tests.teacher.conftest import TALK, grade, hand_in, level_ids, post


@dataclass
class World:
    assignment_pk: int
    submission_pk: int
    classroom_pk: int
    talk_pk: int
    post_pk: int
    grade_form: dict


@pytest.fixture
def world(assignment, talk, student, classmate, teacher) -> World:
    submission = hand_in(assignment, student)
    graded = grade(submission, teacher, [4, 3, 2, 1])  # complete, so it can be returned
    form = {"version": graded.version_id, "grade_revision": graded.revision, "comment": "Changed"}
    form |= {f"level-{c}": lv for c, lv in level_ids(submission, [1, 1, 1, 1]).items()}
    message = post(talk, classmate, "A post.")
    return World(assignment.pk, submission.pk, assignment.classroom_id, talk.pk, message.pk, form)


GETS = {
    "dashboard": lambda w: [w.assignment_pk],
    "dashboard-csv": lambda w: [w.assignment_pk],
    "grading": lambda w: [w.assignment_pk],
    "grade": lambda w: [w.assignment_pk, w.submission_pk],
    "gradebook": lambda w: [w.classroom_pk],
    "gradebook-csv": lambda w: [w.classroom_pk],
    "discussion": lambda w: [w.talk_pk, TALK],
}
POSTS = {
    "grade-save": (lambda w: [w.assignment_pk, w.submission_pk], lambda w: w.grade_form),
    "grade-return": (lambda w: [w.assignment_pk, w.submission_pk], lambda w: {}),
    "grade-return-all": (lambda w: [w.assignment_pk], lambda w: {}),
    "revision-request": (
        lambda w: [w.assignment_pk, w.submission_pk],
        lambda w: {"comment": "Again"},
    ),
    "post-moderate": (lambda w: [w.talk_pk, w.post_pk], lambda w: {"action": "pin"}),
}


def state() -> tuple:
    """Everything a teacher's action could change."""
    return (
        list(Submission.objects.order_by("pk").values()),
        list(Grade.objects.order_by("pk").values()),
        list(CriterionScore.objects.order_by("pk").values()),
        list(Post.objects.order_by("pk").values()),
    )


@pytest.fixture
def as_role(client, request):
    def login(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


ALLOWED = ["teacher", "coteacher", "admin_user"]
REFUSED = [("other_teacher", 404), ("loner", 404), ("student", 403)]


def url(world, name: str) -> str:
    args = GETS[name](world) if name in GETS else POSTS[name][0](world)
    return reverse(f"coursework:{name}", args=args)


@pytest.mark.parametrize("name", GETS)
def test_class_teachers_and_admins_open_every_page(world, as_role, name):
    for role in ALLOWED:
        assert as_role(role).get(url(world, name)).status_code == 200, role


@pytest.mark.parametrize("role", ALLOWED)
@pytest.mark.parametrize("name", POSTS)
def test_class_teachers_and_admins_can_act(world, as_role, name, role):
    before = state()
    response = as_role(role).post(url(world, name), POSTS[name][1](world))
    assert response.status_code == 302
    assert state() != before


@pytest.mark.parametrize("name", GETS)
def test_others_are_refused_every_page(world, as_role, name):
    for role, status in REFUSED:
        assert as_role(role).get(url(world, name)).status_code == status, role


@pytest.mark.parametrize("name", POSTS)
def test_others_are_refused_every_action_and_nothing_changes(world, as_role, name):
    before = state()
    for role, status in REFUSED:
        response = as_role(role).post(url(world, name), POSTS[name][1](world))
        assert response.status_code == status, role
        assert state() == before, role


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    before = state()
    login = resolve_url(settings.LOGIN_URL)
    for name in [*GETS, *POSTS]:
        target = url(world, name)
        response = (
            client.get(target) if name in GETS else client.post(target, POSTS[name][1](world))
        )
        assert (response.status_code, response.url) == (302, f"{login}?next={target}"), name
    assert state() == before


def test_a_wrong_method_is_not_allowed(world, as_role):
    client = as_role("teacher")
    before = state()
    for name in GETS:
        assert client.post(url(world, name)).status_code == 405, name
        assert client.put(url(world, name)).status_code == 405, name
    for name in POSTS:
        assert client.get(url(world, name)).status_code == 405, name
    assert state() == before


def test_a_submission_of_another_assignment_is_not_found(
    world, as_role, other_classroom, other_teacher, other_student, published_lesson
):
    elsewhere = services.assignment_create(
        classroom=other_classroom, lesson=published_lesson, teacher=other_teacher
    )
    foreign = hand_in(elsewhere, other_student)
    before = state()
    client = as_role("teacher")
    for name in ["grade", "grade-save", "grade-return", "revision-request"]:
        target = reverse(f"coursework:{name}", args=[world.assignment_pk, foreign.pk])
        response = client.get(target) if name == "grade" else client.post(target, {"comment": "x"})
        assert response.status_code == 404, name
    assert state() == before
