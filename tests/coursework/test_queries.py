"""The student's pages use a fixed number of queries, however big the class and the lesson."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Classroom, Enrollment, User
from coursework import services
from coursework.models import Answer, Post, Submission
from lessons.models import Lesson, Module, Question
from tests.coursework.conftest import ALL_KINDS, build_lesson, module_url

SMALL_CLASS, BIG_CLASS = 5, 200
SHORT_LESSON, LONG_LESSON = 3, 15


def make_class(name: str, size: int, teacher: User) -> tuple[Classroom, list[User]]:
    """A class of `size` students; the first one is the student whose pages are measured."""
    classroom = Classroom.objects.create(name=name)
    classroom.teachers.add(teacher)
    students = User.objects.bulk_create(
        User(username=f"{name}-{i}", password="!", role=User.Role.STUDENT, first_name=f"S{i}")
        for i in range(size)
    )
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=s) for s in students)
    return classroom, students


def make_lesson(document, kind: str, modules: int) -> Lesson:
    """The module under test at position 2, among others of every kind."""
    others = ["background", *ALL_KINDS[::-1] * 3]
    kinds = [others[0], kind, *others[1 : modules - 1]]
    return build_lesson(document, kinds, title=f"{kind} in {modules}")


def classmates_work(assignment, classmates: list[User]) -> None:
    """Answers, posts with replies, and drafts by other students of the class."""
    modules = list(assignment.lesson.modules.all())
    questions = list(Question.objects.filter(module__in=modules))
    Answer.objects.bulk_create(
        Answer(assignment=assignment, student=s, question=q, text=f"{s.username} answers")
        for s in classmates
        for q in questions
    )
    for module in modules:
        if module.kind == Module.Kind.DISCUSSION:
            posts = Post.objects.bulk_create(
                Post(assignment=assignment, module=module, author=s, text=f"{s.username} says")
                for s in classmates
            )
            Post.objects.bulk_create(
                Post(assignment=assignment, module=module, author=s, parent=p, text="Agreed")
                for s, p in zip(classmates[1:], posts, strict=False)
            )
        if module.kind == Module.Kind.ASSIGNMENT:
            Submission.objects.bulk_create(
                Submission(assignment=assignment, student=s, module=module, text="Draft")
                for s in classmates
            )


def own_work(assignment, student: User) -> None:
    """The measured student has done some of every kind of work, including in other modules."""
    for index, module in enumerate(assignment.lesson.modules.all()):
        if module.kind == Module.Kind.DISCUSSION:
            services.post_create(assignment=assignment, author=student, module=module, text="Me")
        elif module.kind == Module.Kind.ASSIGNMENT:
            services.draft_save(
                assignment=assignment, student=student, module=module, text="Mine", revision=0
            )
        for question in module.questions.all():
            services.answer_save(
                assignment=assignment, student=student, question=question, text="Mine"
            )
        services.progress_set(
            assignment=assignment, student=student, module=module, complete=index % 2 == 0
        )


def setup_assignment(lesson, classroom, students, teacher, classmates_working: int):
    assignment = services.assignment_create(classroom=classroom, lesson=lesson, teacher=teacher)
    classmates_work(assignment, students[1 : 1 + classmates_working])
    own_work(assignment, students[0])
    return assignment


def count_queries(client, student: User, url: str) -> int:
    client.force_login(student)
    assert client.get(url).status_code == 200  # the first visit records progress once
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def classes(teacher):
    return make_class("small", SMALL_CLASS, teacher), make_class("big", BIG_CLASS, teacher)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_module_page_queries_do_not_grow_with_class_or_lesson_size(
    client, teacher, document, classes, kind
):
    (small, small_students), (big, big_students) = classes
    short = make_lesson(document, kind, SHORT_LESSON)
    long = make_lesson(document, kind, LONG_LESSON)
    assert short.modules.get(position=2).kind == long.modules.get(position=2).kind == kind
    counts = {}
    for lesson in (short, long):
        for classroom, students, working in ((small, small_students, 4), (big, big_students, 40)):
            assignment = setup_assignment(lesson, classroom, students, teacher, working)
            url = module_url(assignment, 2)
            counts[(lesson.modules.count(), classroom.name)] = count_queries(
                client, students[0], url
            )
    assert len(set(counts.values())) == 1, counts


def test_student_home_queries_do_not_grow_with_class_or_lesson_size(
    client, teacher, document, classes
):
    (small, small_students), (big, big_students) = classes
    short = make_lesson(document, "discussion", SHORT_LESSON)
    long = make_lesson(document, "discussion", LONG_LESSON)
    counts = {}
    for lesson in (short, long):
        for classroom, students, working in ((small, small_students, 4), (big, big_students, 40)):
            assignment = setup_assignment(lesson, classroom, students, teacher, working)
            counts[(lesson.modules.count(), classroom.name)] = count_queries(
                client, students[0], reverse("coursework:home")
            )
            services.assignment_withdraw(assignment=assignment)
    for lesson in (short, long, make_lesson(document, "background", SHORT_LESSON)):
        setup_assignment(lesson, small, small_students, teacher, 4)
    counts["three lessons"] = count_queries(client, small_students[0], reverse("coursework:home"))
    assert len(set(counts.values())) == 1, counts
