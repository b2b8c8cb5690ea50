"""Changes to coursework. Bad input raises ValidationError and changes nothing."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Classroom, User
from lessons.models import Lesson, Module, Question

from .models import Answer, Assignment, Post, Progress, Submission, SubmissionVersion, Visit
from .stamps import bump_work

# NUL and the other C0 controls (tabs and newlines stay) can't be stored by PostgreSQL or
# shown usefully anywhere, so written text loses them on the way in.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
POST_EDIT_WINDOW = timedelta(minutes=15)
TEXT_LIMIT = 50_000
POST_LIMIT = 5_000
State = Progress.State


def plain_text(value: str) -> str:
    """The text without control characters other than tab and line breaks."""
    return CONTROL_CHARACTERS.sub("", value)


def _check_dates(opens_at: datetime | None, due_at: datetime | None) -> None:
    if due_at is not None and due_at < timezone.now():
        raise ValidationError({"due_at": "The due date is in the past. Choose a later date."})
    if opens_at and due_at and due_at < opens_at:
        raise ValidationError({"due_at": "The due date is before the lesson opens."})


def assignment_create(
    *, classroom: Classroom, lesson: Lesson, teacher: User, opens_at=None, due_at=None
) -> Assignment:
    """Give a published lesson to a class; the same lesson can be active only once."""
    if lesson.status != Lesson.Status.PUBLISHED:
        raise ValidationError({"lesson": "Only published lessons can be assigned."})
    if classroom.archived:
        raise ValidationError("This class is archived. Restore it before assigning lessons.")
    _check_dates(opens_at, due_at)
    if Assignment.objects.active().filter(classroom=classroom, lesson=lesson).exists():
        raise ValidationError({"lesson": "This lesson is already assigned to this class."})
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                classroom=classroom,
                lesson=lesson,
                assigned_by=teacher,
                opens_at=opens_at,
                due_at=due_at,
            )
    except IntegrityError:
        raise ValidationError(
            {"lesson": "This lesson is already assigned to this class."}
        ) from None


def assignment_update_dates(*, assignment: Assignment, opens_at=None, due_at=None) -> None:
    if due_at != assignment.due_at:
        _check_dates(opens_at, due_at)
    elif opens_at and due_at and due_at < opens_at:
        raise ValidationError({"due_at": "The due date is before the lesson opens."})
    assignment.opens_at, assignment.due_at = opens_at, due_at
    assignment.save(update_fields=["opens_at", "due_at"])


def assignment_withdraw(*, assignment: Assignment) -> None:
    """Take the lesson back from the class; everything students did is kept."""
    assignment.withdrawn_at = timezone.now()
    assignment.save(update_fields=["withdrawn_at"])


def _progress(assignment, student, module, now: datetime) -> Progress:
    progress, _ = Progress.objects.get_or_create(
        assignment=assignment,
        student=student,
        module=module,
        defaults={"started_at": now, "last_activity_at": now},
    )
    return progress


def progress_set(*, assignment, student, module, complete: bool | None) -> Progress:
    """Record activity in a module: True completes it, False reopens it, None only touches it."""
    now = timezone.now()
    progress = _progress(assignment, student, module, now)
    progress.last_activity_at = now
    if complete and progress.state != State.COMPLETE:
        progress.state, progress.completed_at = State.COMPLETE, now
    elif complete is False and progress.state == State.COMPLETE:
        progress.state, progress.completed_at = State.IN_PROGRESS, None
    progress.save()
    return progress


# Reopening the module one is already on within this time records nothing new, so reading
# a page is not a write (which SQLite would queue behind every other writer).
ACTIVITY_RESOLUTION = timedelta(minutes=2)


def module_open(*, assignment: Assignment, student: User, module: Module) -> Progress | None:
    """A student opened a module: remember it for resuming and start (or finish) it."""
    now = timezone.now()
    visit = Visit.objects.filter(assignment=assignment, student=student).first()
    progress = Progress.objects.filter(
        assignment=assignment, student=student, module=module
    ).first()
    reading = module.kind == Module.Kind.BACKGROUND or (
        module.kind in {Module.Kind.DOCUMENT_STUDY, Module.Kind.CORROBORATION}
        and not module.questions.exists()
    )
    recent = (
        visit is not None
        and visit.module_id == module.pk
        and progress is not None
        and now - progress.last_activity_at < ACTIVITY_RESOLUTION
        and (progress.state == State.COMPLETE or not reading)
    )
    if recent:
        return progress
    if (
        visit is None
        or visit.module_id != module.pk
        or now - visit.visited_at >= ACTIVITY_RESOLUTION
    ):
        Visit.objects.update_or_create(
            assignment=assignment, student=student, defaults={"module": module, "visited_at": now}
        )
    return progress_set(
        assignment=assignment, student=student, module=module, complete=True if reading else None
    )


def _all_answered(assignment, student, module) -> bool:
    question_ids = set(module.questions.values_list("pk", flat=True))
    answered = set(
        Answer.objects.filter(assignment=assignment, student=student, question_id__in=question_ids)
        .exclude(text="")
        .values_list("question_id", flat=True)
    )
    return question_ids <= answered


def answer_save(*, assignment: Assignment, student: User, question: Question, text: str) -> Answer:
    """Save one answer; a module completes when every one of its questions has an answer."""
    text = plain_text(text).strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"An answer can be at most {TEXT_LIMIT:,} characters.")
    with transaction.atomic():
        answer, _ = Answer.objects.update_or_create(
            assignment=assignment, student=student, question=question, defaults={"text": text}
        )
        progress_set(
            assignment=assignment,
            student=student,
            module=question.module,
            complete=_all_answered(assignment, student, question.module),
        )
    return answer


def _clean_post_text(text: str) -> str:
    text = plain_text(text).strip()
    if not text:
        raise ValidationError("Write something before posting: an empty post can't be shared.")
    if len(text) > POST_LIMIT:
        raise ValidationError(f"A post can be at most {POST_LIMIT:,} characters.")
    return text


def has_posted(*, assignment: Assignment, student: User, module: Module) -> bool:
    return Post.objects.filter(
        assignment=assignment, module=module, author=student, parent__isnull=True
    ).exists()


def post_create(
    *, assignment: Assignment, author: User, module: Module, text: str, parent: Post | None = None
) -> Post:
    """A post, or a reply once the author has posted their own answer first."""
    text = _clean_post_text(text)
    if parent is not None:
        if parent.assignment_id != assignment.pk or parent.module_id != module.pk:
            raise ValidationError("That post is not in this discussion.")
        if author.is_student and not has_posted(
            assignment=assignment, student=author, module=module
        ):
            raise ValidationError("Post your own answer before replying to classmates.")
        parent = parent.parent or parent  # replies stay one level deep
    with transaction.atomic():
        post = Post.objects.create(
            assignment=assignment, module=module, author=author, text=text, parent=parent
        )
        if author.is_student:
            progress_set(assignment=assignment, student=author, module=module, complete=True)
    return post


def post_edit(*, post: Post, author: User, text: str) -> Post:
    """Change one's own post within 15 minutes of posting it."""
    if post.author_id != author.pk:
        raise ValidationError("You can only edit your own posts.")
    if timezone.now() - post.created_at > POST_EDIT_WINDOW:
        raise ValidationError(
            "Posts can be edited for 15 minutes after posting; this one is older."
        )
    post.text = _clean_post_text(text)
    post.edited_at = timezone.now()
    post.save(update_fields=["text", "edited_at"])
    return post


