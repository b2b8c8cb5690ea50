"""Reads that decide what a student or teacher sees of coursework."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone

from accounts.models import Enrollment, User
from lessons.models import Lesson, Module, Question, Rubric, Skill

from .access import assignments_for_student
from .grades import CriterionScore, Grade
from .models import Assignment, Post, Progress, Submission, SubmissionVersion
from .services import POST_EDIT_WINDOW, has_posted


@dataclass
class LessonRow:
    assignment: Assignment
    modules: int
    complete: int
    started: bool

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.modules) if self.modules else 0

    @property
    def is_open(self) -> bool:
        return self.assignment.is_open

    @property
    def is_complete(self) -> bool:
        return self.modules > 0 and self.complete >= self.modules

    @property
    def is_late(self) -> bool:
        return self.assignment.is_overdue and not self.is_complete

    @property
    def status(self) -> str:
        if self.is_late:
            return "Late"
        if self.is_complete:
            return "Complete"
        return "In progress" if self.started else "Not started"


def student_lesson_rows(student: User) -> list[LessonRow]:
    """The student's assigned lessons, overdue first, then by due date; not-yet-open last."""
    assignments = list(assignments_for_student(student).select_related("lesson", "classroom"))
    if not assignments:
        return []
    # Counted in plain grouped reads rather than correlated subqueries, which cost more to
    # build than to run.
    module_totals = dict(
        Module.objects.filter(lesson_id__in={a.lesson_id for a in assignments})
        .order_by()
        .values_list("lesson_id")
        .annotate(n=Count("pk"))
    )
    complete: dict[int, int] = {}
    started: set[int] = set()
    for assignment_id, state, n in (
        Progress.objects.filter(student=student, assignment_id__in=[a.pk for a in assignments])
        .order_by()
        .values_list("assignment_id", "state")
        .annotate(n=Count("pk"))
    ):
        started.add(assignment_id)
        if state == Progress.State.COMPLETE:
            complete[assignment_id] = n
    rows = [
        LessonRow(a, module_totals.get(a.lesson_id, 0), complete.get(a.pk, 0), a.pk in started)
        for a in assignments
    ]
    far = timezone.now().replace(year=9999)
    rows.sort(
        key=lambda r: (not r.is_open, not r.is_late, r.is_complete, r.assignment.due_at or far)
    )
    return rows


@dataclass(frozen=True)
class Speaker:
    speaker: str


@dataclass(frozen=True)
class QuestionShown:
    """A guiding question as the player shows it. coursework/answers_form.html reads it as it
    reads a Question (the lesson preview passes those): pk, text, its skill's label and the
    speaker of the excerpt it is about."""

    pk: int
    text: str
    skill: str
    excerpt: Speaker | None

    def get_skill_display(self) -> str:
        return Skill(self.skill).label


@dataclass(frozen=True)
class LessonOutline:
    """What the player shows of a lesson on every page: its modules in order (with just the
    fields the navigation shows) and each module's guiding questions."""

    modules: list[Module]
    questions: dict[int, tuple[tuple[int, str, str, str | None], ...]]

    def questions_of(self, module: Module) -> list[QuestionShown]:
        return [
            QuestionShown(pk, text, skill, None if speaker is None else Speaker(speaker))
            for pk, text, skill, speaker in self.questions.get(module.pk, ())
        ]


# Changes whenever LessonOutline's fields change, so no process reads one of another shape.
OUTLINE_SHAPE = 1


def _outline_read(lesson_id: int) -> LessonOutline:
    modules = list(
        Module.objects.filter(lesson_id=lesson_id)
        .order_by("position")
        .only("pk", "position", "title", "kind", "lesson_id")
    )
    questions: dict[int, list] = {}
    for module_id, *row in Question.objects.filter(module__lesson_id=lesson_id).values_list(
        "module_id", "pk", "text", "skill", "excerpt__speaker"
    ):
        questions.setdefault(module_id, []).append(tuple(row))
    return LessonOutline(modules, {pk: tuple(rows) for pk, rows in questions.items()})


def lesson_outline(lesson: Lesson) -> LessonOutline:
    """The lesson's outline; from the shared cache once a page has read it, for a lesson that
    has been published: such a lesson is never edited in place (a change is a new version),
    so its pk and publication time name one outline for good."""
    if lesson.status == Lesson.Status.DRAFT or lesson.published_at is None:
        return _outline_read(lesson.pk)
    key = f"lesson-outline:{lesson.pk}:{lesson.published_at.timestamp()}:{OUTLINE_SHAPE}"
    outline = cache.get(key)
    if outline is None:
        outline = _outline_read(lesson.pk)
        cache.set(key, outline, timeout=7 * 24 * 3600)
    return outline


def module_states(assignment: Assignment, student: User) -> dict[int, Progress]:
    return {p.module_id: p for p in Progress.objects.filter(assignment=assignment, student=student)}


