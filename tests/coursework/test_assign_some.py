"""An assignment given to some students of a class: the others never see it and get 404 on
every page and write of it; the teacher's pages list only the students it is given to."""

import pytest
from django.urls import reverse

from coursework import dates, services
from coursework.access import assignments_for_student
from coursework.models import Answer, Assignment, Post, Progress, Submission, Visit
from lessons.access import documents_visible_to
from tests.coursework.conftest import (
    COMPARE,
    DISCUSS,
    READING,
    STUDY,
    WRITE,
    module_url,
    page,
)


def assign_url(classroom) -> str:
    return reverse("coursework:assignment-create", args=[classroom.pk])


@pytest.fixture
def for_student(assignment, student):
    """The assignment, given to `student` only, not to `classmate`."""
    dates.set_recipients(assignment=assignment, whole_class=False, student_ids=[student.pk])
    return assignment


def snapshot() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Progress, Visit, Answer, Post, Submission)
    }


def student_get_urls(assignment) -> list[str]:
    urls = [reverse("coursework:player", args=[assignment.pk])]
    urls += [module_url(assignment, p) for p in (READING, STUDY, COMPARE, DISCUSS, WRITE)]
    return urls


def student_post_urls(assignment) -> list[tuple[str, dict]]:
    return [
        (module_url(assignment, STUDY, "answers-save"), {}),
        (module_url(assignment, DISCUSS, "post-create"), {"text": "Hello"}),
        (reverse("coursework:post-edit", args=[assignment.pk, 1]), {"text": "x"}),
        (module_url(assignment, WRITE, "draft-save"), {"text": "x", "revision": 0}),
        (module_url(assignment, WRITE, "submit"), {"text": "x", "revision": 0}),
        (module_url(assignment, WRITE, "unsubmit"), {"version": 1}),
    ]


def test_teacher_assigns_to_some_students_from_the_class_page(
    client, teacher, classroom, lesson, student, classmate
):
    client.force_login(teacher)
    response = client.post(
        assign_url(classroom), {"lesson": lesson.pk, "given_to": "some", "students": [student.pk]}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:class-assignments", args=[classroom.pk])
    assignment = Assignment.objects.get()
    assert assignment.for_whole_class is False
    assert list(assignment.students.all()) == [student]


def test_assigning_without_choosing_gives_it_to_the_whole_class(client, teacher, classroom, lesson):
    client.force_login(teacher)
    assert client.post(assign_url(classroom), {"lesson": lesson.pk}).status_code == 302
    assert Assignment.objects.get().for_whole_class is True


@pytest.mark.parametrize(
    "data, message",
    [
        ({"given_to": "some"}, "Tick at least one student, or give it to the whole class."),
        ({"given_to": "some", "students": ["999999"]}, "Choose students of this class only."),
    ],
)
def test_some_students_without_a_real_choice_is_refused_and_nothing_is_assigned(
    client, teacher, classroom, lesson, student, data, message
):
    client.force_login(teacher)
    response = client.post(assign_url(classroom), {"lesson": lesson.pk, **data})
    assert response.status_code == 400
    assert message in response.context["assign_form"].errors["students"]
    assert not Assignment.objects.exists()


def test_a_student_of_another_class_cannot_be_a_recipient(
    client, teacher, assignment, other_student
):
    client.force_login(teacher)
    url = reverse("coursework:recipients", args=[assignment.pk])
    response = client.post(url, {"given_to": "some", "students": [other_student.pk]})
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.for_whole_class and not assignment.students.exists()


def test_recipients_change_on_the_students_dates_page(
    client, teacher, assignment, student, classmate
):
    client.force_login(teacher)
    url = reverse("coursework:recipients", args=[assignment.pk])
    assert client.post(url, {"given_to": "some", "students": [classmate.pk]}).status_code == 302
    assignment.refresh_from_db()
    assert not assignment.for_whole_class
    assert list(assignment.students.all()) == [classmate]
    html = page(client.get(reverse("coursework:student-dates", args=[assignment.pk])))
    assert "Only the students ticked" in html
    assert client.post(url, {"given_to": "whole"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.for_whole_class and not assignment.students.exists()


@pytest.mark.parametrize("user, status", [("student", 403), ("other_teacher", 404)])
def test_only_the_class_teachers_choose_recipients(
    client, request, assignment, student, user, status
):
    client.force_login(request.getfixturevalue(user))
    url = reverse("coursework:recipients", args=[assignment.pk])
    assert client.post(url, {"given_to": "some", "students": [student.pk]}).status_code == status
    assignment.refresh_from_db()
    assert assignment.for_whole_class


def test_every_student_page_of_it_is_404_for_a_student_it_is_not_given_to(
    client, for_student, student, classmate
):
    client.force_login(student)
    for url in student_get_urls(for_student):
        assert client.get(url).status_code in (200, 302), url
    client.force_login(classmate)
    for url in student_get_urls(for_student):
        assert client.get(url).status_code == 404, url
    before = snapshot()
    for url, data in student_post_urls(for_student):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_it_is_left_off_the_excluded_students_home_and_documents(
    client, for_student, student, classmate, document
):
    client.force_login(classmate)
    home = page(client.get(reverse("coursework:home")))
    assert for_student.lesson.title not in home
    assert not assignments_for_student(classmate).exists()
    assert not documents_visible_to(classmate).exists()
    url = reverse("lessons:document-detail", args=[document.pk])
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert for_student.lesson.title in page(client.get(reverse("coursework:home")))
    assert client.get(url).status_code == 200


def test_the_teachers_dashboard_and_class_page_list_only_its_students(
    client, teacher, for_student, student, classmate
):
    client.force_login(teacher)
    response = client.get(reverse("coursework:dashboard", args=[for_student.pk]))
    assert [row.student.pk for row in response.context["board"].all_rows] == [student.pk]
    from coursework.selectors import class_assignments

    (row,) = class_assignments(for_student.classroom)
    assert row.recipients == [student]


def test_changing_the_recipients_gives_the_pages_new_etags(client, assignment, student, classmate):
    client.force_login(student)
    url = module_url(assignment, READING)
    client.get(url)
    home = reverse("coursework:home")
    tags = {u: client.get(u)["ETag"] for u in (url, home)}
    dates.set_recipients(assignment=assignment, whole_class=False, student_ids=[student.pk])
    for u, tag in tags.items():
        response = client.get(u, HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 200, u
    client.force_login(classmate)
    assert client.get(url).status_code == 404


def test_work_of_a_student_later_left_out_is_kept(client, assignment, student, classmate, lesson):
    services.answer_save(
        assignment=assignment,
        student=classmate,
        question=lesson.modules.get(position=STUDY).questions.first(),
        text="Mine.",
    )
    dates.set_recipients(assignment=assignment, whole_class=False, student_ids=[student.pk])
    assert Answer.objects.filter(student=classmate).exists()
    dates.set_recipients(assignment=assignment, whole_class=True)
    client.force_login(classmate)
    assert client.get(module_url(assignment, STUDY)).status_code == 200
