"""The gradebook's totals: each student's points and percentage over their graded work, each
assignment's class average, on the page and in the CSV."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coursework import grading, services
from coursework.dashboard import GradebookCell, GradebookRow
from coursework.gradebook import assignment_averages, student_totals
from tests.teacher.conftest import build_lesson, grade, hand_in, page
from tests.teacher.test_teacher_gradebook import gradebook_csv


@pytest.fixture
def second(classroom, teacher):
    lesson = build_lesson("The Tunnel", ["background", "assignment"])
    return services.assignment_create(
        classroom=classroom, lesson=lesson, teacher=teacher, due_at=timezone.now() + timedelta(30)
    )


@pytest.fixture
def marked(assignment, second, student, classmate, third, teacher):
    """Amara: returned 10 and graded 16; Bruno: returned 6 and handed in; Chidi: nothing."""
    done = hand_in(assignment, student)
    grade(done, teacher, [4, 3, 2, 1])
    grading.grade_return(submission=done)
    grade(hand_in(second, student), teacher, [4, 4, 4, 4])
    other = hand_in(assignment, classmate)
    grade(other, teacher, [2, 2, 1, 1])
    grading.grade_return(submission=other)
    hand_in(second, classmate)
    return assignment, second


class Row:
    def __init__(self, *cells):
        self.cells = [GradebookCell(status, points) for status, points in cells]


class Column:
    def __init__(self, points_possible):
        self.points_possible = points_possible


def test_totals_count_graded_and_returned_work_only():
    columns = [Column(16), Column(10), Column(None)]
    rows = [
        Row(("returned", 12), ("graded", 5), ("missing", None)),
        Row(("submitted", None), ("late", None), ("missing", None)),
        Row(("returned", 16), ("missing", None), ("missing", None)),
    ]
    totals = student_totals(columns, rows)
    assert [(t.points, t.possible, t.graded, t.percent) for t in totals] == [
        (17, 26, 2, 65.4),
        (0, 0, 0, None),
        (16, 16, 1, 100.0),
    ]
    averages = assignment_averages(columns, rows)
    assert [(a.points, a.possible, a.graded, a.percent) for a in averages] == [
        (14.0, 16, 2, 87.5),
        (5.0, 10, 1, 50.0),
        (None, None, 0, None),
    ]


def test_a_lesson_without_a_rubric_counts_for_nothing():
    """Points without any points possible (no written assignment) would make a percentage
    over 100: such a column is left out of the totals."""
    totals = student_totals([Column(None)], [GradebookRow(None, [GradebookCell("graded", 3)])])
    assert (totals[0].points, totals[0].possible, totals[0].percent) == (0, 0, None)


def test_gradebook_page_shows_totals_percentages_and_class_averages(as_teacher, classroom, marked):
    response = as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk]))
    totals = dict(
        zip(
            [row.student.display_name for row in response.context["rows"]],
            [(t.points, t.possible, t.percent) for t in response.context["totals"]],
            strict=True,
        )
    )
    assert totals == {
        "Amara Okafor": (26, 32, 81.2),
        "Bruno Silva": (6, 16, 37.5),
        "Chidi Anang": (0, 0, None),
    }
    html = page(response)
    assert '<th scope="col">Total</th><th scope="col">Percentage</th>' in html
    assert '<td class="gb-total">26 / 32</td><td class="gb-total">81.2%</td></tr>' in html
    assert '<td class="gb-total">6 / 16</td><td class="gb-total">37.5%</td></tr>' in html
    assert '<td class="gb-total">—</td><td class="gb-total">—</td></tr>' in html
    # The Bridge: 10 and 6 over two graded; the Tunnel: 16 over one.
    assert '<th scope="row">Class average</th>' in html
    assert '8 / 16<br><span class="when">2 graded</span>' in html
    assert '16 / 16<br><span class="when">1 graded</span>' in html


def test_gradebook_csv_has_the_same_totals_and_averages(as_teacher, classroom, marked):
    rows = gradebook_csv(as_teacher, classroom)
    assert rows[0][-3:] == ["Current Points", "Points Possible", "Current Score"]
    by_login = {row[2]: row for row in rows[2:-1]}
    assert by_login["student"][-3:] == ["26", "32", "81.2"]
    assert by_login["classmate"][-3:] == ["6", "16", "37.5"]
    assert by_login["third"][-3:] == ["", "", ""]
    assert rows[-1] == ["Class Average", "", "", "", "8", "16", "", "", ""]


def test_a_regrade_moves_the_total_and_the_average(
    as_teacher, classroom, assignment, student, teacher
):
    submission = hand_in(assignment, student)
    grade(submission, teacher, [1, 1, 1, 1])
    before = as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk]))
    assert before.context["totals"][0].points == 4
    grade(submission, teacher, [4, 4, 4, 1])
    after = as_teacher.get(reverse("coursework:gradebook", args=[classroom.pk]))
    assert (after.context["totals"][0].points, after.context["totals"][0].percent) == (13, 81.2)
    assert after.context["averages"][0].points == 13.0
