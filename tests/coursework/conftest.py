"""Coursework fixtures: a published lesson with one module of every kind, assigned to the
shared `classroom`, and the same lesson in `other_classroom` (the shared `classmate` is
in tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from coursework import services
from coursework.models import Assignment, Progress
from lessons.models import Excerpt, Lesson, Module, Question, SourcedFact, SourceDocument
from lessons.services import lesson_publish
from tests.lessons.conftest import document, draft_lesson, make_rubric, published_lesson  # noqa: F401

# Positions of the modules in the `lesson` fixture.
READING, STUDY, COMPARE, DISCUSS, WRITE = 1, 2, 3, 4, 5
ALL_KINDS = ["background", "document_study", "corroboration", "discussion", "assignment"]

QUOTE = "We shall build the bridge this year."
MEETING = "The council met in May 1901."
STUDY_QUESTIONS = ["Who is speaking in this minute?", "What does the leader promise?"]
COMPARE_QUESTIONS = ["Do the two passages agree on the date?"]
DISCUSSION_PROMPT = "Was the council right to build the bridge?"
INSTRUCTIONS = "Write an essay: why did the council build the bridge?"


def _excerpt(module: Module, source: SourceDocument, quote: str, position: int) -> Excerpt:
    start = source.cleaned_text.index(quote)
    return Excerpt.objects.create(
        module=module,
        document=source,
        position=position,
        text=quote,
        start=start,
        end=start + len(quote),
        speaker="Its leader",
        speaker_role="participant",
        date_text="May 1901",
        source_kind="Council minutes",
    )


def build_lesson(source: SourceDocument, kinds: list[str], title: str = "The Bridge") -> Lesson:
    """A published lesson with one module per kind in `kinds`, each with typical content."""
    lesson = Lesson.objects.create(
        title=title,
        slug=slugify(title),
        central_question="Why build the bridge?",
        grade_band="Grades 9–12",
    )
    lesson.documents.add(source)
    for position, kind in enumerate(kinds, start=1):
        module = Module.objects.create(
            lesson=lesson, position=position, kind=kind, title=f"{kind.title()} {position}"
        )
        if kind == "background":
            module.body = "The town had no bridge until 1902."
            module.save(update_fields=["body"])
            SourcedFact.objects.create(
                module=module,
                kind="event",
                document=source,
                label="May 1901",
                year=1901,
                month=5,
                text="The council met.",
                start=0,
                end=len(MEETING),
            )
        elif kind == "document_study":
            excerpt = _excerpt(module, source, QUOTE, 0)
            for index, text in enumerate(STUDY_QUESTIONS):
                Question.objects.create(
                    module=module, position=index, text=text, skill="sourcing", excerpt=excerpt
                )
        elif kind == "corroboration":
            _excerpt(module, source, MEETING, 0)
            _excerpt(module, source, QUOTE, 1)
            Question.objects.create(module=module, text=COMPARE_QUESTIONS[0], skill="corroboration")
        elif kind == "discussion":
            Question.objects.create(module=module, text=DISCUSSION_PROMPT, skill="close_reading")
        elif kind == "assignment":
            module.body, module.points, module.rubric = INSTRUCTIONS, 16, make_rubric()
            module.save(update_fields=["body", "points", "rubric"])
    lesson_publish(lesson=lesson)
    return lesson


@pytest.fixture
def lesson(document):  # noqa: F811
    return build_lesson(document, ALL_KINDS)


@pytest.fixture
def assignment(lesson, classroom, teacher) -> Assignment:
    return services.assignment_create(
        classroom=classroom,
        lesson=lesson,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=7),
    )


@pytest.fixture
def other_assignment(lesson, other_classroom, other_teacher) -> Assignment:
    """The same lesson given to another teacher's class."""
    return services.assignment_create(
        classroom=other_classroom, lesson=lesson, teacher=other_teacher
    )


def module_url(assignment: Assignment, position: int, name: str = "player-module") -> str:
    return reverse(f"coursework:{name}", args=[assignment.pk, position])


def state_of(assignment: Assignment, student: User, position: int) -> str:
    """The student's progress state in one module; "not_started" when there is no row."""
    progress = Progress.objects.filter(
        assignment=assignment, student=student, module__position=position
    ).first()
    return progress.state if progress else "not_started"


def page(response) -> str:
    return response.content.decode()


def grade_latest(submission, teacher: User, points: int, comment: str = "", *, returned=False):
    """Grade the latest handed-in version with the level worth `points` on every criterion,
    through the teacher's services, and return it to the student when asked."""
    from coursework import grading

    current = grading.grade_for(submission=submission)
    scores = [
        grading.ScoreInput(c.pk, next(lv.pk for lv in c.levels.all() if lv.points == points))
        for c in current.rubric.criteria.prefetch_related("levels")
    ]
    grade = grading.grade_save(
        submission=submission,
        version_id=current.version_id,
        grader=teacher,
        revision=current.revision,
        scores=scores,
        comment=comment,
    )
    if returned:
        grading.grade_return(submission=submission, version_id=current.version_id)
    return grade


def revised_and_handed_in_again(assignment, student: User, teacher: User):
    """Version 1 graded, returned and sent back for revision; version 2 handed in, ungraded."""
    module = assignment.lesson.modules.get(kind="assignment")
    draft = services.draft_save(
        assignment=assignment, student=student, module=module, text="First try.", revision=0
    )
    submission = services.submission_submit(submission=draft, revision=draft.revision)
    grade = grade_latest(submission, teacher, 3, "Good start.", returned=True)
    services.submission_request_revision(submission=submission, comment="Cite a source.")
    submission.refresh_from_db()
    submission = services.submission_submit(
        submission=submission, revision=submission.revision, text="Second try, with a source."
    )
    return submission, grade
