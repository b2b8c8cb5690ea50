"""Grade passback: a returned grade's score, maximum and comment posted to the LMS's grade
column (LTI Assignment and Grade Services), as a background job with retries.

Returning work (or regrading returned work) in an assignment that an LMS link opens, for a
student the LMS knows on that link's platform, queues one ScorePassback per grade column:
the row holds what will be sent, and a job sends it. A regrade rewrites the same row and
queues it again. The job records what happened on the row, where the gradebook shows it:

- sent;
- retrying, when the LMS is down or overloaded (5xx, 429) or not reached: the job is queued
  again after a growing delay, up to MAX_ATTEMPTS tries in all, then failed;
- failed, with the LMS's reason, at once when it refuses the score (any other 4xx).

django-lti has no grade passback of its own, so pylti1p3's AssignmentsGradesService is
called directly.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade as AgsGrade
from pylti1p3.lineitem import LineItem

from coursework.grades import Grade
from coursework.models import Submission
from coursework.stamps import bump_work

from .advantage import ServiceError, connector_for, service_error
from .models import Placement, ScorePassback

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MAX_ATTEMPTS = 6
# The wait before each retry: the second try a minute after the first, the last hours later.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
]
State = ScorePassback.State


# Whether a class has any passback, kept in the shared cache so that the gradebook of a class
# with no LMS grade column reads nothing more. Set whenever a passback is queued; a "no" is
# asked again after a while, in case a process's own cache missed the change.
_HAS_PASSBACKS = "lms:class-has-passbacks:{}"
NO_PASSBACKS_SECONDS = 600


def classes_with_passbacks_known(classroom_ids) -> bool | None:
    """False when none of the classes has a passback, as far as the cache knows; None
    when that is not known."""
    flags = cache.get_many([_HAS_PASSBACKS.format(pk) for pk in classroom_ids])
    if len(flags) == len(classroom_ids) and not any(flags.values()):
        return False
    return None


def classes_with_passbacks_note(classroom_ids, *, has: bool) -> None:
    """Remember that the classes have passbacks, or have none. A "none", read before a
    passback was queued, never overwrites the "yes" that queueing it wrote."""
    for pk in classroom_ids:
        if has:
            cache.set(_HAS_PASSBACKS.format(pk), True, None)
        else:
            cache.add(_HAS_PASSBACKS.format(pk), False, NO_PASSBACKS_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _returned_grade(submission: Submission) -> Grade | None:
    return (
        Grade.objects.filter(version__submission=submission, returned_at__isnull=False)
        .select_related("rubric")
        .order_by("-version__number")
        .first()
    )


def passback_queue(*, submission_id: int) -> list[ScorePassback]:
    """Queue the submission's returned grade for every LMS grade column its assignment
    feeds and its student is known to; the rows queued."""
    submission = (
        Submission.objects.filter(pk=submission_id, status=Submission.Status.RETURNED)
        .select_related("assignment")
        .first()
    )
    if submission is None:
        return []
    # Only through platforms and deployments an administrator has left switched on.
    placements = list(
        Placement.objects.filter(
            assignment_id=submission.assignment_id,
            line_item__isnull=False,
            line_item__context__deployment__is_active=True,
            line_item__context__deployment__registration__is_active=True,
        ).select_related("line_item__context__deployment")
    )
    if not placements:
        return []
    grade = _returned_grade(submission)
    if grade is None:
        return []
    score, maximum = grade.points, grade.rubric.max_points
    with transaction.atomic():
        queued = _queue_rows(submission, grade, placements, score, maximum)
        if queued:
            # The gradebook's copy in the teacher's browser is stale from now on.
            bump_work(submission.assignment_id, submission.student_id)
    if queued:
        classes_with_passbacks_note([submission.assignment.classroom_id], has=True)
    for passback in queued:
        _enqueue(passback.pk)
    return queued


def _queue_rows(submission, grade, placements, score, maximum) -> list[ScorePassback]:
    queued = []
    for placement in placements:
        line_item = placement.line_item
        lti_user = (
            LtiUser.objects.filter(
                registration_id=line_item.context.deployment.registration_id,
                auth_user_id=submission.student_id,
            )
            .order_by("pk")
            .first()
        )
        if lti_user is None:
            continue
        passback, _ = ScorePassback.objects.update_or_create(
            submission=submission,
            line_item=line_item,
            defaults={
                "lti_user": lti_user,
                "state": State.QUEUED,
                "score": score,
                "maximum": maximum,
                "comment": grade.comment,
                "attempts": 0,
                "last_error": "",
            },
        )
        queued.append(passback)
    return queued


def _enqueue(passback_id: int, *, delay: timedelta | None = None) -> None:
    """Queue the job once the row is committed. The delay is kept only where the backend can
    run a job later; the immediate backend (tests, development) runs it at once."""
    from .tasks import passback_send_job  # the task module imports this one

    job = passback_send_job
    if delay is not None and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + delay)
    transaction.on_commit(lambda: job.enqueue(passback_id))


def _post(passback: ScorePassback) -> None:
    line_item = passback.line_item
    service = AssignmentsGradesService(
        connector_for(line_item.context.deployment.registration),
        {"scope": [SCORE_SCOPE], "lineitem": line_item.url},
    )
    returned_at = passback.submission.returned_at or passback.updated_at
    grade = (
        AgsGrade()
        .set_score_given(passback.score)
        .set_score_maximum(passback.maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(returned_at.isoformat(timespec="milliseconds"))
        .set_user_id(passback.lti_user.sub)
    )
    if passback.comment:
        grade.set_comment(passback.comment)
    service.put_grade(grade, LineItem({"id": line_item.url}))


def passback_send(*, passback_id: int) -> str:
    """The job: post one row's score to its grade column and record how it went."""
    passback = (
        ScorePassback.objects.filter(pk=passback_id)
        .select_related("submission", "lti_user", "line_item__context__deployment__registration")
        .first()
    )
    if passback is None:
        return "gone"
    if passback.state not in (State.QUEUED, State.RETRYING):
        return f"already {passback.state}"  # a job queued before a later one sent it
    # Each change of the row (a regrade) moves updated_at: a result is recorded only on the
    # row as it was sent, and the regrade's own job sends the new score.
    as_sent = ScorePassback.objects.filter(pk=passback.pk, updated_at=passback.updated_at)
    try:
        _post(passback)
    except Exception as raised:  # every failure is recorded on the row
        error = service_error(raised)
    else:
        _record(
            passback,
            as_sent,
            state=State.SENT,
            attempts=passback.attempts + 1,
            last_error="",
            sent_at=timezone.now(),
        )
        return "sent"
    return _record_failure(passback, as_sent, error)


def _record(passback: ScorePassback, as_sent, **fields) -> bool:
    """Write how a send went on the row as it was sent, if it still is; the gradebook shows
    it, so its ETag moves with it."""
    with transaction.atomic():
        changed = as_sent.update(**fields, updated_at=timezone.now())
        if changed:
            bump_work(passback.submission.assignment_id, passback.submission.student_id)
    return bool(changed)


def _record_failure(passback: ScorePassback, as_sent, error: ServiceError) -> str:
    attempts = passback.attempts + 1
    retry = error.temporary and attempts < MAX_ATTEMPTS
    reason = error.reason
    if error.temporary and not retry:
        reason = f"{reason} (gave up after {attempts} tries)"
    changed = _record(
        passback,
        as_sent,
        state=State.RETRYING if retry else State.FAILED,
        attempts=attempts,
        last_error=reason[:1000],
    )
    if retry and changed:
        _enqueue(passback.pk, delay=retry_delay(attempts))
    return "retrying" if retry else "failed"
