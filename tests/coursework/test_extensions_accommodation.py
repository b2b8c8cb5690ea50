"""A student's accommodation note in a class: written by the class's teachers on the roster
and read by them alone, there and on the grading screen."""

import pytest
from django.urls import reverse

from accounts.models import Enrollment, User
from coursework import services
from coursework.models import Assignment
from tests.conftest import enroll, make_user
from tests.coursework.conftest import WRITE, page


def note_url(classroom, student) -> str:
    return reverse("coursework:accommodation-edit", args=[classroom.pk, student.pk])


def set_note(classroom, student, text: str) -> None:
    Enrollment.objects.filter(classroom=classroom, student=student).update(accommodation=text)


def note_of(classroom, student) -> str:
    return Enrollment.objects.get(classroom=classroom, student=student).accommodation


def test_teacher_saves_and_clears_a_note(client, teacher, classroom, student):
    client.force_login(teacher)
    roster = f"/classes/{classroom.pk}/roster/"
    response = client.post(
        note_url(classroom, student), {"accommodation": "  extra time ", "next": roster}
    )
    assert response.status_code == 302
    assert response.url == f"{roster}#student-{student.pk}"
    assert note_of(classroom, student) == "extra time"
    response = client.post(
        note_url(classroom, student), {"accommodation": "", "next": "https://evil.example/"}
    )
    assert response.url == f"{classroom.get_absolute_url()}#student-{student.pk}"
    assert note_of(classroom, student) == ""


def test_saving_a_note_leaves_the_students_pages_stamps_alone(
    client, teacher, classroom, student, assignment
):
    stamp = Assignment.objects.get(pk=assignment.pk).stamp
    client.force_login(teacher)
    client.post(note_url(classroom, student), {"accommodation": "read-aloud"})
    assert Assignment.objects.get(pk=assignment.pk).stamp == stamp


@pytest.mark.parametrize(
    "text, message",
    [
        ("x" * 201, "An accommodation note can have at most 200 characters."),
        ("extra\x07time", "An accommodation note can't contain control characters."),
    ],
)
def test_a_bad_note_is_refused_with_a_message_and_changes_nothing(
    client, teacher, classroom, student, text, message
):
    client.force_login(teacher)
    response = client.post(note_url(classroom, student), {"accommodation": text})
    assert response.status_code == 302
    from django.contrib.messages import get_messages

    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Note not saved: {message}"]
    assert note_of(classroom, student) == ""


@pytest.mark.parametrize("user, status", [("student", 403), ("other_teacher", 404)])
def test_only_the_class_teachers_write_notes(client, request, classroom, student, user, status):
    client.force_login(request.getfixturevalue(user))
    assert client.post(note_url(classroom, student), {"accommodation": "x"}).status_code == status
    assert note_of(classroom, student) == ""


def test_a_student_of_another_class_has_no_note_here(client, teacher, classroom, other_student):
    client.force_login(teacher)
    assert (
        client.post(note_url(classroom, other_student), {"accommodation": "x"}).status_code == 404
    )


def _handed_in(assignment, student):
    module = assignment.lesson.modules.get(position=WRITE)
    draft = services.draft_save(
        assignment=assignment, student=student, module=module, text="My essay.", revision=0
    )
    return services.submission_submit(submission=draft, revision=draft.revision)


def grade_url(submission) -> str:
    return reverse("coursework:grade", args=[submission.assignment_id, submission.pk])


NOTE_HTML = '<p class="notice accommodation-note"><strong>Accommodation:</strong> {}</p>'


def test_the_grading_screen_shows_the_note_to_the_class_teachers_only(
    client, teacher, classroom, student, assignment, other_classroom, other_teacher
):
    coteacher = make_user("coteacher", role=User.Role.TEACHER)
    classroom.teachers.add(coteacher)
    set_note(classroom, student, "read-aloud <b>")
    # The same student's note in another class is that class's own.
    enroll(other_classroom, student)
    set_note(other_classroom, student, "large print")
    submission = _handed_in(assignment, student)
    for person in (teacher, coteacher):
        client.force_login(person)
        html = page(client.get(grade_url(submission)))
        assert NOTE_HTML.format("read-aloud &lt;b&gt;") in html
        assert "large print" not in html
    for person, status in ((other_teacher, 404), (student, 403)):
        client.force_login(person)
        response = client.get(grade_url(submission))
        assert response.status_code == status
        assert "read-aloud" not in page(response)


def test_without_a_note_the_grading_screen_shows_none(
    client, teacher, classroom, student, assignment
):
    submission = _handed_in(assignment, student)
    client.force_login(teacher)
    assert "Accommodation" not in page(client.get(grade_url(submission)))


def test_a_grade_refused_as_stale_shows_the_note_again(
    client, teacher, classroom, student, assignment
):
    set_note(classroom, student, "extra time")
    submission = _handed_in(assignment, student)
    client.force_login(teacher)
    client.get(grade_url(submission))  # opens the empty grade
    save = reverse("coursework:grade-save", args=[assignment.pk, submission.pk])
    response = client.post(save, {"action": "save", "version": 999999, "grade_revision": 0})
    assert response.status_code == 409
    assert NOTE_HTML.format("extra time") in page(response)


def test_the_note_never_shows_on_the_students_pages(client, classroom, student, assignment):
    Enrollment.objects.filter(classroom=classroom, student=student).update(
        accommodation="read-aloud"
    )
    client.force_login(student)
    for url in (
        reverse("coursework:home"),
        reverse("accounts:user-detail", args=[student.pk]),
        reverse("coursework:player-module", args=[assignment.pk, 1]),
    ):
        assert "read-aloud" not in client.get(url, follow=True).content.decode(), url
