"""The teacher's home lists what to do next: work to grade, what falls due, links to late
and stuck students, and students' posts no teacher has replied to, in a fixed number of
queries whatever the number of classes and students."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Classroom
from coursework import grading, services
from coursework.dates import set_recipients, set_student_dates
from coursework.models import Assignment
from tests.conftest import enroll, make_user
from tests.teacher.conftest import TALK, build_lesson, grade, hand_in, make_overdue, page, post

HOME = reverse("coursework:home")


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_to_grade_counts_handed_in_work_not_yet_returned(
    as_teacher, assignment, student, classmate, third, teacher
):
    hand_in(assignment, student)
    hand_in(assignment, classmate)
    done = hand_in(assignment, third)
    grade(done, teacher, [4, 4, 4, 4])
    grading.grade_return(submission=done)
    listed = section(page(as_teacher.get(HOME)), "to-grade-heading")
    grading_url = reverse("coursework:grading", args=[assignment.pk])
    assert f'<a href="{grading_url}">{assignment.lesson.title}</a>' in listed
    assert "History 10: 2 handed in, not yet returned" in listed


def test_nothing_to_grade_says_so(as_teacher, assignment):
    html = page(as_teacher.get(HOME))
    assert "Nothing is waiting to be graded." in section(html, "to-grade-heading")


def test_due_soon_lists_the_next_7_days_only(as_teacher, assignment, classroom, teacher):
    far = services.assignment_create(
        classroom=classroom,
        lesson=build_lesson("The Tunnel", ["background"]),
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=30),
    )
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(days=3))
    due = section(page(as_teacher.get(HOME)), "due-heading")
    assert reverse("coursework:dashboard", args=[assignment.pk]) in due
    assert far.lesson.title not in due


def test_late_and_stuck_link_to_the_dashboards_filters(as_teacher, assignment, talk):
    make_overdue(assignment)
    listed = section(page(as_teacher.get(HOME)), "students-heading")
    late = reverse("coursework:dashboard", args=[assignment.pk]) + "?show=late"
    assert f'href="{late}"' in listed
    stuck = reverse("coursework:dashboard", args=[talk.pk]) + "?show=stuck&amp;days=3"
    assert f'href="{stuck}"' in listed
    # Not yet due: no Late link.
    assert reverse("coursework:dashboard", args=[talk.pk]) + "?show=late" not in listed
    response = as_teacher.get(late)
    assert response.status_code == 200 and response.context["show"] == "late"


def test_due_soon_counts_students_own_due_dates(
    as_teacher, assignment, student, classmate, teacher
):
    """A class date a month away, but an extension falling due within the week: listed,
    with how many students it falls due for by their own dates."""
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(days=30))
    due = section(page(as_teacher.get(HOME)), "due-heading")
    assert "Nothing falls due in the next 7 days." in due
    set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=None,
        due_at=timezone.now() + timedelta(days=2),
    )
    due = section(page(as_teacher.get(HOME)), "due-heading")
    assert reverse("coursework:dashboard", args=[assignment.pk]) in due
    assert "1 student with their own due date in the next 7 days" in due
    # A student no longer given the assignment does not count.
    set_recipients(assignment=assignment, whole_class=False, student_ids=[classmate.pk])
    assert "Nothing falls due" in section(page(as_teacher.get(HOME)), "due-heading")


def test_late_link_follows_students_own_due_dates(
    as_teacher, assignment, student, classmate, teacher
):
    """The class date not yet passed, one student's own date passed: the Late link shows;
    the class date passed is late too, whatever extensions others have."""
    late = reverse("coursework:dashboard", args=[assignment.pk]) + "?show=late"
    assert late not in section(page(as_teacher.get(HOME)), "students-heading")
    dates = {"assignment": assignment, "student_ids": [student.pk], "teacher": teacher}
    set_student_dates(**dates, opens_at=None, due_at=timezone.now() - timedelta(hours=1))
    assert late in section(page(as_teacher.get(HOME)), "students-heading")
    make_overdue(assignment)
    set_student_dates(**dates, opens_at=None, due_at=timezone.now() + timedelta(days=3))
    assert late in section(page(as_teacher.get(HOME)), "students-heading")


def test_an_assignment_opened_early_for_one_student_is_listed_for_stuck_students(
    as_teacher, assignment, student, teacher
):
    Assignment.objects.filter(pk=assignment.pk).update(opens_at=timezone.now() + timedelta(days=2))
    listed = section(page(as_teacher.get(HOME)), "students-heading")
    assert assignment.lesson.title not in listed
    set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=timezone.now() - timedelta(hours=1),
        due_at=None,
    )
    listed = section(page(as_teacher.get(HOME)), "students-heading")
    assert assignment.lesson.title in listed


def test_posts_awaiting_a_reply_are_students_posts_no_teacher_answered(
    as_teacher, talk, student, classmate, teacher
):
    answered = post(talk, student, "The bridge paid for itself.")
    post(talk, teacher, "A teacher's own post is not waiting.")
    waiting = post(talk, classmate, "It cost too much.")
    post(talk, student, "A classmate's reply is not a teacher's.", parent=waiting)
    post(talk, teacher, "Why do you think so?", parent=answered)
    listed = section(page(as_teacher.get(HOME)), "awaiting-heading")
    url = reverse("coursework:discussion", args=[talk.pk, TALK]) + f"#post-{waiting.pk}"
    assert f'href="{url}"' in listed
    assert "Bruno Silva in Bridge debate" in listed and "It cost too much." in listed
    assert "paid for itself" not in listed and "teacher&#x27;s own post" not in listed


def test_another_teachers_classes_are_not_listed(client, other_teacher, assignment, student):
    hand_in(assignment, student)
    client.force_login(other_teacher)
    html = page(client.get(HOME))
    assert assignment.lesson.title not in html
    assert "Nothing is waiting to be graded." in html


def _school(teacher, classes: int, students: int) -> None:
    """`classes` classes of `students` students, each with two assignments, handed-in work,
    and a post awaiting a reply."""
    for n in range(classes):
        classroom = Classroom.objects.create(name=f"{teacher.username} {n}")
        classroom.teachers.add(teacher)
        people = [make_user(f"{teacher.username}-{n}-{i}") for i in range(students)]
        enroll(classroom, *people)
        for kind in ("assignment", "discussion"):
            lesson = build_lesson(f"{teacher.username} {n} {kind}", ["background", kind])
            assignment = services.assignment_create(
                classroom=classroom,
                lesson=lesson,
                teacher=teacher,
                due_at=timezone.now() + timedelta(days=2),
            )
            for person in people:
                if kind == "assignment":
                    hand_in(assignment, person)
                else:
                    post(assignment, person, "My view.")


def _queries(client, teacher) -> int:
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as context:
        assert client.get(HOME).status_code == 200
    return len(context.captured_queries)


def test_teacher_home_queries_do_not_grow_with_classes_or_students(client, db):
    small, big = make_user("small", role="teacher"), make_user("big", role="teacher")
    _school(small, classes=1, students=2)
    _school(big, classes=4, students=12)
    assert _queries(client, small) == _queries(client, big)
