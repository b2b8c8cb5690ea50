"""What the home pages list as next to do: for a teacher, work to grade, what falls due,
where to look for late and stuck students and posts awaiting a reply; for a student, work
returned or sent back, what falls due and new replies to their posts. Each list is read in
a fixed number of queries, whatever the number of classes or students."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Sum
from django.utils import timezone

from accounts.models import Enrollment, User

from .access import assignments_for_teacher
from .freshness import DUE_SOON
from .grades import Grade
from .models import Assignment, Post, StudentDates, Submission
from .selectors import rubric_table_for

SOON = DUE_SOON


def _name(first_name: str, last_name: str, username: str) -> str:
    return User(first_name=first_name, last_name=last_name, username=username).display_name


# Posts and replies listed at most: a handful, newest first.
LATEST = 5


@dataclass(frozen=True)
class TeacherAssignment:
    pk: int
    title: str
    classroom: str
    due_at: datetime | None
    waiting: int = 0
    # How many students' own due dates (coursework.dates) fall in the next 7 days.
    own_due_soon: int = 0
    # Some student is past the due date that applies to them.
    late: bool = False


@dataclass(frozen=True)
class Awaiting:
    """A student's post no teacher of the class has replied to."""

    pk: int
    assignment_pk: int
    position: int
    author: str
    text: str
    created_at: datetime
    title: str


def teacher_next(teacher: User) -> dict:
    """`to_grade`: assignments with handed-in work not yet returned, and how much;
    `due_soon`: due in the next 7 days for the class or for some student by their own
    dates; `overdue`: past due for some student (their dashboards' Late filter); `open`:
    every assignment open for the class or for some student by their own dates (their Stuck
    filter); `awaiting`: the newest students' posts without a teacher's reply."""
    now = timezone.now()
    found = list(
        assignments_for_teacher(teacher)
        .filter(classroom__archived=False)
        .annotate(
            waiting=Count(
                "submissions",
                filter=Q(submissions__status=Submission.Status.SUBMITTED),
            )
        )
        .order_by("due_at", "pk")
        .values_list("pk", "lesson__title", "classroom__name", "due_at", "waiting", "opens_at")
    )
    own = _own_dates_summary([row[0] for row in found], now)
    assignments = []
    for *row, opens_at in found:
        pk, due_at = row[0], row[3]
        opened, due_soon, overdue = own.get(pk, (0, 0, 0))
        if (opens_at is None or opens_at <= now) or opened:
            late = (due_at is not None and due_at < now) or overdue > 0
            assignments.append(TeacherAssignment(*row, own_due_soon=due_soon, late=late))
    answered = Post.objects.filter(
        parent=OuterRef("pk"), author__teaching=OuterRef("assignment__classroom")
    )
    posts = Post.objects
    awaiting = [
        Awaiting(pk, assignment_pk, position, _name(first, last, username), text, at, title)
        for pk, assignment_pk, position, first, last, username, text, at, title in posts.filter(
            assignment__in=assignments_for_teacher(teacher).filter(classroom__archived=False),
            parent__isnull=True,
            hidden_at__isnull=True,
            author__role=User.Role.STUDENT,
        )
        .exclude(Exists(answered))
        .order_by("-created_at", "-pk")
        .values_list(
            "pk",
            "assignment_id",
            "module__position",
            "author__first_name",
            "author__last_name",
            "author__username",
            "text",
            "created_at",
            "assignment__lesson__title",
        )[:LATEST]
    ]
    return {
        "to_grade": [a for a in assignments if a.waiting],
        "due_soon": [
            a
            for a in assignments
            if (a.due_at and now <= a.due_at < now + SOON) or a.own_due_soon
        ],
        "overdue": [a for a in assignments if a.late],
        "open": assignments,
        "awaiting": awaiting,
    }


