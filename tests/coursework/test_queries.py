"""The student's pages and saves use a fixed number of queries, however big the class and the
lesson: the numbers below, beyond the session (unless read from the shared cache) and the user
every signed-in request reads first."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Classroom, Enrollment, User
from coursework import services
from coursework.models import Answer, Post, Submission
from lessons.models import Lesson, Module, Question
from tests.conftest import not_modified_queries
from tests.coursework.conftest import ALL_KINDS, build_lesson, module_url

SMALL_CLASS, BIG_CLASS = 5, 200
SHORT_LESSON, LONG_LESSON = 3, 15

# A module opened again: the assignment with the access check, the student's own dates, the
# last visit, the work stamp and the progress; then the answers, the discussion or the written
# work it shows (the lesson's outline and published content come from the shared cache). The
# written work's page also reads the student's own answers, shown beside it to quote from.
MODULE_PAGE = {
    "background": 5,
    "document_study": 6,
    "corroboration": 6,
    "discussion": 9,
    "assignment": 9,
}
# The classes with their assignments and the student's work stamps and own dates in them
# (also the ETag's query), the lessons' module counts and the student's progress (the
# teachers' names come from the shared cache, under each class's stamp, once a page has read
# them); then what to do next: the written work returned or sent back, and new replies to the
# student's posts.
HOME = 5
# The assignment and the student's own dates, the answer locked, changed, counted with its
# module's others, the progress and the work stamp (the transaction's savepoint and its
# release are counted too).
ANSWER_SAVE = 9
# The assignment and the student's own dates, the draft changed and read back, the progress
# and the work stamp.
DRAFT_SAVE = 8


def signed_in() -> int:
    """The session (unless read from the shared cache) and the user."""
    return not_modified_queries() - 1


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
    assert set(counts.values()) == {signed_in() + MODULE_PAGE[kind]}, counts


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
    assert set(counts.values()) == {signed_in() + HOME}, counts


def saving_queries(client, student, url: str, data: dict, **headers) -> int:
    client.force_login(student)
    with CaptureQueriesContext(connection) as context:
        assert client.post(url, data, **headers).status_code == 200
    return len(context.captured_queries)


def test_autosaves_use_a_fixed_number_of_queries(client, teacher, document, classes):
    (small, small_students), (big, big_students) = classes
    counts = {}
    for classroom, students, working in ((small, small_students, 4), (big, big_students, 40)):
        lesson = make_lesson(document, "document_study", LONG_LESSON)
        assignment = setup_assignment(lesson, classroom, students, teacher, working)
        study = lesson.modules.get(position=2)
        writing = lesson.modules.filter(kind=Module.Kind.ASSIGNMENT).first()
        question = study.questions.first()
        answer = Answer.objects.get(assignment=assignment, student=students[0], question=question)
        draft = Submission.objects.get(assignment=assignment, student=students[0], module=writing)
        client.force_login(students[0])
        client.get(module_url(assignment, 2))  # the outline is then in the shared cache
        counts[(classroom.name, "answer")] = saving_queries(
            client,
            students[0],
            module_url(assignment, 2, "answers-save"),
            {f"answer-{question.pk}": "Changed", f"revision-{question.pk}": answer.revision},
            HTTP_HX_REQUEST="true",
        )
        counts[(classroom.name, "draft")] = saving_queries(
            client,
            students[0],
            module_url(assignment, writing.position, "draft-save"),
            {"text": "Changed", "revision": draft.revision},
            HTTP_HX_REQUEST="true",
            HTTP_X_AUTOSAVE="1",
        )
    assert counts == {
        (name, kind): signed_in() + (ANSWER_SAVE if kind == "answer" else DRAFT_SAVE)
        for name in ("small", "big")
        for kind in ("answer", "draft")
    }, counts


@pytest.mark.parametrize("status", [Lesson.Status.PUBLISHED, Lesson.Status.ARCHIVED])
def test_a_published_lessons_outline_and_content_are_read_once_for_the_class(
    client, student, classmate, assignment, status
):
    # A lesson archived when its next version was published stays with the classes that
    # have it, as unchanging as before.
    Lesson.objects.filter(pk=assignment.lesson_id).update(status=status)
    cache.clear()
    url = module_url(assignment, 2)
    client.force_login(student)
    assert client.get(url).status_code == 200
    other = Client()
    other.force_login(classmate)
    with CaptureQueriesContext(connection) as context:
        assert other.get(url).status_code == 200
    lesson_tables = [q["sql"] for q in context.captured_queries if 'FROM "lessons_' in q["sql"]]
    assert lesson_tables == []


def test_a_draft_lessons_outline_is_read_on_every_page(client, student, assignment):
    cache.clear()
    Lesson.objects.filter(pk=assignment.lesson_id).update(status=Lesson.Status.DRAFT)
    url = module_url(assignment, 2)
    client.force_login(student)
    for _ in range(2):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        assert any('FROM "lessons_module"' in q["sql"] for q in context.captured_queries)
