"""The class page's summary of each assigned lesson: who finished, what waits for grading,
and who is late."""

import re

import pytest
from django.urls import reverse

from coursework import grading
from tests.teacher.conftest import finish_all, grade, hand_in, make_overdue, page


@pytest.fixture
def class_page(as_teacher, classroom):
    return lambda: page(as_teacher.get(reverse("accounts:class-detail", args=[classroom.pk])))


def late_names(html: str) -> list[str]:
    found = re.search(r"Late:</span>(.*?)</p>", html, re.S)
    return [name.strip() for name in found.group(1).split(",")] if found else []


def test_class_page_counts_students_who_finished_every_module(
    class_page, assignment, student, classmate
):
    assert "0 of 2 finished" in class_page()
    finish_all(assignment, student)
    assert "1 of 2 finished" in class_page()


def test_class_page_counts_submissions_waiting_for_grading(
    class_page, assignment, student, classmate, teacher
):
    assert "0 to grade" in class_page()
    hand_in(assignment, student)
    submission = hand_in(assignment, classmate)
    assert "2 to grade" in class_page()
    grade(submission, teacher, [4, 4, 4, 4])
    grading.grade_return(submission=submission)
    assert "1 to grade" in class_page()


def test_class_page_lists_no_one_as_late_before_the_due_date(
    class_page, assignment, student, classmate
):
    hand_in(assignment, student)
    assert late_names(class_page()) == []


def test_overdue_assignment_lists_unfinished_students_as_late(
    class_page, assignment, student, classmate, third
):
    finish_all(assignment, student)  # finished on time: not late
    hand_in(assignment, third)  # handed in but never read the rest: unfinished
    make_overdue(assignment)
    assert late_names(class_page()) == ["Bruno Silva", "Chidi Anang"]


def test_a_late_submission_is_listed_as_late_even_when_finished(
    class_page, assignment, student, classmate
):
    make_overdue(assignment)
    submission = finish_all(assignment, student)
    assert submission.late
    html = class_page()
    assert "1 of 2 finished" in html
    assert late_names(html) == ["Amara Okafor", "Bruno Silva"]


def test_class_page_links_to_dashboard_grading_and_gradebook(class_page, assignment, classroom):
    html = class_page()
    assert reverse("coursework:dashboard", args=[assignment.pk]) in html
    assert reverse("coursework:grading", args=[assignment.pk]) in html
    assert reverse("coursework:gradebook", args=[classroom.pk]) in html