def class_assignments(classroom) -> list[Assignment]:
    """Active assignments of a class for its page: who finished, what waits, who is late."""
    assignments = list(
        Assignment.objects.active()
        .filter(classroom=classroom)
        .select_related("lesson")
        .prefetch_related("lesson__modules")
        .annotate(module_total=Count("lesson__modules", distinct=True))
        .order_by("due_at", "pk")
    )
    if not assignments:
        return assignments
    students = {
        e.student_id: e.student
        for e in Enrollment.objects.active().filter(classroom=classroom).select_related("student")
    }
    finished: dict[int, set[int]] = {a.pk: set() for a in assignments}
    totals = {a.pk: a.module_total for a in assignments}
    for assignment_id, student_id, complete in (
        Progress.objects.filter(assignment__in=assignments, state=Progress.State.COMPLETE)
        .values_list("assignment_id", "student_id")
        .annotate(n=Count("pk"))
    ):
        if complete >= totals[assignment_id]:
            finished[assignment_id].add(student_id)
    waiting: dict[int, int] = {}
    handed_in = Submission.objects.filter(
        assignment__in=assignments, status=Submission.Status.SUBMITTED
    ).prefetch_related("versions__grade__scores", "versions__grade__rubric__criteria")
    for submission in handed_in:
        versions = list(submission.versions.all())
        grade = getattr(versions[-1], "grade", None) if versions else None
        if grade is None or not grade.is_complete:
            waiting[submission.assignment_id] = waiting.get(submission.assignment_id, 0) + 1
    late_submitters: dict[int, set[int]] = {a.pk: set() for a in assignments}
    for assignment_id, student_id in Submission.objects.filter(
        assignment__in=assignments, late=True
    ).values_list("assignment_id", "student_id"):
        late_submitters[assignment_id].add(student_id)
    for assignment in assignments:
        done = finished[assignment.pk] & students.keys()
        assignment.finished_count = len(done)
        assignment.waiting_count = waiting.get(assignment.pk, 0)
        late_ids = set(late_submitters[assignment.pk])
        if assignment.is_overdue:
            late_ids |= students.keys() - done
        assignment.late_students = sorted(
            (students[i] for i in late_ids if i in students), key=lambda u: u.display_name
        )
    return assignments


def assignment_module_of(*, assignment: Assignment) -> Module:
    """The lesson's written assignment; 404 when the lesson has none."""
    module = assignment.lesson.modules.filter(kind=Module.Kind.ASSIGNMENT).first()
    if module is None:
        raise Http404("This lesson has no written assignment")
    return module


def grading_queue_for(*, assignment: Assignment) -> tuple[Module, list[Submission]]:
    """The assignment's writing module and its handed-in work in grading order, each with
    `current_grade`: the grade of its latest version (None before grading starts).

    404 when the lesson has no written assignment."""
    module = assignment_module_of(assignment=assignment)
    submissions = list(
        Submission.objects.filter(assignment=assignment, module=module)
        .exclude(status=Submission.Status.DRAFT)
        .select_related("student")
        .order_by("submitted_at", "pk")
    )
    versions = (
        SubmissionVersion.objects.filter(submission__in=submissions)
        .select_related("grade")
        .prefetch_related(
            Prefetch("grade__scores", queryset=CriterionScore.objects.select_related("level")),
            "grade__rubric__criteria",
        )
        .order_by("number")
    )
    latest = {v.submission_id: getattr(v, "grade", None) for v in versions}
    for submission in submissions:
        submission.current_grade = latest.get(submission.pk)
    submissions.sort(
        key=lambda s: grading_rank_of(
            status=s.status, graded=s.current_grade is not None and s.current_grade.is_complete
        )
    )
    return module, submissions


def grading_order_for(*, assignment: Assignment, module_id: int) -> list[tuple[int, str]]:
    """The same order as grading_queue_for, as (submission pk, status) pairs read as plain
    values, for moving through the queue without loading anyone's work."""
    rows = list(
        Submission.objects.filter(assignment=assignment, module_id=module_id)
        .exclude(status=Submission.Status.DRAFT)
        .order_by("submitted_at", "pk")
        .values_list("pk", "status")
    )
    graded = _graded_ids([pk for pk, status in rows if status == Submission.Status.SUBMITTED])
    rows.sort(key=lambda row: grading_rank_of(status=row[1], graded=row[0] in graded))
    return rows


