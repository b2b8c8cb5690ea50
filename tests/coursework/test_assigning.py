"""A teacher assigns published lessons to a class, changes their dates and withdraws them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coursework import services
from coursework.forms import local_input_value
from coursework.models import Answer, Assignment, Post, Submission
from lessons.models import Lesson
from tests.coursework.conftest import DISCUSS, STUDY, WRITE, page


def assign_url(classroom) -> str:
    return reverse("coursework:assignment-create", args=[classroom.pk])


def in_days(days: float) -> str:
    return local_input_value(timezone.now() + timedelta(days=days))


def test_class_page_offers_assign_form_with_published_lessons_only(
    client, teacher, classroom, published_lesson
):
    Lesson.objects.create(title="Unfinished draft", central_question="?")
    client.force_login(teacher)
    html = page(client.get(reverse("accounts:class-assignments", args=[classroom.pk])))
    assert "Assign a lesson" in html
    for label in ("Lesson", "Opens", "Due"):
        assert f">{label}</label>" in html
    assert '<button type="submit">Assign</button>' in html
    assert f'<option value="{published_lesson.pk}">The Bridge</option>' in html
    assert "Unfinished draft" not in html


def test_teacher_assigns_a_published_lesson_with_dates(
    client, teacher, classroom, published_lesson
):
    client.force_login(teacher)
    response = client.post(
        assign_url(classroom),
        {"lesson": published_lesson.pk, "opens_at": in_days(1), "due_at": in_days(8)},
        follow=True,
    )
    # Back on the class's Assignments tab, where the new assignment is listed.
    assert response.redirect_chain == [
        (reverse("accounts:class-assignments", args=[classroom.pk]), 302)
    ]
    assignment = Assignment.objects.get()
    assert (assignment.classroom, assignment.lesson) == (classroom, published_lesson)
    assert assignment.assigned_by == teacher
    assert timedelta(days=6, hours=23) < assignment.due_at - assignment.opens_at <= timedelta(7)
    html = page(response)
    assert "Assigned “The Bridge” to History 10." in html
    assert '<th scope="row">The Bridge</th>' in html


def test_due_date_before_opening_is_refused_and_nothing_is_created(
    client, teacher, classroom, published_lesson
):
    client.force_login(teacher)
    response = client.post(
        assign_url(classroom),
        {"lesson": published_lesson.pk, "opens_at": in_days(5), "due_at": in_days(2)},
    )
    assert response.status_code == 400
    assert "The due date is before the lesson opens." in page(response)
    assert not Assignment.objects.exists()


def test_due_date_in_the_past_is_refused_and_nothing_is_created(
    client, teacher, classroom, published_lesson
):
    client.force_login(teacher)
    response = client.post(
        assign_url(classroom), {"lesson": published_lesson.pk, "due_at": in_days(-1)}
    )
    assert response.status_code == 400
    assert "The due date is in the past. Choose a later date." in page(response)
    assert not Assignment.objects.exists()


def test_draft_lesson_cannot_be_assigned(client, teacher, classroom, draft_lesson):
    client.force_login(teacher)
    response = client.post(assign_url(classroom), {"lesson": draft_lesson.pk})
    assert response.status_code == 400
    assert "That lesson is not published, so it can&#x27;t be assigned." in page(response)
    assert not Assignment.objects.exists()


def test_draft_lesson_is_refused_by_the_service_too(teacher, classroom, draft_lesson):
    with pytest.raises(ValidationError, match="Only published lessons can be assigned"):
        services.assignment_create(classroom=classroom, lesson=draft_lesson, teacher=teacher)
    assert not Assignment.objects.exists()


def test_same_lesson_cannot_be_assigned_twice_while_active_but_again_after_withdrawing(
    client, teacher, classroom, published_lesson
):
    client.force_login(teacher)
    assert client.post(assign_url(classroom), {"lesson": published_lesson.pk}).status_code == 302
    second = client.post(assign_url(classroom), {"lesson": published_lesson.pk})
    assert second.status_code == 400
    assert "This lesson is already assigned to this class." in page(second)
    assert Assignment.objects.count() == 1

    first = Assignment.objects.get()
    client.post(reverse("coursework:assignment-withdraw", args=[first.pk]))
    assert client.post(assign_url(classroom), {"lesson": published_lesson.pk}).status_code == 302
    assert Assignment.objects.count() == 2
    assert Assignment.objects.active().get() != first


def test_teacher_changes_the_dates(client, teacher, assignment):
    opens, due = in_days(1), in_days(10)
    client.force_login(teacher)
    response = client.post(
        reverse("coursework:assignment-update", args=[assignment.pk]),
        {"opens_at": opens, "due_at": due},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("accounts:class-assignments", args=[assignment.classroom_id]), 302)
    ]
    assert "Changed the dates of “The Bridge”." in page(response)
    assignment.refresh_from_db()
    assert local_input_value(assignment.opens_at) == opens
    assert local_input_value(assignment.due_at) == due


def test_changing_to_due_before_opening_is_refused_and_dates_stay(client, teacher, assignment):
    before = (assignment.opens_at, assignment.due_at)
    client.force_login(teacher)
    response = client.post(
        reverse("coursework:assignment-update", args=[assignment.pk]),
        {"opens_at": in_days(9), "due_at": in_days(3)},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("accounts:class-assignments", args=[assignment.classroom_id]), 302)
    ]
    assert "Dates not changed: The due date is before the lesson opens." in page(response)
    assignment.refresh_from_db()
    assert (assignment.opens_at, assignment.due_at) == before


def test_withdrawing_keeps_the_students_work(client, teacher, student, lesson, assignment):
    study = lesson.modules.get(position=STUDY)
    services.answer_save(
        assignment=assignment, student=student, question=study.questions.first(), text="Him."
    )
    services.post_create(
        assignment=assignment,
        author=student,
        module=lesson.modules.get(position=DISCUSS),
        text="My view.",
    )
    services.draft_save(
        assignment=assignment,
        student=student,
        module=lesson.modules.get(position=WRITE),
        text="My essay.",
        revision=0,
    )
    client.force_login(teacher)
    response = client.post(
        reverse("coursework:assignment-withdraw", args=[assignment.pk]), follow=True
    )
    assert response.redirect_chain == [
        (reverse("accounts:class-assignments", args=[assignment.classroom_id]), 302)
    ]
    assert "Withdrew “The Bridge”. Students&#x27; work on it is kept." in page(response)
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None
    assert Answer.objects.get(assignment=assignment).text == "Him."
    assert Post.objects.get(assignment=assignment).text == "My view."
    assert Submission.objects.get(assignment=assignment).text == "My essay."
    assert '<th scope="row">The Bridge</th>' not in page(response)

    client.force_login(student)
    assert "The Bridge" not in page(client.get(reverse("coursework:home")))
    assert client.get(reverse("coursework:player", args=[assignment.pk])).status_code == 404


def test_student_of_the_class_gets_403_and_another_teacher_404_when_assigning(
    client, student, other_teacher, classroom, published_lesson
):
    for user, status in ((student, 403), (other_teacher, 404)):
        client.force_login(user)
        assert client.post(assign_url(classroom), {"lesson": published_lesson.pk}).status_code == (
            status
        )
    assert not Assignment.objects.exists()


def test_only_the_class_teacher_may_change_or_withdraw(client, student, other_teacher, assignment):
    before = (assignment.opens_at, assignment.due_at)
    for user, status in ((student, 403), (other_teacher, 404)):
        client.force_login(user)
        dates = reverse("coursework:assignment-update", args=[assignment.pk])
        assert client.post(dates, {"due_at": in_days(20)}).status_code == status
        withdraw = reverse("coursework:assignment-withdraw", args=[assignment.pk])
        assert client.post(withdraw).status_code == status
    assignment.refresh_from_db()
    assert (assignment.opens_at, assignment.due_at, assignment.withdrawn_at) == (*before, None)


def test_archived_class_takes_no_new_assignments(client, teacher, classroom, published_lesson):
    classroom.archived = True
    classroom.save()
    client.force_login(teacher)
    response = client.post(assign_url(classroom), {"lesson": published_lesson.pk})
    assert response.status_code == 400
    assert "This class is archived." in page(response)
    assert not Assignment.objects.exists()
