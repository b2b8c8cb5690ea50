"""One student's records: everything kept about them, as JSON, and what deleting them removes.

Used by the admin's "Export records" and by its delete confirmation for students. The reads
run in a fixed number of queries however much work the student has done.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from coursework.grades import CriterionScore, Grade
from coursework.models import Answer, Post, Progress, Submission, SubmissionVersion, Visit

from .models import Classroom, Enrollment, User

FORMAT = "historyclass.student-records/1"


def _when(value):
    return value.isoformat() if value is not None else None


def _assignment(assignment) -> dict:
    return {
        "id": assignment.pk,
        "lesson": assignment.lesson.title,
        "class": assignment.classroom.name,
    }


def student_records(student: User) -> dict:
    """Every record of one person's own: account, enrollments, progress, answers, posts,
    written work with each handed-in version, and grades with their criterion scores."""
    enrollments = Enrollment.objects.filter(student=student).select_related("classroom")
    progress = Progress.objects.filter(student=student).select_related(
        "assignment__lesson", "assignment__classroom", "module"
    )
    answers = Answer.objects.filter(student=student).select_related(
        "assignment__lesson", "assignment__classroom", "question__module"
    )
    posts = Post.objects.filter(author=student).select_related(
        "assignment__lesson", "assignment__classroom", "module"
    )
    submissions = (
        Submission.objects.filter(student=student)
        .select_related("assignment__lesson", "assignment__classroom", "module")
        .prefetch_related("versions")
    )
    grades = (
        Grade.objects.filter(version__submission__student=student)
        .select_related("version__submission__assignment__lesson", "rubric")
        .prefetch_related("scores__criterion", "scores__level")
        .order_by("version__submission_id", "version__number")
    )
    return {
        "format": FORMAT,
        "exported_at": _when(timezone.now()),
        "user": {
            "id": student.pk,
            "username": student.username,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "email": student.email,
            "role": student.role,
            "is_active": student.is_active,
            "date_joined": _when(student.date_joined),
            "last_login": _when(student.last_login),
        },
        "enrollments": [
            {
                "class_id": e.classroom_id,
                "class": e.classroom.name,
                "joined_at": _when(e.joined_at),
                "removed_at": _when(e.removed_at),
            }
            for e in enrollments
        ],
        "progress": [
            {
                "assignment": _assignment(p.assignment),
                "module": p.module.title,
                "module_position": p.module.position,
                "state": p.state,
                "started_at": _when(p.started_at),
                "completed_at": _when(p.completed_at),
                "last_activity_at": _when(p.last_activity_at),
            }
            for p in progress
        ],
        "answers": [
            {
                "assignment": _assignment(a.assignment),
                "module": a.question.module.title,
                "question": a.question.text,
                "text": a.text,
                "updated_at": _when(a.updated_at),
            }
            for a in answers
        ],
        "posts": [
            {
                "id": p.pk,
                "assignment": _assignment(p.assignment),
                "module": p.module.title,
                "reply_to": p.parent_id,
                "text": p.text,
                "created_at": _when(p.created_at),
                "edited_at": _when(p.edited_at),
                "hidden_at": _when(p.hidden_at),
                "hidden_reason": p.hidden_reason,
                "pinned": p.pinned,
            }
            for p in posts
        ],
        "submissions": [
            {
                "id": s.pk,
                "assignment": _assignment(s.assignment),
                "module": s.module.title,
                "status": s.status,
                "draft_text": s.text,
                "saved_at": _when(s.saved_at),
                "submitted_at": _when(s.submitted_at),
                "late": s.late,
                "returned_at": _when(s.returned_at),
                "revision_comment": s.revision_comment,
                "versions": [
                    {
                        "number": v.number,
                        "text": v.text,
                        "submitted_at": _when(v.submitted_at),
                        "late": v.late,
                    }
                    for v in s.versions.all()
                ],
            }
            for s in submissions
        ],
        "grades": [
            {
                "submission": g.version.submission_id,
                "version": g.version.number,
                "lesson": g.version.submission.assignment.lesson.title,
                "rubric": g.rubric.title,
                "points": g.points,
                "override_points": g.override_points,
                "override_reason": g.override_reason,
                "comment": g.comment,
                "returned_at": _when(g.returned_at),
                "scores": [
                    {
                        "criterion": s.criterion.title,
                        "level": s.level.title if s.level else None,
                        "points": s.level.points if s.level else None,
                        "comment": s.comment,
                    }
                    for s in g.scores.all()
                ],
            }
            for g in grades
        ],
    }


@dataclass
class DeletionSummary:
    """What deleting one person removes, kind by kind, and the classes it touches."""

    counts: dict[str, int] = field(default_factory=dict)
    classes: list[Classroom] = field(default_factory=list)
    teaching: list[Classroom] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def deletion_summary(person: User) -> DeletionSummary:
    """Counts of the rows that go with `person`. Replies by classmates to the person's posts
    go too (a reply can't outlive its post), so they are counted on their own line."""
    own_posts = Post.objects.filter(author=person)
    counts = {
        "class enrollments": Enrollment.objects.filter(student=person).count(),
        "progress records": Progress.objects.filter(student=person).count(),
        "places to resume": Visit.objects.filter(student=person).count(),
        "answers": Answer.objects.filter(student=person).count(),
        "discussion posts": own_posts.count(),
        "replies by others to those posts": Post.objects.filter(parent__in=own_posts)
        .exclude(author=person)
        .count(),
        "written-work submissions": Submission.objects.filter(student=person).count(),
        "handed-in versions": SubmissionVersion.objects.filter(submission__student=person).count(),
        "grades": Grade.objects.filter(version__submission__student=person).count(),
        "rubric scores": CriterionScore.objects.filter(
            grade__version__submission__student=person
        ).count(),
    }
    classes = list(
        Classroom.objects.filter(Q(enrollments__student=person)).distinct().order_by("name")
    )
    teaching = list(person.teaching.order_by("name"))
    return DeletionSummary(counts=counts, classes=classes, teaching=teaching)