def _graded_ids(submission_ids: list[int]) -> set[int]:
    """Those submissions whose latest version has a level chosen for every criterion."""
    if not submission_ids:
        return set()
    latest: dict[int, tuple[int, int]] = {}
    for submission_id, grade_id, rubric_id in (
        SubmissionVersion.objects.filter(submission_id__in=submission_ids)
        .order_by("number")
        .values_list("submission_id", "grade__pk", "grade__rubric_id")
    ):
        latest[submission_id] = (grade_id, rubric_id)
    started = {ids for ids in latest.values() if ids[0] is not None}
    if not started:
        return set()
    chosen: dict[int, set[int]] = {}
    for grade_id, criterion_id in (
        CriterionScore.objects.filter(
            grade_id__in=[grade_id for grade_id, _ in started], level__isnull=False
        )
        .order_by()
        .values_list("grade_id", "criterion_id")
    ):
        chosen.setdefault(grade_id, set()).add(criterion_id)
    criteria = {
        rubric_id: {c.pk for c in rubric_table_for(rubric_id=rubric_id).criteria}
        for rubric_id in {rubric_id for _, rubric_id in started}
    }
    return {
        submission_id
        for submission_id, (grade_id, rubric_id) in latest.items()
        if grade_id is not None and chosen.get(grade_id, set()) >= criteria.get(rubric_id, set())
    }


@dataclass(frozen=True)
class QueuePlace:
    """Where one submission stands in its grading queue."""

    previous_pk: int | None
    next_pk: int | None
    position: int
    length: int


def grading_place_of(*, submission: Submission) -> QueuePlace:
    """The submission's neighbours and position in its assignment's grading queue."""
    order = grading_order_for(assignment=submission.assignment, module_id=submission.module_id)
    order = [pk for pk, _ in order]
    index = order.index(submission.pk) if submission.pk in order else None
    return QueuePlace(
        previous_pk=order[index - 1] if index else None,
        next_pk=order[index + 1] if index is not None and index + 1 < len(order) else None,
        position=(index or 0) + 1,
        length=len(order),
    )


def grading_rank_of(*, status: str, graded: bool) -> int:
    """Ungraded (or partly graded) first, then graded not returned, returned, revisions.

    An opened but unscored grade is still ungraded: only a complete grade counts."""
    if status == Submission.Status.SUBMITTED:
        return 1 if graded else 0
    return 2 if status == Submission.Status.RETURNED else 3


def grade_returned_for(*, submission: Submission) -> Grade | None:
    """The grade of the latest returned version; grades not yet returned stay hidden."""
    return (
        Grade.objects.filter(version__submission=submission, returned_at__isnull=False)
        .select_related("rubric")
        .prefetch_related("scores__criterion", "scores__level", "rubric__criteria__levels")
        .order_by("-version__number")
        .first()
    )


def discussion_for_student(*, assignment: Assignment, module: Module, student: User) -> dict:
    """What a student sees of a discussion: nothing of classmates' posts before their own,
    then every post, with which are theirs and which they may still edit."""
    posted = has_posted(assignment=assignment, student=student, module=module)
    posts = []
    if posted:
        posts = list(
            Post.objects.filter(assignment=assignment, module=module, parent__isnull=True)
            .select_related("author")
            .prefetch_related("replies__author")
        )
    own = [p for p in posts if p.author_id == student.pk]
    edit_until = timezone.now() - POST_EDIT_WINDOW
    return {
        "posted": posted,
        "posts": posts,
        "own_post_ids": {p.pk for p in own},
        "editable_ids": {p.pk for p in own if p.created_at > edit_until},
    }


@dataclass(frozen=True)
class LevelRow:
    pk: int
    title: str
    points: int
    description: str


@dataclass(frozen=True)
class CriterionRow:
    pk: int
    title: str
    skill: str
    skill_label: str
    levels: tuple[LevelRow, ...]


@dataclass(frozen=True)
class RubricTable:
    """What the grading screen shows of a rubric: its title, criteria, levels and total."""

    pk: int
    title: str
    criteria: tuple[CriterionRow, ...]

    @property
    def max_points(self) -> int:
        return sum(max((lv.points for lv in c.levels), default=0) for c in self.criteria)


# Changes whenever RubricTable's fields change, so no process reads a table of another shape.
RUBRIC_TABLE_SHAPE = 1


def rubric_table_for(*, rubric_id: int) -> RubricTable:
    """The rubric as a table, from the shared cache when another page already read it.

    Only for a rubric a grade holds: such a rubric is frozen (lessons.models refuses any
    change to it, its criteria or its levels), so its pk names one content for good."""
    key = f"rubric-table:{rubric_id}:{RUBRIC_TABLE_SHAPE}"
    table = cache.get(key)
    if table is None:
        rubric = Rubric.objects.prefetch_related("criteria__levels").get(pk=rubric_id)
        table = RubricTable(
            pk=rubric.pk,
            title=rubric.title,
            criteria=tuple(
                CriterionRow(
                    pk=c.pk,
                    title=c.title,
                    skill=c.skill,
                    skill_label=c.get_skill_display() if c.skill else "",
                    levels=tuple(
                        LevelRow(lv.pk, lv.title, lv.points, lv.description)
                        for lv in c.levels.all()
                    ),
                )
                for c in rubric.criteria.all()
            ),
        )
        cache.set(key, table, timeout=7 * 24 * 3600)
    return table
