"""Coursework's part of a student's records and of what deleting them removes (see
accounts.data_export, which calls these for the admin's export and delete confirmation)."""

from accounts.data_export import when
from accounts.models import User

from .grades import CriterionScore, Grade
from .models import Answer, Post, Progress, Submission, SubmissionVersion, Visit


def _assignment(assignment) -> dict:
    return {
        "id": assignment.pk,
        "lesson": assignment.lesson.title,
        "class": assignment.classroom.name,
    }


def coursework_records(student: User) -> dict:
    """Progress, answers, posts, written work with each handed-in version, and grades with
    their criterion scores."""
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
        "progress": [
            {
                "assignment": _assignment(p.assignment),
                "module": p.module.title,
                "module_position": p.module.position,
                "state": p.state,
                "started_at": when(p.started_at),
                "completed_at": when(p.completed_at),
                "last_activity_at": when(p.last_activity_at),
            }
            for p in progress
        ],
        "answers": [
            {
                "assignment": _assignment(a.assignment),
                "module": a.question.module.title,
                "question": a.question.text,
                "text": a.text,
                "updated_at": when(a.updated_at),
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
                "created_at": when(p.created_at),
                "edited_at": when(p.edited_at),
                "hidden_at": when(p.hidden_at),
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
                "saved_at": when(s.saved_at),
                "submitted_at": when(s.submitted_at),
                "late": s.late,
                "returned_at": when(s.returned_at),
                "revision_comment": s.revision_comment,
                "versions": [
                    {
                        "number": v.number,
                        "text": v.text,
                        "submitted_at": when(v.submitted_at),
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
                "returned_at": when(g.returned_at),
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


def coursework_deletion_counts(person: User) -> dict[str, int]:
    """Counts of the coursework rows that go with `person`. Replies by classmates to the
    person's posts go too (a reply can't outlive its post), so they are counted on their own
    line."""
    own_posts = Post.objects.filter(author=person)
    return {
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
