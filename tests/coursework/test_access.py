"""Who reaches which assignment and whose work (see coursework/access.py's table)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enrollment
from coursework import services
from coursework.models import Answer, Assignment, Post, Progress, Submission, Visit
from tests.coursework.conftest import DISCUSS, READING, STUDY, WRITE, module_url, page

LOGIN = reverse("accounts:login")


def snapshot() -> dict:
    """Everything coursework stores, to show that a refused request changed nothing."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Assignment, Progress, Visit, Answer, Post, Submission)
    }


def get_urls(assignment, student) -> dict[str, str]:
    return {
        "player": reverse("coursework:player", args=[assignment.pk]),
        "player-module": module_url(assignment, READING),
        "student-work": reverse("coursework:student-work", args=[assignment.pk, student.pk]),
    }


def post_urls(assignment) -> dict[str, tuple[str, dict]]:
    return {
        "assignment-create": (
            reverse("coursework:assignment-create", args=[assignment.classroom_id]),
            {"lesson": assignment.lesson_id},
        ),
        "assignment-update": (
            reverse("coursework:assignment-update", args=[assignment.pk]),
            {"due_at": ""},
        ),
        "assignment-withdraw": (
            reverse("coursework:assignment-withdraw", args=[assignment.pk]),
            {},
        ),
        "answers-save": (module_url(assignment, STUDY, "answers-save"), {}),
        "post-create": (module_url(assignment, DISCUSS, "post-create"), {"text": "Hi"}),
        "post-edit": (reverse("coursework:post-edit", args=[assignment.pk, 1]), {"text": "x"}),
        "draft-save": (module_url(assignment, WRITE, "draft-save"), {"text": "x", "revision": 0}),
        "submit": (module_url(assignment, WRITE, "submit"), {"text": "x", "revision": 0}),
        "unsubmit": (module_url(assignment, WRITE, "unsubmit"), {}),
    }


GET_VIEWS = ["player", "player-module", "student-work"]
POST_VIEWS = [
    "assignment-create",
    "assignment-update",
    "assignment-withdraw",
    "answers-save",
    "post-create",
    "post-edit",
    "draft-save",
    "submit",
    "unsubmit",
]


@pytest.fixture
def work(assignment, student, lesson):
    """Some of the student's work on the assignment: an answer, a post and a handed-in essay."""
    question = lesson.modules.get(position=STUDY).questions.first()
    services.answer_save(
        assignment=assignment, student=student, question=question, text="The leader speaks."
    )
    post = services.post_create(
        assignment=assignment,
        author=student,
        module=lesson.modules.get(position=DISCUSS),
        text="Amara's post.",
    )
    submission = services.draft_save(
        assignment=assignment,
        student=student,
        module=lesson.modules.get(position=WRITE),
        text="Amara's essay.",
        revision=0,
    )
    services.submission_submit(submission=submission, revision=submission.revision)
    return post


# --- wrong method and anonymous ---------------------------------------------------------


@pytest.mark.parametrize("name", GET_VIEWS)
def test_get_views_refuse_post_with_405(client, teacher, assignment, student, name):
    client.force_login(teacher)
    before = snapshot()
    assert client.post(get_urls(assignment, student)[name]).status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("name", POST_VIEWS)
def test_post_views_refuse_get_with_405(client, student, assignment, name):
    client.force_login(student)
    url, _ = post_urls(assignment)[name]
    assert client.get(url).status_code == 405
    assert client.put(url).status_code == 405
    assert not Progress.objects.exists()


@pytest.mark.parametrize("name", GET_VIEWS)
def test_anonymous_get_is_sent_to_login(client, assignment, student, name):
    response = client.get(get_urls(assignment, student)[name])
    assert response.status_code == 302
    assert response.url.startswith(LOGIN + "?next=")


@pytest.mark.parametrize("name", POST_VIEWS)
def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, assignment, work, name):
    before = snapshot()
    url, data = post_urls(assignment)[name]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN + "?next=")
    assert snapshot() == before


# --- the player ---------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["player", "player-module"])
def test_student_of_another_class_gets_404(client, assignment, other_student, view):
    client.force_login(other_student)
    assert client.get(get_urls(assignment, other_student)[view]).status_code == 404
    assert not Progress.objects.exists() and not Visit.objects.exists()


@pytest.mark.parametrize("user", ["teacher", "admin_user"])
def test_teachers_of_the_class_and_staff_get_403_in_the_player(client, assignment, user, request):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("coursework:player", args=[assignment.pk])).status_code == 403
    assert client.get(module_url(assignment, READING)).status_code == 403
    assert not Progress.objects.exists()


