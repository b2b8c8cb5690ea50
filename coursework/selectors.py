"""Reads that decide what a student or teacher sees of coursework."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone

from accounts.models import Enrollment, User
from lessons.models import Module

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


def grading_queue_for(*, assignment: Assignment) -> tuple[Module, list[Submission]]:
    """The assignment's writing module and its handed-in work in grading order, each with
    `current_grade`: the grade of its latest version (None before grading starts).

    404 when the lesson has no written assignment."""
    module = assignment.lesson.modules.filter(kind=Module.Kind.ASSIGNMENT).first()
    if module is None:
        raise Http404("This lesson has no written assignment")
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
    # An opened but unscored grade is still ungraded: only a complete grade counts as graded.
    submissions.sort(key=lambda submission: grading_rank_of(submission=submission))
    return module, submissions


def grading_rank_of(*, submission: Submission) -> int:
    """Ungraded (or partly graded) first, then graded not returned, returned, revisions."""
    grade = submission.current_grade
    if submission.status == Submission.Status.SUBMITTED:
        return 1 if grade is not None and grade.is_complete else 0
    return 2 if submission.status == Submission.Status.RETURNED else 3


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
