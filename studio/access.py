"""Who may author which lesson in the studio. Every studio view reaches lessons through here.

| lesson                          | staff | author | teacher | student |
|---------------------------------|-------|--------|---------|---------|
| the school's (no owner)         | yes   | yes    | 403     | 403     |
| a teacher's copy, to its owner  | yes   | yes    | yes     | —       |
| another teacher's copy          | yes   | 404    | 404     | 404     |
| published or archived           | read only for whoever may open it: every write is refused |

An author is a teacher given "Can author lessons" (directly or through a group).

A missing lesson, or a module that is not the lesson's, is 404 for everyone; an anonymous
visitor is sent to log in before any of this.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from lessons.access import AUTHOR_PERMISSION
from lessons.models import Lesson, Module

READ_ONLY = (
    "“{title}” is {status}, so it is read-only and nothing was changed. "
    "Make a new version to change it."
)


class LessonReadOnly(PermissionDenied):
    """A write to a published or archived lesson; the message says why and what to do."""


def can_author_school_lessons(user: User) -> bool:
    """Admins, and teachers given the authoring permission, shape the school's lessons."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or (user.is_teacher and user.has_perm(AUTHOR_PERMISSION))


def can_author(user: User) -> bool:
    """Whether the studio has anything for this person: every teacher authors own copies."""
    return can_author_school_lessons(user) or (
        user.is_authenticated and user.is_active and user.is_teacher
    )


def may_author(user: User, lesson: Lesson) -> bool:
    """Whether this person may open this lesson in the studio (the table above)."""
    if lesson.owner_id is None:
        return can_author_school_lessons(user)
    return can_author(user) and (user.is_staff or lesson.owner_id == user.pk)


def require_author(user: User) -> None:
    if not can_author(user):
        raise PermissionDenied("Only teachers and admins use the lesson studio.")


def lessons_authorable_by(user: User) -> QuerySet[Lesson]:
    """Staff: every lesson; authors: the school's and their own copies; teachers: own copies."""
    if not can_author(user):
        return Lesson.objects.none()
    if user.is_staff:
        return Lesson.objects.all()
    if can_author_school_lessons(user):
        return Lesson.objects.filter(Q(owner__isnull=True) | Q(owner=user))
    return Lesson.objects.filter(owner=user)


def lesson_for_author(user: User, pk: int) -> Lesson:
    """A lesson this person may open in the studio; 404 for another teacher's copy or no
    lesson at all, 403 for a school lesson they may not author."""
    lesson = lessons_authorable_by(user).filter(pk=pk).first()
    if lesson is not None:
        return lesson
    school_lesson = Lesson.objects.filter(pk=pk, owner__isnull=True).exists()
    if school_lesson:
        raise PermissionDenied("You don't have permission to author the school's lessons.")
    raise Http404("No such lesson")


def module_of(lesson: Lesson, module_pk: int) -> Module:
    """One of the lesson's own modules; 404 for any other."""
    try:
        return lesson.modules.get(pk=module_pk)
    except Module.DoesNotExist:
        raise Http404("No such module in this lesson") from None


def require_editable(lesson: Lesson) -> None:
    """Refuse any write to a lesson that is no longer a draft."""
    if not lesson.is_editable:
        raise LessonReadOnly(
            READ_ONLY.format(title=lesson.title, status=lesson.get_status_display().lower())
        )
