"""Grading written work against its rubric, returning it, regrading it, and asking for
revisions.

Every write names the version its page showed and runs on locked rows: the submission, then
the version, then its grade. A student taking work back locks the same submission row, so
a save and an unsubmit never interleave, and a save for a version that is gone, superseded
or already returned changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from lessons.models import Level, Rubric
from notifications import services as notices

from .grades import CriterionScore, Grade, GradeRecord
from .models import Submission, SubmissionVersion
from .selectors import QueuePlace, RubricTable, grading_rank_of, rubric_table_for
from .services import plain_text, submission_request_revision
from .signals import grade_returned
from .stamps import bump_work


@dataclass
class StaleGrade(Exception):
    """Someone saved this grade after the page was loaded; nothing was overwritten."""

    grade: Grade


class GradeNotCurrent(Exception):
    """The page graded a version that is no longer the one to grade; nothing was saved."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def latest_version(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


# Every status but the draft's: work a teacher grades, has graded, or sent back.
HANDED_IN = [status for status in Submission.Status.values if status != Submission.Status.DRAFT]

# The grading queue's rows, as grading_order reads them for one assignment's written module:
# one row per version, the latest last, with its grade's rubric and how many of its scores
# have a level chosen (counting the level column counts those). Put together once, as
# Prefetch querysets are, since joining its relations cost more than running it.
_QUEUE_ROWS = (
    Submission.objects.filter(status__in=HANDED_IN)
    .order_by("submitted_at", "pk", "versions__number")
    .values_list("pk", "status", "versions__grade__rubric")
    .annotate(levels=Count("versions__grade__scores__level"))
)


def grading_order(
    *, assignment_id: int, module_id: int, rubrics: dict[int, RubricTable] | None = None
) -> list[tuple[int, str]]:
    """(pk, status) of the module's handed-in work in the grading queue's order: ungraded
    first, then graded not returned, returned, revisions; by hand-in time within each.
    `rubrics` are rubric tables the caller has read already.

    One row per version, the latest last, with its grade's rubric and how many criteria have
    a level chosen: a grade is complete when every criterion of its rubric has one (a grade
    holds one score per criterion, each of its rubric, as grade_save checks)."""
    # The latest version's row is the last of its submission's, and stays.
    latest = {
        row[0]: row for row in _QUEUE_ROWS.filter(assignment_id=assignment_id, module_id=module_id)
    }.values()
    rubrics = rubrics or {}
    criteria = {
        rubric_id: len((rubrics.get(rubric_id) or rubric_table_for(rubric_id=rubric_id)).criteria)
        for rubric_id in {row[2] for row in latest if row[2] is not None}
    }
    ranks = {
        (status, graded): grading_rank_of(status=status, graded=graded)
        for status in Submission.Status.values
        for graded in (False, True)
    }
    order = sorted(
        latest,
        key=lambda row: ranks[row[1], row[2] is not None and row[3] >= criteria[row[2]]],
    )
    return [(pk, status) for pk, status, _rubric_id, _levels in order]


def grading_place(*, submission: Submission, rubric: RubricTable | None = None) -> QueuePlace:
    """The submission's neighbours and position in its grading queue; `rubric` is its grade's
    rubric table when the caller has read it already."""
    order = [
        pk
        for pk, _status in grading_order(
            assignment_id=submission.assignment_id,
            module_id=submission.module_id,
            rubrics={rubric.pk: rubric} if rubric else None,
        )
    ]
    index = order.index(submission.pk) if submission.pk in order else None
    return QueuePlace(
        previous_pk=order[index - 1] if index else None,
        next_pk=order[index + 1] if index is not None and index + 1 < len(order) else None,
        position=(index or 0) + 1,
        length=len(order),
    )


def grade_open(*, submission: Submission, version: SubmissionVersion) -> tuple[Grade, bool]:
    """The version's grade, and whether it was made now: empty, with the rubric it will be
    graded by, the first time a teacher opens the work. For a version that had no grade a
    moment ago, so it does not look first; made by bulk_create, which sends no signal, so
    the student's work stamp is bumped here, as the stamps' receivers would."""
    grade = Grade(version=version, rubric_id=submission.module.rubric_id)
    try:
        with transaction.atomic():
            Grade.objects.bulk_create([grade])
            bump_work(submission.assignment_id, submission.student_id)
    except IntegrityError:  # another teacher opened it at the same moment
        return Grade.objects.get(version=version), False
    return grade, True


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


def _check_scores(rubric: Rubric, scores: list[ScoreInput]) -> dict[int, Level | None]:
    criteria = {c.pk: c for c in rubric.criteria.prefetch_related("levels")}
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


def _check_override(rubric: Rubric, override_points: int | None, override_reason: str) -> None:
    if override_points is None:
        return
    maximum = rubric.max_points
    if override_points < 0 or override_points > maximum:
        raise ValidationError(f"The total must be between 0 and {maximum} points.")
    if not override_reason.strip():
        raise ValidationError("Give a reason when you change the total by hand.")


