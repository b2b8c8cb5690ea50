"""Changes to coursework. Bad input raises ValidationError and changes nothing."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Classroom, User
from lessons.models import Lesson, Module, Question
from notifications import services as notices

from .dates import dates_for
from .grades import Grade
from .models import (
    Answer,
    Assignment,
    Post,
    Progress,
    Submission,
    SubmissionVersion,
    Visit,
    WorkStamp,
)
from .stamps import bump_work

# NUL and the other C0 controls (tabs and newlines stay) can't be stored by PostgreSQL or
# shown usefully anywhere, so written text loses them on the way in.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
POST_EDIT_WINDOW = timedelta(minutes=15)
TEXT_LIMIT = 50_000
POST_LIMIT = 5_000
State = Progress.State
# Modules whose guiding questions students answer in writing; a discussion's question is its
# prompt, answered by posting.
ANSWERED_KINDS = frozenset(
    {Module.Kind.BACKGROUND, Module.Kind.DOCUMENT_STUDY, Module.Kind.CORROBORATION}
)


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


class ModuleProgress(NamedTuple):
    state: str
    last_activity_at: datetime


@dataclass
class PlaceInLesson:
    """What a student's module page shows of their work's state: their work stamp (None
    before any work) and their progress by module id, the stamp read (or written) first:
    whatever changes the progress also changes the stamp, so the stamp is never newer."""

    work_stamp: int | None
    progress: dict[int, ModuleProgress]


def place_in_lesson(
    *, assignment: Assignment, student: User, recorded_stamp: int | None = None
) -> PlaceInLesson:
    """The student's place in the assignment; `recorded_stamp` is the work stamp the caller
    has just written (module_visit), else it is read."""
    keys = {"assignment_id": assignment.pk, "student_id": student.pk}
    stamp = recorded_stamp
    if stamp is None:
        stamp = next(iter(WorkStamp.objects.filter(**keys).values_list("stamp", flat=True)), None)
    rows = Progress.objects.filter(**keys).values_list("module_id", "state", "last_activity_at")
    return PlaceInLesson(stamp, {module_id: ModuleProgress(*row) for module_id, *row in rows})


def last_visit(*, assignment: Assignment, student: User) -> tuple[int, datetime] | None:
    """The module the student was last at in the assignment, and when; None before any."""
    visits = Visit.objects.filter(assignment_id=assignment.pk, student_id=student.pk)
    return next(iter(visits.values_list("module_id", "visited_at")), None)


_UNREAD = object()


def module_visit(
    *,
    assignment: Assignment,
    student: User,
    module: Module,
    has_questions: bool | None = None,
    visit=_UNREAD,
) -> int | None:
    """A student opened a module: remember it for resuming and start (or finish) it. Gives
    the student's new work stamp, or None when nothing was recorded: reopening the module one
    is at within ACTIVITY_RESOLUTION of getting there.

    `visit` is last_visit's answer and `has_questions` whether the module has guiding
    questions, when the caller has them at hand; else they are looked up."""
    if visit is _UNREAD:
        visit = last_visit(assignment=assignment, student=student)
    now = timezone.now()
    if visit is not None and visit[0] == module.pk and now - visit[1] < ACTIVITY_RESOLUTION:
        return None
    if has_questions is None:
        has_questions = module.questions.exists()
    # A module with guiding questions completes when they are answered; without, on opening.
    reading = module.kind in ANSWERED_KINDS and not has_questions
    keys = {"assignment": assignment, "student": student, "module": module}
    # Just the fields that move, so a concurrent completion is never overwritten.
    changes = {"last_activity_at": now}
    if reading:
        changes.update(state=State.COMPLETE, completed_at=Coalesce("completed_at", Value(now)))
    with transaction.atomic():
        # One upsert whether or not the student was here before; it sends no signal.
        Visit.objects.bulk_create(
            [Visit(**keys, visited_at=now)],
            update_conflicts=True,
            unique_fields=["assignment", "student"],
            update_fields=["module", "visited_at"],
        )
        if not Progress.objects.filter(**keys).update(**changes):
            # The first opening makes the row, unless another tab's first opening just did.
            first = Progress(**keys, started_at=now, last_activity_at=now)
            if reading:
                first.state, first.completed_at = State.COMPLETE, now
            try:
                with transaction.atomic():
                    Progress.objects.bulk_create([first])
            except IntegrityError:
                Progress.objects.filter(**keys).update(**changes)
        # These writes send no signal, hence the bump.
        return bump_work(assignment.pk, student.pk)


def module_open(
    *, assignment: Assignment, student: User, module: Module, has_questions: bool | None = None
) -> Progress | None:
    """A student opened a module: remember it for resuming and start (or finish) it."""
    module_visit(assignment=assignment, student=student, module=module, has_questions=has_questions)
    return Progress.objects.filter(assignment=assignment, student=student, module=module).first()


def _all_answered(assignment, student, question_ids: Collection[int]) -> bool:
    answered = (
        Answer.objects.filter(assignment=assignment, student=student, question_id__in=question_ids)
        .exclude(text="")
        .count()
    )
    return answered >= len(question_ids)


def _touch_progress(*, assignment, student, module, complete: bool | None) -> None:
    """progress_set in one UPDATE of the fields that move (a row is made the first time),
    sending no signal: the caller bumps the work stamp."""
    now = timezone.now()
    changes = {"last_activity_at": now}
    if complete:
        changes.update(state=State.COMPLETE, completed_at=Coalesce("completed_at", Value(now)))
    elif complete is False:
        changes.update(state=State.IN_PROGRESS, completed_at=None)
    keys = {"assignment": assignment, "student": student, "module": module}
    if not Progress.objects.filter(**keys).update(**changes):
        progress_set(**keys, complete=complete)


@dataclass
class StaleAnswer(Exception):
    """The page's copy of one answer is older than the stored one; nothing was overwritten."""

    question: Question
    stored: Answer
    sent_text: str


