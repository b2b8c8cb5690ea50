"""What the home pages list as next to do: for a teacher, work to grade, what falls due,
where to look for late and stuck students and posts awaiting a reply; for a student, work
returned or sent back, what falls due and new replies to their posts. Each list is read in
a fixed number of queries, whatever the number of classes or students."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from accounts.models import User

from .access import assignments_for_student, assignments_for_teacher
from .freshness import DUE_SOON
from .grades import Grade
from .models import Post, Progress, Submission
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
    `due_soon`: due in the next 7 days; `overdue`: past due (their dashboards' Late filter);
    `open`: every open assignment (their Stuck filter); `awaiting`: the newest students'
    posts without a teacher's reply."""
    now = timezone.now()
    assignments = [
        TeacherAssignment(*row)
        for row in assignments_for_teacher(teacher)
        .filter(classroom__archived=False)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .annotate(
            waiting=Count(
                "submissions",
                filter=Q(submissions__status=Submission.Status.SUBMITTED),
            )
        )
        .order_by("due_at", "pk")
        .values_list("pk", "lesson__title", "classroom__name", "due_at", "waiting")
    ]
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
        "due_soon": [a for a in assignments if a.due_at and now <= a.due_at < now + SOON],
        "overdue": [a for a in assignments if a.due_at and a.due_at < now],
        "open": assignments,
        "awaiting": awaiting,
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


def student_next(student: User) -> dict:
    """`returned`: work returned with its grade (points of the latest returned version);
    `revision`: work sent back, with the teacher's comment; `replies`: replies by others to
    the student's posts made since the student last opened that discussion, newest first;
    `work`: each assignment's written-work status by assignment pk."""
    mine = assignments_for_student(student)
    handed = list(
        Submission.objects.filter(
            student=student,
            assignment__in=mine,
            status__in=[Submission.Status.RETURNED, Submission.Status.REVISION],
        )
        .order_by("-returned_at", "-pk")
        .values_list(
            "pk",
            "assignment_id",
            "module__position",
            "assignment__lesson__title",
            "status",
            "revision_comment",
        )
    )
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
    last_opened = Progress.objects.filter(
        student=student, assignment=OuterRef("assignment"), module=OuterRef("module")
    ).values("last_activity_at")[:1]
    replies = [
        Reply(pk, position, title, _name(first, last, username), text, at)
        for pk, position, title, first, last, username, text, at in Post.objects.filter(
            assignment__in=mine,
            parent__author=student,
            parent__hidden_at__isnull=True,
            hidden_at__isnull=True,
        )
        .exclude(author=student)
        .annotate(opened=Subquery(last_opened))
        .filter(Q(opened__isnull=True) | Q(created_at__gt=F("opened")))
        .order_by("-created_at", "-pk")
        .values_list(
            "assignment_id",
            "module__position",
            "assignment__lesson__title",
            "author__first_name",
            "author__last_name",
            "author__username",
            "text",
            "created_at",
        )[:LATEST]
    ]
    return {"returned": returned, "revision": revision, "replies": replies, "work": work}
