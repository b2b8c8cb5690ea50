"""Stamps: random numbers that change whenever what a page shows changes.

Three kinds, all stored in the database:

| stamp                   | changes when                                                   |
|-------------------------|----------------------------------------------------------------|
| `Assignment.stamp`      | the assignment, its class, its roster or teachers, any post in |
|                         | its discussion, or the name or role of anyone in the class     |
| `WorkStamp` (per pupil) | that student's progress, visits, answers, written work, grades |
| `Classroom.stamp`       | the class's name or archived flag, its roster or teachers, or  |
|                         | the name or role of anyone in it                               |

Pages are sent with an ETag built from the stamps they show (coursework.freshness), so a
browser's copy is confirmed (304) exactly until one of them changes. Changes made through the
ORM's `save` and `delete` (and so the admin) are caught by the signal receivers below; the few bulk
`update()` calls in the services bump explicitly. A bump runs in the writer's transaction, so
a reader never sees new work under an old stamp.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from accounts.models import Classroom, Enrollment
from accounts.signals import roster_changed

from .grades import CriterionScore, Grade
from .models import (
    Answer,
    Assignment,
    Post,
    Progress,
    Submission,
    SubmissionVersion,
    Visit,
    WorkStamp,
    new_stamp,
)


def bump_work(assignment_id: int, student_id: int, *, create: bool = True) -> int | None:
    """One student's work in one assignment changed; the new stamp, or None when there was
    no row to change. The first save of any work creates the row (one upsert either way); a
    deletion only changes an existing one (it may be part of deleting the assignment itself,
    which a new row would block)."""
    stamp = new_stamp()
    if create:
        WorkStamp.objects.bulk_create(
            [WorkStamp(assignment_id=assignment_id, student_id=student_id, stamp=stamp)],
            update_conflicts=True,
            unique_fields=["assignment", "student"],
            update_fields=["stamp"],
        )
        return stamp
    rows = WorkStamp.objects.filter(assignment_id=assignment_id, student_id=student_id)
    return stamp if rows.update(stamp=stamp) else None


def bump_assignments(*conditions, **lookup) -> None:
    """Something every student of these assignments sees changed."""
    Assignment.objects.filter(*conditions, **lookup).update(stamp=new_stamp())


def bump_classrooms(*conditions, **lookup) -> None:
    """Something these classes' pages show of the class itself changed."""
    Classroom.objects.filter(*conditions, **lookup).update(stamp=new_stamp())


def bump_class(classroom_id: int) -> None:
    """The class and everything assigned to it: its name, roster or teachers changed."""
    bump_classrooms(pk=classroom_id)
    bump_assignments(classroom_id=classroom_id)


# Student work: each row leads to its assignment and student.
def _work_changed(sender, instance, **kwargs):
    bump_work(instance.assignment_id, instance.student_id, create="created" in kwargs)


def _submission_part_changed(sender, instance, **kwargs):
    if isinstance(instance, SubmissionVersion):
        submissions = Submission.objects.filter(pk=instance.submission_id)
    elif isinstance(instance, Grade):
        submissions = Submission.objects.filter(versions__pk=instance.version_id)
    else:
        submissions = Submission.objects.filter(versions__grade__pk=instance.grade_id)
    for assignment_id, student_id in submissions.values_list("assignment_id", "student_id"):
        bump_work(assignment_id, student_id, create="created" in kwargs)


# Shared by the whole class.
def _assignment_saved(sender, instance, **kwargs):
    bump_assignments(pk=instance.pk)


def _post_changed(sender, instance, **kwargs):
    bump_assignments(pk=instance.assignment_id)


def _classroom_changed(sender, instance, **kwargs):
    bump_class(instance.pk)


def _enrollment_changed(sender, instance, **kwargs):
    bump_class(instance.classroom_id)


def _roster_changed(sender, classroom_id, **kwargs):
    bump_class(classroom_id)


def _teachers_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # a user's `teaching` set changed
        bump_classrooms(pk__in=pk_set or [])
        bump_assignments(classroom_id__in=pk_set or [])
    else:
        bump_class(instance.pk)


def _person_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new account is in no class yet; a log-in only records its time, which no page shows.
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    # Wherever their name shows: their classes, and discussions they posted in (staff and
    # former co-teachers may have posted in classes they do not teach).
    bump_assignments(
        Q(classroom__enrollments__student=instance)
        | Q(classroom__teachers=instance)
        | Q(posts__author=instance)
    )
    bump_classrooms(Q(enrollments__student=instance) | Q(teachers=instance))


def _receive(receiver, model, *, deletes=post_delete) -> None:
    uid = f"stamp-{model.__name__}"
    post_save.connect(receiver, sender=model, dispatch_uid=uid)
    deletes.connect(receiver, sender=model, dispatch_uid=uid)


def connect() -> None:
    for model in (Progress, Visit, Answer, Submission):
        _receive(_work_changed, model)
    for model in (SubmissionVersion, Grade, CriterionScore):
        _receive(_submission_part_changed, model)
    post_save.connect(_assignment_saved, sender=Assignment, dispatch_uid="stamp-Assignment")
    _receive(_post_changed, Post)
    _receive(_classroom_changed, Classroom)
    _receive(_enrollment_changed, Enrollment)
    roster_changed.connect(_roster_changed, dispatch_uid="stamp-roster")
    # Before a person is deleted, while their classes can still be found.
    _receive(_person_changed, get_user_model(), deletes=pre_delete)
    m2m_changed.connect(
        _teachers_changed, sender=Classroom.teachers.through, dispatch_uid="stamp-teachers"
    )