def _own_dates_summary(assignment_ids: list[int], now: datetime) -> dict[int, tuple]:
    """For each assignment (by pk), among the students of its class it is given to who have
    their own dates: how many it has opened for, how many it falls due for in the next 7
    days, and how many are past their due date. One grouped read."""
    if not assignment_ids:
        return {}
    named = Assignment.students.through.objects.filter(
        assignment_id=OuterRef("assignment_id"), user_id=OuterRef("student_id")
    )
    enrolled = Enrollment.objects.active().filter(
        classroom_id=OuterRef("assignment__classroom_id"), student_id=OuterRef("student_id")
    )
    return {
        pk: counts
        for pk, *counts in StudentDates.objects.filter(assignment_id__in=assignment_ids)
        .filter(Exists(enrolled))
        .filter(Q(assignment__for_whole_class=True) | Exists(named))
        .order_by()
        .values("assignment_id")
        .annotate(
            opened=Count("pk", filter=Q(opens_at__isnull=True) | Q(opens_at__lte=now)),
            due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + SOON)),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
        .values_list("assignment_id", "opened", "due_soon", "overdue")
    }


@dataclass(frozen=True)
class Returned:
    assignment_pk: int
    position: int
    title: str
    points: int
    max_points: int
    returned_at: datetime


@dataclass(frozen=True)
class SentBack:
    assignment_pk: int
    position: int
    title: str
    comment: str


@dataclass(frozen=True)
class Reply:
    assignment_pk: int
    position: int
    title: str
    author: str
    text: str
    created_at: datetime


def student_next(student: User, assignments: dict[int, str]) -> dict:
    """For the student's `assignments` (pk to lesson title: the home's own rows, so its
    lists and its ETag come from the same read): `returned`: work returned with its grade
    (points of the latest returned version); `revision`: work sent back, with the teacher's
    comment; `replies`: replies by others to the student's posts made since the student last
    opened that discussion, newest first; `work`: each assignment's written-work status by
    assignment pk."""
    if not assignments:
        return {"returned": [], "revision": [], "replies": [], "work": {}}
    mine = list(assignments)
    handed = [
        (pk, assignment_pk, position, assignments[assignment_pk], status, comment)
        for pk, assignment_pk, position, status, comment in Submission.objects.filter(
            student_id=student.pk,
            assignment_id__in=mine,
            status__in=[Submission.Status.RETURNED, Submission.Status.REVISION],
        )
        .order_by("-returned_at", "-pk")
        .values_list("pk", "assignment_id", "module__position", "status", "revision_comment")
    ]
    grades: dict[int, tuple] = {}
    returned_ids = [row[0] for row in handed if row[4] == Submission.Status.RETURNED]
    if returned_ids:
        for submission_id, override, awarded, rubric_id, at in (
            Grade.objects.filter(version__submission_id__in=returned_ids, returned_at__isnull=False)
            .annotate(awarded=Sum("scores__points", filter=Q(scores__level__isnull=False)))
            .order_by("version__number")
            .values_list(
                "version__submission_id", "override_points", "awarded", "rubric_id", "returned_at"
            )
        ):
            grades[submission_id] = (
                override if override is not None else awarded or 0,
                rubric_id,
                at,
            )
    returned, revision, work = [], [], {}
    for pk, assignment_pk, position, title, status, comment in handed:
        if status == Submission.Status.REVISION:
            revision.append(SentBack(assignment_pk, position, title, comment))
            work[assignment_pk] = ("revision", None)
        elif pk in grades:
            points, rubric_id, at = grades[pk]
            top = rubric_table_for(rubric_id=rubric_id).max_points
            returned.append(Returned(assignment_pk, position, title, points, top, at))
            work[assignment_pk] = ("returned", f"{points}/{top}")
    # The student's progress in the reply's module: when they last opened it (a LEFT JOIN,
    # which costs less to build than a correlated subquery).
    opened = FilteredRelation(
        "assignment__progress",
        condition=Q(assignment__progress__student_id=student.pk)
        & Q(assignment__progress__module=F("module")),
    )
    replies = [
        Reply(assignment_pk, position, assignments[assignment_pk], _name(*names), text, at)
        for assignment_pk, position, *names, text, at in Post.objects.filter(
            assignment_id__in=mine,
            parent__author_id=student.pk,
            parent__hidden_at__isnull=True,
            hidden_at__isnull=True,
        )
        .exclude(author_id=student.pk)
        .annotate(opened=opened)
        .filter(Q(opened__isnull=True) | Q(created_at__gt=F("opened__last_activity_at")))
        .order_by("-created_at", "-pk")
        .values_list(
            "assignment_id",
            "module__position",
            "author__first_name",
            "author__last_name",
            "author__username",
            "text",
            "created_at",
        )[:LATEST]
    ]
    return {"returned": returned, "revision": revision, "replies": replies, "work": work}
