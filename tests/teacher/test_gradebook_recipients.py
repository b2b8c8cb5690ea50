"""The gradebook for lessons given to some students and students with their own dates: the
others show "Not assigned" rather than missing (N/A in the CSV) and count for nothing, and
a student's own due date shows under their status where it differs from the lesson's."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coursework import dates, grading, services
from coursework.models import Assignment
from tests.teacher.conftest import build_lesson, grade, hand_in, page
from tests.teacher.test_dashboard_etag import changed, held


@pytest.fixture
def for_one(classroom, teacher, student) -> Assignment:
    """A second lesson, given to Amara only."""
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=build_lesson("The Tunnel", ["background", "assignment"]),
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=30),
    )
    dates.set_recipients(assignment=assignment, whole_class=False, student_ids=[student.pk])
    return assignment


def gradebook(client, classroom):
    response = client.get(reverse("coursework:gradebook", args=[classroom.pk]))
    assert response.status_code == 200
    return response


def cells(response) -> dict[str, list[str]]:
    return {
        row.student.display_name: [c.status for c in row.cells] for row in response.context["rows"]
    }


def csv_rows(client, classroom) -> dict[str, list[str]]:
    response = client.get(reverse("coursework:gradebook-csv", args=[classroom.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    return {row[2]: row for row in rows[2:-1]}


def day_month(value) -> str:
    return timezone.localtime(value).strftime("%-d %b")


def test_a_lesson_for_some_students_is_not_assigned_to_the_others(
    as_teacher, classroom, assignment, for_one, student, classmate, teacher
):
    graded = hand_in(for_one, student)
    grade(graded, teacher, [4, 4, 4, 4])
    grading.grade_return(submission=graded)
    grade(hand_in(assignment, classmate), teacher, [2, 2, 2, 2])
    response = gradebook(as_teacher, classroom)
    assert cells(response) == {
        "Amara Okafor": ["missing", "returned"],
        "Bruno Silva": ["graded", "unassigned"],
    }
    html = page(response)
    assert (
        '<td class="gb gb-unassigned"><span aria-hidden="true">–</span> Not assigned</td>' in html
    )
    assert html.count("Not assigned</td>") == 1
    # Not assigned counts neither for nor against: Bruno's total is his one graded lesson.
    totals = dict(zip(cells(response), response.context["totals"], strict=True))
    assert (totals["Bruno Silva"].points, totals["Bruno Silva"].possible) == (8, 16)
    assert [a.graded for a in response.context["averages"]] == [1, 1]
    rows = csv_rows(as_teacher, classroom)
    assert rows["classmate"][4:] == ["8", "N/A", "8", "16", "50"]
    assert rows["student"][4:] == ["", "16", "16", "16", "100"]


def test_work_handed_in_before_a_student_was_left_out_still_shows(
    as_teacher, classroom, for_one, student, classmate
):
    dates.set_recipients(assignment=for_one, whole_class=True)
    hand_in(for_one, classmate)
    dates.set_recipients(assignment=for_one, whole_class=False, student_ids=[student.pk])
    assert cells(gradebook(as_teacher, classroom)) == {
        "Amara Okafor": ["missing"],
        "Bruno Silva": ["submitted"],
    }


def test_a_students_own_due_date_shows_where_it_differs(
    as_teacher, classroom, assignment, student, classmate, third, teacher
):
    later = timezone.now() + timedelta(days=20)
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=None,
        due_at=later,
    )
    # Own dates the same as the class's show nothing more; no due date at all is said.
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[classmate.pk],
        teacher=teacher,
        opens_at=None,
        due_at=assignment.due_at,
    )
    dates.set_student_dates(
        assignment=assignment, student_ids=[third.pk], teacher=teacher, opens_at=None, due_at=None
    )
    hand_in(assignment, student)
    response = gradebook(as_teacher, classroom)
    html = page(response)
    rows = {row.student.display_name: row.cells[0] for row in response.context["rows"]}
    assert (rows["Amara Okafor"].own_due, rows["Amara Okafor"].due_at) == (True, later)
    assert rows["Bruno Silva"].own_due is False
    assert (rows["Chidi Anang"].own_due, rows["Chidi Anang"].due_at) == (True, None)
    assert (
        '<span aria-hidden="true">◐</span> Submitted<br>'
        f'<span class="when own-due">own due {day_month(later)}</span></td>'
    ) in html
    assert '<span class="when own-due">own dates: no due date</span>' in html
    assert html.count("own-due") == 2
    # The heading keeps the class's due date.
    assert f"due {day_month(assignment.due_at)}" in html


def test_giving_own_dates_or_changing_who_gets_it_gives_the_gradebook_a_new_etag(
    as_teacher, classroom, assignment, for_one, student, classmate, teacher
):
    address = reverse("coursework:gradebook", args=[classroom.pk])
    etag = held(as_teacher, address)
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[classmate.pk],
        teacher=teacher,
        opens_at=None,
        due_at=timezone.now() + timedelta(days=12),
    )
    assert "own due" in changed(as_teacher, address, etag)
    etag = held(as_teacher, address)
    dates.set_recipients(assignment=for_one, whole_class=True)
    assert "Not assigned</td>" not in changed(as_teacher, address, etag)
