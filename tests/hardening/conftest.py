"""The hardening cast: the shared people of tests/conftest.py, plus a published lesson with a
module of every kind assigned to both classes and work from a student in each, each piece of
work marked with words that must never show to the other class."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Classroom, User
from coursework import grading, services
from coursework.models import Assignment, Post, Submission
from lessons.models import Lesson, Module
from tests.coursework.conftest import ALL_KINDS, DISCUSS, STUDY, WRITE, build_lesson
from tests.lessons.conftest import document  # noqa: F401

__all__ = ["DISCUSS", "STUDY", "WRITE", "Work", "do_work"]

# Words only the first class's student wrote, and only the second class's.
MAIN_WORK = {
    "answer": "Amara-answer-kirov-1934",
    "post": "Amara-post-troikas",
    "essay": "Amara-essay-yezhov-fall",
    "grade": "Teacher-comment-for-Amara",
}
OTHER_WORK = {
    "answer": "Zoe-answer-order-00447",
    "post": "Zoe-post-national-operations",
    "essay": "Zoe-essay-moscow-trials",
    "grade": "Teacher-comment-for-Zoe",
}
MAIN_NAMES = ["Amara", "Okafor"]
OTHER_NAMES = ["Zoe", "Kowalski"]


@dataclass
class Work:
    assignment: Assignment
    submission: Submission
    post: Post


def do_work(assignment: Assignment, student: User, grader: User, words: dict) -> Work:
    """Answer every guiding question, post, write and hand in an essay, and have it graded
    (not yet returned), through the same services the pages use."""
    modules = {m.position: m for m in assignment.lesson.modules.all()}
    for question in modules[STUDY].questions.all():
        services.answer_save(
            assignment=assignment, student=student, question=question, text=words["answer"]
        )
    post = services.post_create(
        assignment=assignment, author=student, module=modules[DISCUSS], text=words["post"]
    )
    current = services.submission_for(assignment=assignment, student=student, module=modules[WRITE])
    saved = services.draft_save(
        assignment=assignment,
        student=student,
        module=modules[WRITE],
        text=words["essay"],
        revision=current.revision,
    )
    submission = services.submission_submit(submission=saved, revision=saved.revision)
    grade = grading.grade_for(submission=submission)
    scores = [
        grading.ScoreInput(c.pk, c.levels.order_by("-points").first().pk, f"{words['grade']} c")
        for c in grade.rubric.criteria.prefetch_related("levels")
    ]
    grading.grade_save(
        submission=submission,
        version_id=grade.version_id,
        grader=grader,
        revision=grade.revision,
        scores=scores,
        comment=words["grade"],
    )
    return Work(assignment=assignment, submission=submission, post=post)


@pytest.fixture
def lesson(document) -> Lesson:  # noqa: F811
    return build_lesson(document, ALL_KINDS)


@pytest.fixture
def work(lesson, classroom: Classroom, teacher, student) -> Work:
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=lesson,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=7),
    )
    return do_work(assignment, student, teacher, MAIN_WORK)


@pytest.fixture
def other_work(lesson, other_classroom: Classroom, other_teacher, other_student) -> Work:
    assignment = services.assignment_create(
        classroom=other_classroom, lesson=lesson, teacher=other_teacher
    )
    return do_work(assignment, other_student, other_teacher, OTHER_WORK)


def module_of(assignment: Assignment, position: int) -> Module:
    return assignment.lesson.modules.get(position=position)