@dataclass
class StaleSave(Exception):
    """The page's copy is older than what is stored; nothing was overwritten."""

    submission: Submission
    sent_text: str


def submission_for(*, assignment: Assignment, student: User, module: Module) -> Submission:
    submission, _ = Submission.objects.get_or_create(
        assignment=assignment, student=student, module=module
    )
    return submission


def draft_save(
    *, assignment: Assignment, student: User, module: Module, text: str, revision: int
) -> Submission:
    """Save the draft if the page was loaded at the stored revision; else raise StaleSave."""
    text = plain_text(text)
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"A response can be at most {TEXT_LIMIT:,} characters.")
    submission_for(assignment=assignment, student=student, module=module)
    with transaction.atomic():
        # Compare-and-set in one UPDATE: two tabs can't both win with the same revision.
        now = timezone.now()
        updated = Submission.objects.filter(
            assignment=assignment,
            student=student,
            module=module,
            revision=revision,
            status__in=[Submission.Status.DRAFT, Submission.Status.REVISION],
        ).update(text=text, revision=revision + 1, saved_at=now)
        submission = Submission.objects.get(assignment=assignment, student=student, module=module)
        if not updated:
            if not submission.is_editable:
                raise ValidationError(
                    "This work has been handed in; unsubmit it first to change it."
                )
            raise StaleSave(submission=submission, sent_text=text)
        bump_work(assignment.pk, student.pk)  # the UPDATE above sends no signal
        progress_set(assignment=assignment, student=student, module=module, complete=None)
    return submission


def submission_submit(*, submission: Submission, revision: int) -> Submission:
    """Hand the work in; after the due date it is marked late, never refused."""
    if not submission.is_editable:
        raise ValidationError("This work is already handed in.")
    if submission.revision != revision:
        raise StaleSave(submission=submission, sent_text="")
    if not submission.text.strip():
        raise ValidationError("Write your response before submitting it.")
    now = timezone.now()
    due = submission.assignment.due_at
    with transaction.atomic():
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_at = now
        submission.late = bool(due and now > due)
        submission.save(update_fields=["status", "submitted_at", "late"])
        number = submission.versions.count() + 1
        SubmissionVersion.objects.create(
            submission=submission,
            number=number,
            text=submission.text,
            submitted_at=now,
            late=submission.late,
        )
        progress_set(
            assignment=submission.assignment,
            student=submission.student,
            module=submission.module,
            complete=True,
        )
    return submission


def submission_unsubmit(*, submission: Submission) -> Submission:
    """Take handed-in work back, as long as the teacher has not returned it."""
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(
            "Only handed-in work that the teacher has not returned can be taken back."
        )
    with transaction.atomic():
        # The withdrawn hand-in is not a version the teacher saw; the text stays as the draft.
        latest = submission.versions.order_by("-number").first()
        if latest is not None:
            latest.delete()
        earlier = submission.versions.exists()
        submission.status = Submission.Status.REVISION if earlier else Submission.Status.DRAFT
        submission.submitted_at = None
        submission.late = False
        submission.revision += 1
        submission.save(update_fields=["status", "submitted_at", "late", "revision"])
        progress_set(
            assignment=submission.assignment,
            student=submission.student,
            module=submission.module,
            complete=False,
        )
    return submission


def submission_request_revision(*, submission: Submission, comment: str = "") -> Submission:
    """Ask for a new version; the handed-in versions stay as they are."""
    if submission.status not in {Submission.Status.SUBMITTED, Submission.Status.RETURNED}:
        raise ValidationError("Only handed-in work can be sent back for revision.")
    with transaction.atomic():
        submission.status = Submission.Status.REVISION
        submission.revision_comment = plain_text(comment).strip()
        submission.revision += 1
        submission.save(update_fields=["status", "revision_comment", "revision"])
        progress_set(
            assignment=submission.assignment,
            student=submission.student,
            module=submission.module,
            complete=False,
        )
    return submission