def _lock_grade(*, submission: Submission, version_id: int, regrade: bool) -> Grade:
    """The version's grade, locked with its submission and version, if that version may
    still be graded this way; otherwise GradeNotCurrent. Call inside a transaction."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    version = (
        SubmissionVersion.objects.select_for_update()
        .filter(pk=version_id, submission=locked)
        .first()
    )
    if version is None:
        raise GradeNotCurrent(
            "The student took this version back, so it is no longer there to grade."
        )
    newest = locked.versions.order_by("-number").values_list("pk", flat=True).first()
    if newest != version.pk:
        raise GradeNotCurrent(
            "The student has handed in a newer version since you opened this page."
        )
    grade = Grade.objects.select_for_update().filter(version=version).first()
    if grade is None:
        grade = Grade.objects.create(version=version, rubric=submission.module.rubric)
    if regrade:
        if grade.returned_at is None or locked.status != Submission.Status.RETURNED:
            raise GradeNotCurrent("This grade is not returned, so there is nothing to regrade.")
    elif grade.returned_at is not None or locked.status != Submission.Status.SUBMITTED:
        raise GradeNotCurrent(
            "This work was returned or sent back since you opened this page. "
            "To change a returned grade, use Regrade."
        )
    return grade


def _record(grade: Grade, replaced_by: User, now) -> GradeRecord:
    """Keep the grade the student saw before a regrade replaces it."""
    scores = grade.scores.select_related("criterion", "level")
    return GradeRecord.objects.create(
        grade=grade,
        points=grade.points,
        max_points=grade.rubric.max_points,
        override_reason=grade.override_reason if grade.override_points is not None else "",
        comment=grade.comment,
        scores=[
            {
                "criterion": s.criterion.title,
                "level": s.level.title if s.level else "",
                "points": s.points,
                "comment": s.comment,
            }
            for s in scores
        ],
        graded_by=grade.grader,
        returned_at=grade.returned_at,
        replaced_by=replaced_by,
        replaced_at=now,
    )


def grade_save(
    *,
    submission: Submission,
    version_id: int,
    grader: User,
    revision: int,
    scores: list[ScoreInput],
    comment: str | None = None,
    override_points: int | None = None,
    override_reason: str = "",
    partial: bool = False,
    regrade: bool = False,
) -> Grade:
    """Save levels and comments for the named version; refused whole for a bad level or
    points (ValidationError), a page older than the last save (StaleGrade), or a version
    that is gone, superseded or returned (GradeNotCurrent).

    `partial` saves only the criteria given (one radio choice at a time) and keeps the rest.
    `regrade` changes a returned grade: the grade the student saw is kept in its history,
    the new one must be complete, and it is shown to the student at once.
    """
    rubric = submission.module.rubric
    chosen = _check_scores(rubric, scores)
    _check_override(rubric, override_points, override_reason)
    with transaction.atomic():
        grade = _lock_grade(submission=submission, version_id=version_id, regrade=regrade)
        if grade.revision != revision:
            raise StaleGrade(grade=grade)
        now = timezone.now()
        if regrade:
            _record(grade, grader, now)
        comments = {s.criterion_id: plain_text(s.comment).strip() for s in scores}
        for criterion_id, level in chosen.items():
            points = level.points if level else None
            # A single radio choice saves its level and leaves the comment as it was.
            defaults = {"level": level, "points": points}
            if not partial:
                defaults["comment"] = comments[criterion_id]
            CriterionScore.objects.update_or_create(
                grade=grade, criterion_id=criterion_id, defaults=defaults
            )
        grade.revision += 1
        grade.grader = grader
        fields = ["revision", "grader", "updated_at"]
        if not partial:
            grade.comment = plain_text(comment or "").strip()
            grade.override_points = override_points
            grade.override_reason = (
                plain_text(override_reason).strip() if override_points is not None else ""
            )
            fields += ["comment", "override_points", "override_reason"]
        if regrade:
            if not grade.is_complete:
                raise ValidationError("Choose a level for every criterion before regrading.")
            grade.returned_at = now
            fields.append("returned_at")
            Submission.objects.filter(pk=submission.pk).update(returned_at=now)
            _announce_returned(submission.pk)
        # save() rather than update(), so the student's remembered pages are renewed.
        grade.save(update_fields=fields)
    grade.refresh_from_db()
    return grade


def _announce_returned(submission_id: int) -> None:
    """Tell other apps (the LMS's grade passback) once the returned grade is committed."""
    transaction.on_commit(
        lambda: grade_returned.send(sender=Submission, submission_id=submission_id)
    )


def grade_return(*, submission: Submission, version_id: int | None = None) -> None:
    """Show the grade to the student: its scores, comments and points. With `version_id`,
    only if that version is still the one handed in."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != Submission.Status.SUBMITTED:
            raise ValidationError("Only handed-in work that is not yet returned can be returned.")
        version = locked.versions.order_by("-number").first()
        if version_id is not None and (version is None or version.pk != version_id):
            raise GradeNotCurrent(
                "The student took this version back or handed in another since you opened "
                "this page."
            )
        grade = Grade.objects.select_for_update().filter(version=version).first()
        if grade is None or not grade.is_complete:
            raise ValidationError("Choose a level for every criterion before returning the work.")
        now = timezone.now()
        grade.returned_at = now
        grade.save(update_fields=["returned_at"])
        locked.status = Submission.Status.RETURNED
        locked.returned_at = now
        locked.save(update_fields=["status", "returned_at"])
        notices.work_returned(locked)
        _announce_returned(locked.pk)
    submission.status, submission.returned_at = locked.status, locked.returned_at


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
