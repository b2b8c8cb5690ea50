"""The grading screen's layout: the rubric as a grid of labelled radio cells, one fieldset
per criterion, and the student's other work on the lesson (answers and posts) beside the
response, read in the same number of queries however much of it there is."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework import services
from coursework.models import Post
from lessons.models import Module, Question
from tests.teacher.conftest import grade, hand_in, page


def screen_url(submission) -> str:
    return reverse("coursework:grade", args=[submission.assignment_id, submission.pk])


def record_url(submission) -> str:
    return reverse("coursework:student-record", args=[submission.assignment_id, submission.pk])


def test_each_criterion_is_a_fieldset_of_cells_whose_label_holds_the_level(
    as_teacher, assignment, student, teacher
):
    submission = hand_in(assignment, student)
    grade(submission, teacher, [3, 2])
    html = page(as_teacher.get(screen_url(submission)))
    criteria = list(submission.module.rubric.criteria.prefetch_related("levels"))
    assert html.count('<fieldset class="criterion">') == len(criteria)
    for criterion in criteria:
        assert f"<legend>{criterion.title}" in html
        for level in criterion.levels.all():
            # The radio, its title, points and description are all inside one label.
            cell = re.search(
                rf'<label class="level-cell" for="level-{level.pk}">'
                rf'<input type="radio" id="level-{level.pk}" name="level-{criterion.pk}"'
                rf' value="{level.pk}"[^>]*>'
                rf'<span class="level-title">{level.title}</span> '
                rf'<span class="level-points">{level.points} pts</span> '
                rf'<span class="level-description">{level.description}</span></label>',
                html,
            )
            assert cell, f"no cell for {criterion.title} / {level.title}"
    assert html.count(" checked") == 2
    # Still saved at once by htmx, with the version and revision the page showed.
    assert html.count('data-hx-trigger="change"') == sum(c.levels.count() for c in criteria)


def test_the_students_answers_and_posts_are_beside_the_response(
    as_teacher, assignment, student, classmate
):
    study = assignment.lesson.modules.get(kind=Module.Kind.DOCUMENT_STUDY)
    question = Question.objects.filter(module=study).first()
    services.answer_save(
        assignment=assignment, student=student, question=question, text="The leader said so."
    )
    services.answer_save(
        assignment=assignment, student=classmate, question=question, text="Classmate's answer."
    )
    Post.objects.create(assignment=assignment, module=study, author=student, text="My post.")
    Post.objects.create(assignment=assignment, module=study, author=classmate, text="Not theirs.")
    submission = hand_in(assignment, student)
    # The screen offers the record, loaded when its section is opened (or as its own page).
    screen = page(as_teacher.get(screen_url(submission)))
    assert f'data-hx-get="{record_url(submission)}" data-hx-trigger="toggle once"' in screen
    assert f'<a href="{record_url(submission)}">' in screen
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = page(as_teacher.get(record_url(submission), **headers))
        assert f"<h3>{study.title}</h3>" in html
        assert question.text in html and "The leader said so." in html
        assert "My post." in html
        assert "Classmate's answer." not in html and "Not theirs." not in html
        assert ("<!doctype html>" in html) is not bool(headers)


def test_a_student_with_no_other_work_is_said_to_have_none(as_teacher, assignment, student):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(record_url(submission)))
    assert "No answers to the guiding questions and no discussion posts yet." in html


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_record_is_read_in_the_same_queries_however_long_it_is(as_teacher, assignment, student):
    submission = hand_in(assignment, student)
    as_teacher.get(screen_url(submission))
    before = _count(as_teacher, record_url(submission))
    modules = list(assignment.lesson.modules.all())
    for module in modules:
        for n in range(3):
            question = Question.objects.create(
                module=module, position=10 + n, text=f"Q{n}", skill="sourcing"
            )
            services.answer_save(
                assignment=assignment, student=student, question=question, text=f"A{n}"
            )
        Post.objects.bulk_create(
            Post(assignment=assignment, module=module, author=student, text=f"P{n}")
            for n in range(4)
        )
    assert _count(as_teacher, record_url(submission)) == before
