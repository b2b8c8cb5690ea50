"""A student's accommodation note in a class: written and read by the class's teachers only."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Enrollment
from coursework.models import Assignment


def note_url(classroom, student) -> str:
    return reverse("coursework:accommodation-edit", args=[classroom.pk, student.pk])


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


def test_the_grading_screens_note_shows_only_a_note_that_exists(classroom, student):
    Enrollment.objects.filter(classroom=classroom, student=student).update(
        accommodation="read-aloud"
    )
    template = Template(
        "{% load class_coursework %}{% accommodation_of classroom.pk student.pk as accommodation %}"
        '{% include "coursework/accommodation_note.html" %}'
    )
    html = template.render(Context({"classroom": classroom, "student": student}))
    assert "Accommodation:</strong> read-aloud" in html
    Enrollment.objects.filter(classroom=classroom).update(accommodation="")
    assert "Accommodation" not in template.render(
        Context({"classroom": classroom, "student": student})
    )


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
