"""The dashboard, grading queue, grading screen and gradebook cost the same number of
queries for a class of 5 as for a class of 40."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Classroom, Enrollment, User
from coursework import dates, grading, services
from coursework.models import Progress
from tests.teacher.conftest import build_lesson, grade, hand_in, post


def build_class(name: str, size: int, lesson, talk_lesson, teacher):
    """A class of `size` students where some read, some hand in, some are graded or returned."""
    classroom = Classroom.objects.create(name=name, join_code=f"Q{size:06d}")
    classroom.teachers.add(teacher)
    students = User.objects.bulk_create(
        User(
            username=f"{name}-{i}",
            first_name=f"Student{i:02d}",
            last_name=name,
            role=User.Role.STUDENT,
            password="!",
        )
        for i in range(size)
    )
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=s) for s in students)
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=lesson,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=3),
    )
    talk = services.assignment_create(classroom=classroom, lesson=talk_lesson, teacher=teacher)
    # Some students have their own dates, and the discussion is given to half the class.
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[s.pk for s in students[::4]],
        teacher=teacher,
        opens_at=None,
        due_at=timezone.now() + timedelta(days=9),
    )
    dates.set_recipients(
        assignment=talk, whole_class=False, student_ids=[s.pk for s in students[: size // 2]]
    )
    first = lesson.modules.get(position=1)
    Progress.objects.bulk_create(
        Progress(assignment=assignment, student=s, module=first, state="complete")
        for s in students[::2]
    )
    submissions = [hand_in(assignment, s) for s in students[1::3]]
    for submission in submissions[:2]:
        grade(submission, teacher, [4, 3, 2, 1])
    for submission in submissions[2::2]:
        grade(submission, teacher, [4, 3])  # partly graded
    grading.grade_return(submission=submissions[0])
    for s in students[:3]:
        post(talk, s, f"Post by {s.username}")
    return classroom, assignment, talk, submissions[1]


def count(client, url: str) -> int:
    client.get(url)  # warm up: the grading screen creates its empty grade on first view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def classes(published_lesson, teacher):
    talk_lesson = build_lesson("Bridge debate", ["background", "discussion"])
    return [
        build_class(name, size, published_lesson, talk_lesson, teacher)
        for name, size in [("small", 5), ("large", 40)]
    ]


PAGES = {
    "dashboard": lambda classroom, assignment, talk, submission: [assignment.pk],
    "dashboard-csv": lambda classroom, assignment, talk, submission: [assignment.pk],
    "grading": lambda classroom, assignment, talk, submission: [assignment.pk],
    "grade": lambda classroom, assignment, talk, submission: [assignment.pk, submission.pk],
    "gradebook": lambda classroom, assignment, talk, submission: [classroom.pk],
    "gradebook-csv": lambda classroom, assignment, talk, submission: [classroom.pk],
    "discussion": lambda classroom, assignment, talk, submission: [talk.pk, 2],
}


# Beyond the session and the user: the dashboard's ETag, access, modules with their questions,
# roster, late hand-ins, progress, answers and grades; the grading screen's access, submission,
# versions with their grades, scores and the queue's order (the rubric comes from the cache).
QUERIES = {
    # The students' own dates (coursework.dates.class_dates), one read for the class.
    "dashboard": 12,
    "dashboard-csv": 11,
    "grading": 10,
    # The teacher's comment bank, offered under every comment box.
    "grade": 9,
    # Who each assignment given to some students is given to, and the students' own dates.
    "gradebook": 14,
    "gradebook-csv": 13,
    "discussion": 8,
}


def expected(name: str) -> int:
    """QUERIES[name], less the session's read where the session comes from the shared cache."""
    return QUERIES[name] - settings.SESSION_ENGINE.endswith("cached_db")


def test_teacher_pages_use_the_same_queries_for_5_and_40_students(as_teacher, classes):
    small, large = (
        {
            name: count(as_teacher, reverse(f"coursework:{name}", args=args(*built)))
            for name, args in PAGES.items()
        }
        for built in classes
    )
    assert small == large == {name: expected(name) for name in QUERIES}


def test_opening_ungraded_work_adds_only_the_empty_grade_and_its_work_stamp(as_teacher, classes):
    classroom, assignment, talk, submission = classes[1]
    opened = next(
        s
        for s in assignment.submissions.exclude(status="draft")
        if not s.versions.filter(grade__isnull=False).exists()
    )
    as_teacher.get(reverse("coursework:grade", args=[assignment.pk, submission.pk]))  # rubric
    url = reverse("coursework:grade", args=[assignment.pk, opened.pk])
    with CaptureQueriesContext(connection) as queries:
        assert as_teacher.get(url).status_code == 200
    made = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert [sql.split()[2] for sql in made] == ['"coursework_grade"', '"coursework_workstamp"']
    # A grade made now has no scores to read; the two writes go in one savepoint.
    assert len(queries) == expected("grade") - 1 + 4
