"""The gradebook: students by assignments with status and points, and its CSV export that
spreadsheets and other LMSs import safely."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coursework import grading, services
from coursework.models import Assignment
from lessons.models import Lesson
from tests.conftest import enroll, make_user
from tests.teacher.conftest import build_lesson, grade, hand_in, make_overdue, page, rename_class


@pytest.fixture
def second(classroom, teacher) -> Assignment:
    """A second assigned lesson, due later than `assignment`."""
    lesson = build_lesson("The Tunnel", ["background", "assignment"])
    return services.assignment_create(
        classroom=classroom, lesson=lesson, teacher=teacher, due_at=timezone.now() + timedelta(30)
    )


@pytest.fixture
def marked(assignment, second, student, classmate, third, teacher):
    """Amara: returned 10 / graded 16; Bruno: submitted / missing; Chidi: late / missing."""
    done = hand_in(assignment, student)
    grade(done, teacher, [4, 3, 2, 1])
    grading.grade_return(submission=done)
    grade(hand_in(second, student), teacher, [4, 4, 4, 4])
    hand_in(assignment, classmate)
    make_overdue(assignment)
    hand_in(assignment, third)
    return assignment, second


def cells(response) -> dict[str, list[tuple[str, int | None]]]:
    return {
        row.student.display_name: [(c.status, c.points) for c in row.cells]
        for row in response.context["rows"]
    }


def gradebook_csv(client, classroom) -> list[list[str]]:
    response = client.get(reverse("coursework:gradebook-csv", args=[classroom.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_gradebook_shows_status_and_points_per_student_and_assignment(
    as_teacher, classroom, marked
):
    response = as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk]))
    assert response.status_code == 200
    assert [a.lesson.title for a in response.context["assignments"]] == ["The Bridge", "The Tunnel"]
    assert cells(response) == {
        "Chidi Anang": [("late", None), ("missing", None)],
        "Amara Okafor": [("returned", 10), ("graded", 16)],
        "Bruno Silva": [("submitted", None), ("missing", None)],
    }
    html = page(response)
    for text in ["✓</span> Returned · 10 pts", "✎</span> Graded · 16 pts", "◐</span> Submitted"]:
        assert text in html
    assert "!</span> Late" in html and "○</span> Missing" in html


def test_gradebook_ignores_drafts_and_opened_but_ungraded_work(
    as_teacher, classroom, assignment, student, classmate, teacher
):
    module = assignment.lesson.modules.get(kind="assignment")
    services.draft_save(
        assignment=assignment, student=classmate, module=module, text="Draft", revision=0
    )
    submission = hand_in(assignment, student)
    grade(submission, teacher, [4, 4])  # partly graded is not graded
    response = as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk]))
    assert cells(response) == {
        "Amara Okafor": [("submitted", None)],
        "Bruno Silva": [("missing", None)],
    }


def test_gradebook_leaves_out_withdrawn_assignments_and_removed_students(
    as_teacher, classroom, assignment, second, student, classmate
):
    services.assignment_withdraw(assignment=second)
    classmate.enrollments.update(removed_at=timezone.now())
    response = as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk]))
    assert [a.pk for a in response.context["assignments"]] == [assignment.pk]
    assert list(cells(response)) == ["Amara Okafor"]


def test_gradebook_without_assignments_says_so(as_teacher, classroom, student):
    html = page(as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk])))
    assert "No lessons are assigned to this class yet." in html


def test_gradebook_csv_has_canvas_columns_and_the_points(as_teacher, classroom, marked, student):
    assignment, second = marked
    rows = gradebook_csv(as_teacher, classroom)
    assert rows[0] == [
        "Student",
        "ID",
        "SIS Login ID",
        "Section",
        f"The Bridge ({assignment.pk})",
        f"The Tunnel ({second.pk})",
        "Current Points",
        "Points Possible",
        "Current Score",
    ]
    assert rows[1] == ["Points Possible", "", "", "", "16", "16", "", "", ""]
    students = {row[2]: row for row in rows[2:-1]}
    assert students["student"] == [
        "Amara Okafor",
        str(student.pk),
        "student",
        "History 10",
        "10",
        "16",
        "26",
        "32",
        "81.2",
    ]
    assert students["classmate"][3:] == ["History 10", "", "", "", "", ""]
    assert students["third"][3:] == ["History 10", "", "", "", "", ""]
    assert rows[-1] == ["Class Average", "", "", "", "10", "16", "", "", ""]
    assert len(rows) == 6


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://evil.example","x")', "@SUM(A1:A9)", "+1+2", "-2+3", "=1+1"],
)
def test_gradebook_csv_defuses_cells_a_spreadsheet_would_run(
    as_teacher, classroom, assignment, dangerous
):
    person = make_user("sneaky", first_name=dangerous, last_name="X")
    enroll(classroom, person)
    rename_class(classroom, "-x")
    Lesson.objects.filter(pk=assignment.lesson_id).update(title="=cmd|' /C calc'!A0")
    rows = gradebook_csv(as_teacher, classroom)
    assert rows[0][4] == f"'=cmd|' /C calc'!A0 ({assignment.pk})"
    row = next(r for r in rows if r[2] == "sneaky")
    assert row[0] == f"'{dangerous} X"
    assert row[3] == "'-x"
    for cell in (c for r in rows for c in r):
        assert not re.match(r"[=+\-@]", cell)


def test_dashboard_csv_defuses_formula_names_too(as_teacher, classroom, assignment):
    person = make_user("@evil", first_name="@SUM(1)", last_name="Y")
    enroll(classroom, person)
    response = as_teacher.get(reverse("coursework:dashboard-csv", args=[assignment.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert rows[1][:2] == ["'@SUM(1) Y", "'@evil"]


def test_gradebook_escapes_a_students_name(as_teacher, classroom, assignment):
    enroll(classroom, make_user("sly", first_name="<script>alert(1)</script>", last_name="Q"))
    html = page(as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk])))
    assert "<script>alert(1)" not in html
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt; Q</th>' in html
