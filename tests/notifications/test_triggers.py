"""Each event that tells someone something, written by the coursework services in the same
transaction as the event."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coursework import grading, services
from coursework.models import Assignment, StudentDates
from notifications.models import Notification
from notifications.services import remind_due_soon
from tests.conftest import make_user
from tests.coursework.conftest import DISCUSS, WRITE, grade_latest

Kind = Notification.Kind


def written(assignment):
    return assignment.lesson.modules.get(kind="assignment")


def hand_in(assignment, student, text="My essay."):
    draft = services.draft_save(
        assignment=assignment, student=student, module=written(assignment), text=text, revision=0
    )
    return services.submission_submit(submission=draft, revision=draft.revision)


def only(**filters) -> Notification:
    return Notification.objects.get(**filters)


def test_handing_in_tells_the_class_teachers(assignment, student, teacher, other_teacher):
    co_teacher = make_user("coteacher", role="teacher")
    assignment.classroom.teachers.add(co_teacher)
    submission = hand_in(assignment, student)
    for person in (teacher, co_teacher):
        notice = only(recipient=person)
        assert notice.kind == Kind.SUBMITTED
        assert notice.text == "Amara Okafor handed in work for “The Bridge”."
        assert notice.url == reverse("coursework:grade", args=[assignment.pk, submission.pk])
    assert not Notification.objects.filter(recipient__in=[student, other_teacher]).exists()


def test_handing_in_after_the_due_date_is_a_late_submission(assignment, student, teacher):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assignment.refresh_from_db()
    hand_in(assignment, student)
    notice = only(recipient=teacher)
    assert notice.kind == Kind.LATE
    assert notice.text.endswith("after the due date.")


def test_a_student_with_a_later_due_date_of_their_own_is_not_late(assignment, student, teacher):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    StudentDates.objects.create(
        assignment=assignment, student=student, due_at=timezone.now() + timedelta(days=2)
    )
    assignment.refresh_from_db()
    hand_in(assignment, student)
    assert only(recipient=teacher).kind == Kind.SUBMITTED


def test_a_student_past_a_due_date_of_their_own_is_late(assignment, student, teacher):
    StudentDates.objects.create(
        assignment=assignment, student=student, due_at=timezone.now() - timedelta(minutes=5)
    )
    hand_in(assignment, student)
    assert only(recipient=teacher).kind == Kind.LATE


def test_returning_work_tells_the_student(assignment, student, teacher):
    submission = hand_in(assignment, student)
    grade_latest(submission, teacher, 3, "Well argued.")
    assert not Notification.objects.filter(recipient=student).exists()  # saved, not returned
    grading.grade_return(submission=submission)
    notice = only(recipient=student)
    assert notice.kind == Kind.RETURNED
    assert notice.text == "Your work for “The Bridge” was returned with a grade."
    assert notice.url == reverse("coursework:player-module", args=[assignment.pk, WRITE])


def test_a_refused_return_tells_nobody(assignment, student):
    submission = hand_in(assignment, student)
    with pytest.raises(ValidationError):
        grading.grade_return(submission=submission)  # no levels chosen yet
    assert not Notification.objects.filter(recipient=student).exists()


def test_asking_for_a_revision_tells_the_student(assignment, student):
    submission = hand_in(assignment, student)
    grading.revision_request(submission=submission, comment="Cite a source.")
    notice = only(recipient=student)
    assert notice.kind == Kind.REVISION
    assert notice.text == (
        "Your teacher asked for a revision of your work for “The Bridge”: Cite a source."
    )
    assert notice.url == reverse("coursework:player-module", args=[assignment.pk, WRITE])


def test_a_reply_tells_the_post_author(assignment, student, classmate):
    module = assignment.lesson.modules.get(position=DISCUSS)
    mine = services.post_create(assignment=assignment, author=student, module=module, text="Yes.")
    services.post_create(assignment=assignment, author=classmate, module=module, text="Me too.")
    assert not Notification.objects.exists()  # a post of one's own is no reply
    reply = services.post_create(
        assignment=assignment, author=classmate, module=module, text="Why?", parent=mine
    )
    notice = only(recipient=student)
    assert notice.kind == Kind.REPLY
    assert notice.text == "Bruno Silva replied to your post in “The Bridge”."
    url = reverse("coursework:player-module", args=[assignment.pk, DISCUSS])
    assert notice.url == f"{url}#post-{reply.pk}"
    # Replying under one's own post tells nobody.
    services.post_create(
        assignment=assignment, author=student, module=module, text="Because.", parent=mine
    )
    assert Notification.objects.count() == 1


def test_due_soon_reminds_students_once_who_have_not_handed_in(
    assignment, student, classmate, other_student
):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(hours=5))
    assignment.refresh_from_db()
    hand_in(assignment, classmate)
    assert remind_due_soon() == 1
    notice = only(kind=Kind.DUE_SOON)
    assert notice.recipient == student
    assert notice.text.startswith("“The Bridge” is due ")
    assert notice.url == reverse("coursework:player", args=[assignment.pk])
    assert remind_due_soon() == 0  # once per due date
    assert Notification.objects.filter(kind=Kind.DUE_SOON).count() == 1


def test_due_soon_leaves_out_work_due_later_or_already_past(assignment, student):
    for due in (timezone.now() + timedelta(hours=25), timezone.now() - timedelta(hours=1)):
        Assignment.objects.filter(pk=assignment.pk).update(due_at=due)
        assert remind_due_soon() == 0
    assert not Notification.objects.exists()


def test_due_soon_uses_the_students_own_dates(assignment, student, classmate):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(hours=5))
    StudentDates.objects.create(
        assignment=assignment, student=student, due_at=timezone.now() + timedelta(days=3)
    )
    assert remind_due_soon() == 1
    assert only(kind=Kind.DUE_SOON).recipient == classmate
    # Only the extended student's own date in the window: only that student.
    Notification.objects.all().delete()
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(days=3))
    StudentDates.objects.filter(student=student).update(due_at=timezone.now() + timedelta(hours=2))
    assert remind_due_soon() == 1
    assert only(kind=Kind.DUE_SOON).recipient == student


def test_due_soon_reaches_only_the_students_given_the_assignment(assignment, student, classmate):
    Assignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() + timedelta(hours=5), for_whole_class=False
    )
    assignment.students.add(classmate)
    assert remind_due_soon() == 1
    assert only(kind=Kind.DUE_SOON).recipient == classmate


def test_due_soon_queries_do_not_grow_with_the_class(
    assignment, classroom, django_assert_max_num_queries
):
    from tests.conftest import enroll

    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(hours=5))
    enroll(classroom, *[make_user(f"pupil{n}") for n in range(3)])
    with django_assert_max_num_queries(7):
        assert remind_due_soon() == 3
    enroll(classroom, *[make_user(f"more{n}") for n in range(20)])
    with django_assert_max_num_queries(7):
        assert remind_due_soon() == 20
