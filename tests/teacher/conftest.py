"""Teacher-side fixtures: the shared 3-module `published_lesson` assigned to `classroom`
(module 3 is the written assignment with a 4-criterion rubric, levels worth 4/3/2/1), a
third student, and helpers that hand work in, grade it and make it late."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Classroom, User
from coursework import grading, services
from coursework.grades import Grade
from coursework.models import Assignment, Post, Submission
from lessons.models import Lesson, Module, Question
from lessons.services import lesson_publish
from tests.conftest import enroll, make_user
from tests.lessons.conftest import document, draft_lesson, make_rubric, published_lesson  # noqa: F401

WRITE = 3  # position of the written assignment in `published_lesson`
ESSAY = "The council built the bridge because trade across the river was growing."


@pytest.fixture
def assignment(published_lesson, classroom, teacher) -> Assignment:  # noqa: F811
    return services.assignment_create(
        classroom=classroom,
        lesson=published_lesson,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=7),
    )


@pytest.fixture
def third(classroom) -> User:
    person = make_user("third", first_name="Chidi", last_name="Anang")
    enroll(classroom, person)
    return person


@pytest.fixture
def coteacher(classroom) -> User:
    person = make_user("coteacher", role=User.Role.TEACHER, first_name="Ines", last_name="Duarte")
    classroom.teachers.add(person)
    return person


def writing_module(assignment: Assignment) -> Module:
    return assignment.lesson.modules.get(kind=Module.Kind.ASSIGNMENT)


def hand_in(assignment: Assignment, student: User, text: str = ESSAY) -> Submission:
    """Save a draft and submit it, as the student's page would."""
    module = writing_module(assignment)
    current = services.submission_for(assignment=assignment, student=student, module=module)
    saved = services.draft_save(
        assignment=assignment,
        student=student,
        module=module,
        text=text,
        revision=current.revision,
    )
    return services.submission_submit(submission=saved, revision=saved.revision)


def make_overdue(assignment: Assignment, days: int = 1) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(days=days))
    assignment.refresh_from_db()


def level_ids(submission: Submission, points: list[int]) -> dict[int, int]:
    """{criterion id: level id} choosing the level worth points[i] for the i-th criterion."""
    criteria = list(submission.module.rubric.criteria.prefetch_related("levels"))
    return {
        c.pk: next(lv.pk for lv in c.levels.all() if lv.points == p)
        for c, p in zip(criteria, points, strict=False)
    }


def grade(submission: Submission, grader: User, points: list[int], comment: str = "") -> Grade:
    """Grade the latest version through the service: points[i] for the i-th criterion."""
    current = grading.grade_for(submission=submission)
    scores = [grading.ScoreInput(cid, lid) for cid, lid in level_ids(submission, points).items()]
    return grading.grade_save(
        submission=submission,
        version_id=current.version_id,
        grader=grader,
        revision=current.revision,
        scores=scores,
        comment=comment,
    )


def finish_all(assignment: Assignment, student: User, text: str = ESSAY) -> Submission:
    """Complete every module of `published_lesson`: read, answer, hand in."""
    for module in assignment.lesson.modules.all():
        if module.kind == Module.Kind.BACKGROUND:
            services.module_open(assignment=assignment, student=student, module=module)
        for question in module.questions.all():
            services.answer_save(
                assignment=assignment, student=student, question=question, text="The leader."
            )
    return hand_in(assignment, student, text)


def build_lesson(title: str, kinds: list[str]) -> Lesson:
    """A published lesson with one module of each kind (no excerpts needed)."""
    lesson = Lesson.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), central_question="Why?", grade_band="9"
    )
    for position, kind in enumerate(kinds, start=1):
        module = Module.objects.create(
            lesson=lesson,
            position=position,
            kind=kind,
            title=f"{kind.title()} {position}",
            body="Read, talk and write.",
        )
        if kind == Module.Kind.ASSIGNMENT:
            module.points, module.rubric = 16, make_rubric()
            module.save(update_fields=["points", "rubric"])
        if kind == Module.Kind.DISCUSSION:
            Question.objects.create(module=module, text="Was it worth it?", skill="close_reading")
    lesson_publish(lesson=lesson)
    return lesson


TALK = 2  # position of the discussion module in `talk`


@pytest.fixture
def talk(classroom, teacher) -> Assignment:
    """A second assignment in the class: background reading, then a discussion."""
    lesson = build_lesson("Bridge debate", ["background", "discussion"])
    return services.assignment_create(classroom=classroom, lesson=lesson, teacher=teacher)


def post(assignment: Assignment, author: User, text: str, parent: Post | None = None) -> Post:
    module = assignment.lesson.modules.get(kind=Module.Kind.DISCUSSION)
    return services.post_create(
        assignment=assignment, author=author, module=module, text=text, parent=parent
    )


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def as_teacher(client, teacher):
    client.force_login(teacher)
    return client


def rename_class(classroom: Classroom, name: str) -> None:
    Classroom.objects.filter(pk=classroom.pk).update(name=name)