def _locked_answer(assignment, student, question) -> Answer | None:
    try:
        return Answer.objects.select_for_update().get(
            assignment=assignment, student=student, question=question
        )
    except Answer.DoesNotExist:
        return None


def answer_save(
    *,
    assignment: Assignment,
    student: User,
    question: Question,
    text: str,
    revision: int | None = None,
    module_question_ids: Collection[int] | None = None,
) -> Answer | None:
    """Save one answer if the page read the stored revision (None: not from a page).

    The answer is returned when the page now holds what is stored, None when nothing is
    stored or nothing changed for an older page: an empty box from a page older than the
    stored answer is ignored (the student never cleared it), any other text from such a page
    raises StaleAnswer. A module completes when every one of its questions has an answer;
    `module_question_ids` are their ids when the caller holds them, else they are read.
    """
    text = plain_text(text).strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"An answer can be at most {TEXT_LIMIT:,} characters.")
    module = question.module
    with transaction.atomic():
        answer = _locked_answer(assignment, student, question)
        written = False
        if answer is None and text:
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(
                        assignment=assignment,
                        student=student,
                        question=question,
                        text=text,
                        revision=1,
                    )
                written = True
            except IntegrityError:  # another tab's first save came first
                answer = _locked_answer(assignment, student, question)
        if not written:
            stored_text, stored_revision = (answer.text, answer.revision) if answer else ("", 0)
            if text == stored_text:
                return answer
            if revision is not None and revision != stored_revision:
                if not text:
                    return None
                raise StaleAnswer(question=question, stored=answer, sent_text=text)
            answer.text, answer.revision = text, stored_revision + 1
            answer.updated_at = timezone.now()
            Answer.objects.filter(pk=answer.pk).update(
                text=answer.text, revision=answer.revision, updated_at=answer.updated_at
            )
        if module_question_ids is None:
            module_question_ids = set(module.questions.values_list("pk", flat=True))
        _touch_progress(
            assignment=assignment,
            student=student,
            module=module,
            complete=_all_answered(assignment, student, module_question_ids),
        )
        # The UPDATEs send no signal, hence the bump.
        bump_work(assignment.pk, student.pk)
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
        notices.post_replied(post)
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


def _clean_response(text: str) -> str:
    text = plain_text(text)
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"A response can be at most {TEXT_LIMIT:,} characters.")
    return text


def draft_save(
    *, assignment: Assignment, student: User, module: Module, text: str, revision: int
) -> Submission:
    """Save the draft if the page was loaded at the stored revision, or holds the stored text
    already (then nothing changes); else raise StaleSave."""
    text = _clean_response(text)
    keys = {"assignment": assignment, "student": student, "module": module}

    def compare_and_set(now) -> int:
        # One UPDATE: two tabs can't both win with the same revision.
        return Submission.objects.filter(
            **keys,
            revision=revision,
            status__in=[Submission.Status.DRAFT, Submission.Status.REVISION],
        ).update(text=text, revision=revision + 1, saved_at=now)

    with transaction.atomic():
        now = timezone.now()
        updated = compare_and_set(now)
        try:
            submission = Submission.objects.select_for_update().get(**keys)
        except Submission.DoesNotExist:  # saved before the page ever made the draft's row
            submission_for(**keys)
            updated = compare_and_set(now)
            submission = Submission.objects.select_for_update().get(**keys)
        if not updated:
            if not submission.is_editable:
                raise ValidationError(
                    "This work has been handed in; unsubmit it first to change it."
                )
            # The same words are no conflict: typically this tab's own autosave got there
            # first. The page learns the stored revision from the answer.
            if submission.text == text:
                return submission
            raise StaleSave(submission=submission, sent_text=text)
        # Only the activity time moves, and the UPDATEs send no signal: one bump for both.
        if not Progress.objects.filter(**keys).update(last_activity_at=now):
            progress_set(**keys, complete=None)
        bump_work(assignment.pk, student.pk)
    return submission