@pytest.mark.parametrize("user", ["other_teacher", "loner"])
def test_others_get_404_in_the_player(client, assignment, user, request):
    client.force_login(request.getfixturevalue(user))
    assert client.get(module_url(assignment, READING)).status_code == 404


def test_student_removed_from_the_class_gets_404_and_work_is_kept(
    client, assignment, student, work
):
    Enrollment.objects.filter(student=student).update(removed_at=timezone.now())
    client.force_login(student)
    assert client.get(module_url(assignment, READING)).status_code == 404
    assert Answer.objects.filter(student=student).exists()


@pytest.mark.parametrize("name", ["answers-save", "post-create", "draft-save", "submit"])
def test_posting_work_to_another_class_assignment_is_404_and_changes_nothing(
    client, student, assignment, other_assignment, lesson, name
):
    client.force_login(student)
    url, data = post_urls(other_assignment)[name]
    if name == "answers-save":
        data = {f"answer-{lesson.modules.get(position=STUDY).questions.first().pk}": "x"}
    before = snapshot()
    assert client.post(url, data).status_code == 404
    assert snapshot() == before


def test_student_sees_only_their_own_draft(client, assignment, student, classmate):
    client.force_login(classmate)
    client.post(
        module_url(assignment, WRITE, "draft-save"),
        {"text": "Bruno's secret essay.", "revision": 0},
    )
    client.force_login(student)
    html = page(client.get(module_url(assignment, WRITE)))
    assert "Bruno&#x27;s secret essay." not in html and "Bruno's secret essay." not in html
    client.post(module_url(assignment, WRITE, "draft-save"), {"text": "Mine.", "revision": 0})
    texts = dict(Submission.objects.values_list("student__username", "text"))
    assert texts == {"classmate": "Bruno's secret essay.", "student": "Mine."}


# --- a student's work, for teachers ------------------------------------------------------


def work_url(assignment, person) -> str:
    return reverse("coursework:student-work", args=[assignment.pk, person.pk])


@pytest.mark.parametrize("user", ["teacher", "admin_user"])
def test_class_teacher_sees_a_students_work_read_only(
    client, assignment, student, work, user, request
):
    client.force_login(request.getfixturevalue(user))
    before = snapshot()
    response = client.get(work_url(assignment, student))
    assert response.status_code == 200
    html = page(response)
    assert "<h1>Amara Okafor's work</h1>" in html
    assert "The leader speaks." in html
    assert "Amara&#x27;s post." in html
    assert "Amara&#x27;s essay." in html and "Version 1" in html
    assert "<form" not in html.split("<main")[-1].split("</main>")[0]
    assert snapshot() == before


@pytest.mark.parametrize("user", ["other_teacher", "classmate", "student", "other_student"])
def test_anyone_else_gets_404_for_a_students_work(client, assignment, student, work, user, request):
    client.force_login(request.getfixturevalue(user))
    assert client.get(work_url(assignment, student)).status_code == 404


def test_teacher_gets_404_for_a_student_outside_the_class(
    client, teacher, assignment, other_student
):
    client.force_login(teacher)
    assert client.get(work_url(assignment, other_student)).status_code == 404


# --- archived classes --------------------------------------------------------------------


@pytest.fixture
def archived(assignment, classroom, work):
    classroom.archived = True
    classroom.save(update_fields=["archived"])
    return assignment


@pytest.mark.parametrize("position", [READING, STUDY, DISCUSS, WRITE])
def test_archived_class_lessons_stay_readable_without_recording_work(
    client, student, archived, position
):
    client.force_login(student)
    before = snapshot()
    response = client.get(module_url(archived, position))
    assert response.status_code == 200
    html = page(response)
    assert "This class is archived: you can read the lesson, but it takes no new work." in html
    assert "Save answers" not in html and "Save draft" not in html
    assert snapshot() == before


def test_archived_class_takes_no_new_work(client, student, archived, lesson, work):
    client.force_login(student)
    question = lesson.modules.get(position=STUDY).questions.first()
    requests = [
        (module_url(archived, STUDY, "answers-save"), {f"answer-{question.pk}": "New answer"}),
        (module_url(archived, DISCUSS, "post-create"), {"text": "New post"}),
        (reverse("coursework:post-edit", args=[archived.pk, work.pk]), {"text": "Edited"}),
        (module_url(archived, WRITE, "draft-save"), {"text": "New draft", "revision": 99}),
        (module_url(archived, WRITE, "submit"), {"text": "New draft", "revision": 99}),
        (module_url(archived, WRITE, "unsubmit"), {}),
    ]
    before = snapshot()
    for url, data in requests:
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
