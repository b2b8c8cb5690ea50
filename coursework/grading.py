"""Grading written work against its rubric, returning it, and asking for revisions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from lessons.models import Level

from .grades import CriterionScore, Grade
from .models import Submission, SubmissionVersion
from .services import plain_text, submission_request_revision


@dataclass
class StaleGrade(Exception):
    """Another teacher saved this grade after the page was loaded; nothing was overwritten."""

    grade: Grade


def latest_version(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def grade_for(*, submission: Submission) -> Grade | None:
    """The grade of the latest handed-in version, created empty when first needed."""
    version = latest_version(submission)
    if version is None:
        return None
    grade, _ = Grade.objects.get_or_create(
        version=version, defaults={"rubric": submission.module.rubric}
    )
    return grade


@dataclass(frozen=True)
class ScoreInput:
    criterion_id: int
    level_id: int | None
    comment: str = ""


def _check_scores(grade: Grade, scores: list[ScoreInput]) -> dict[int, Level | None]:
    criteria = {c.pk: c for c in grade.rubric.criteria.prefetch_related("levels")}
    chosen: dict[int, Level | None] = {}
    for score in scores:
        criterion = criteria.get(score.criterion_id)
        if criterion is None:
            raise ValidationError("A score was for a criterion that is not in this rubric.")
        if score.level_id is None:
            chosen[criterion.pk] = None
            continue
        level = next((lv for lv in criterion.levels.all() if lv.pk == score.level_id), None)
        if level is None:
            raise ValidationError(
                f"That level is not one of the rubric's levels for “{criterion.title}”."
            )
        chosen[criterion.pk] = level
    return chosen


def grade_save(
    *,
    grade: Grade,
    grader: User,
    revision: int,
    scores: list[ScoreInput],
    comment: str | None = None,
    override_points: int | None = None,
    override_reason: str = "",
    partial: bool = False,
) -> Grade:
    """Save levels and comments; refused whole for a bad level, points or a stale page.

    `partial` saves only the criteria given (one radio choice at a time) and keeps the rest.
    """
    chosen = _check_scores(grade, scores)
    if override_points is not None:
        maximum = grade.rubric.max_points
        if override_points < 0 or override_points > maximum:
            raise ValidationError(f"The total must be between 0 and {maximum} points.")
        if not override_reason.strip():
            raise ValidationError("Give a reason when you change the total by hand.")
    with transaction.atomic():
        # Compare-and-set: a save from a page older than another teacher's save changes
        # nothing. The same teacher's own quick saves (a level, then "Save grade") may
        # overtake each other, so the last saver's own page is never stale to itself.
        updated = (
            Grade.objects.filter(pk=grade.pk)
            .filter(Q(revision=revision) | Q(grader=grader))
            .update(revision=F("revision") + 1, grader=grader, updated_at=timezone.now())
        )
        if not updated:
            grade.refresh_from_db()
            raise StaleGrade(grade=grade)
        comments = {s.criterion_id: plain_text(s.comment).strip() for s in scores}
        for criterion_id, level in chosen.items():
            # A single radio choice saves its level and leaves the comment as it was.
            defaults = (
                {"level": level} if partial else {"level": level, "comment": comments[criterion_id]}
            )
            CriterionScore.objects.update_or_create(
                grade=grade, criterion_id=criterion_id, defaults=defaults
            )
        if not partial:
            grade.comment = plain_text(comment or "").strip()
            grade.override_points = override_points
            grade.override_reason = (
                plain_text(override_reason).strip() if override_points is not None else ""
            )
            grade.save(update_fields=["comment", "override_points", "override_reason"])
    grade.refresh_from_db()
    return grade


def grade_return(*, submission: Submission) -> None:
    """Show the grade to the student: its scores, comments and points."""
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError("Only handed-in work that is not yet returned can be returned.")
    grade = grade_for(submission=submission)
    if grade is None or not grade.is_complete:
        raise ValidationError("Choose a level for every criterion before returning the work.")
    now = timezone.now()
    with transaction.atomic():
        grade.returned_at = now
        grade.save(update_fields=["returned_at"])
        submission.status = Submission.Status.RETURNED
        submission.returned_at = now
        submission.save(update_fields=["status", "returned_at"])


def grade_return_all(*, submissions: list[Submission]) -> int:
    """Return every handed-in submission whose grade is complete; the count returned."""
    returned = 0
    for submission in submissions:
        try:
            grade_return(submission=submission)
        except ValidationError:
            continue
        returned += 1
    return returned


def revision_request(*, submission: Submission, comment: str) -> Submission:
    if not comment.strip():
        raise ValidationError("Say what to revise: the comment is what the student will read.")
    return submission_request_revision(submission=submission, comment=comment)