def submission_submit(
    *, submission: Submission, revision: int, text: str | None = None
) -> Submission:
    """Hand the work in, with `text` from the page saved first in the same transaction;
    after the due date it is marked late, never refused.

    The page must have been loaded at the stored revision unless its text is the stored
    text (then it hands in exactly what is stored); else StaleSave and nothing changes."""
    sent = None if text is None else _clean_response(text)
    now = timezone.now()
    due = dates_for(submission.assignment, submission.student_id).due_at
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if not locked.is_editable:
            raise ValidationError("This work is already handed in.")
        if locked.revision != revision and (sent is None or sent != locked.text):
            raise StaleSave(submission=locked, sent_text=sent or "")
        fields = ["status", "submitted_at", "late"]
        if sent is not None and sent != locked.text:
            locked.text, locked.revision, locked.saved_at = sent, locked.revision + 1, now
            fields += ["text", "revision", "saved_at"]
        if not locked.text.strip():
            raise ValidationError("Write your response before submitting it.")
        locked.status = Submission.Status.SUBMITTED
        locked.submitted_at = now
        locked.late = bool(due and now > due)
        locked.save(update_fields=fields)
        last = locked.versions.order_by("-number").values_list("number", flat=True).first()
        SubmissionVersion.objects.create(
            submission=locked,
            number=(last or 0) + 1,
            text=locked.text,
            submitted_at=now,
            late=locked.late,
        )
        notices.work_submitted(locked)
        progress_set(
            assignment=submission.assignment,
            student=submission.student,
            module=submission.module,
            complete=True,
        )
    return locked


def grading_started(grade: Grade | None) -> bool:
    """The teacher returned this grade or saved anything in it: a level, a comment, a total."""
    return grade is not None and (
        grade.is_saved
        or bool(grade.comment)
        or grade.override_points is not None
        or grade.scores.exists()
    )


def submission_unsubmit(*, submission: Submission, version: int) -> Submission:
    """Take back the hand-in the page showed (its `version` number), as long as the teacher
    has neither returned it nor started grading it. The row is locked while checking, so a
    double click takes back one hand-in at most."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.is_editable:
            raise ValidationError("This work is already back with you to change.")
        if locked.status != Submission.Status.SUBMITTED:
            raise ValidationError(
                "Only handed-in work that the teacher has not returned can be taken back."
            )
        latest = locked.versions.order_by("-number").first()
        if latest is None or latest.number != version:
            raise ValidationError(
                "Not taken back: this page was out of date. Reload it to see your work as it "
                "is now."
            )
        # Locked too, so a teacher's save in progress finishes (and is seen) first.
        grade = Grade.objects.select_for_update().filter(version=latest).first()
        if grading_started(grade):
            raise ValidationError(
                "Your teacher has started grading this version, so it can no longer be taken "
                "back. Ask your teacher if you need to change it."
            )
        # The withdrawn hand-in is not a version the teacher saw; the text stays as the draft.
        latest.delete()
        earlier = locked.versions.exists()
        locked.status = Submission.Status.REVISION if earlier else Submission.Status.DRAFT
        locked.submitted_at = None
        locked.late = False
        locked.revision += 1
        locked.save(update_fields=["status", "submitted_at", "late", "revision"])
        progress_set(
            assignment=submission.assignment,
            student=submission.student,
            module=submission.module,
            complete=False,
        )
    return locked


def submission_request_revision(*, submission: Submission, comment: str = "") -> Submission:
    """Ask for a new version; the handed-in versions stay as they are."""
    if submission.status not in {Submission.Status.SUBMITTED, Submission.Status.RETURNED}:
        raise ValidationError("Only handed-in work can be sent back for revision.")
    with transaction.atomic():
        submission.status = Submission.Status.REVISION
        submission.revision_comment = plain_text(comment).strip()
        submission.revision += 1
        submission.save(update_fields=["status", "revision_comment", "revision"])
        notices.revision_requested(submission)
        progress_set(
            assignment=submission.assignment,
            student=submission.student,
            module=submission.module,
            complete=False,
        )
    return submission
