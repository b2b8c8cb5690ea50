"""Who may read which lesson content.

Authors are teachers given "Can author lessons"; students get 403 for every lesson page
(their lessons come through their classes).

| object                          | staff | author     | teacher    |
|---------------------------------|-------|------------|------------|
| lesson catalogue                | yes   | yes        | yes        |
| school lesson, published/archived | yes | yes        | yes        |
| school lesson, draft            | yes   | yes        | 404        |
| a teacher's own copy            | yes   | its owner  | its owner  |
| another teacher's copy          | yes   | 404        | 404        |
| source document                 | any   | in a lesson they may read | the same |

Students read a source document while it is in one of their open assignments.

The catalogue and the assign form offer published lessons only: the school's, and the
teacher's own copies. Archived lessons drop out of both but stay readable where assigned.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import Lesson, SourceDocument

AUTHOR_PERMISSION = "lessons.author_lessons"


def require_teacher(user: User) -> None:
    if not (user.is_staff or user.is_teacher):
        raise PermissionDenied("Only teachers and admins can browse lessons.")


def lessons_visible_to(user: User) -> QuerySet[Lesson]:
    """Lessons a user may read: all for staff; for teachers the school's published and
    archived lessons (and its drafts, for authors) and their own copies; none otherwise."""
    if user.is_staff:
        return Lesson.objects.all()
    if user.is_teacher:
        school = Q(owner__isnull=True)
        if not user.has_perm(AUTHOR_PERMISSION):
            school &= Q(status__in=[Lesson.Status.PUBLISHED, Lesson.Status.ARCHIVED])
        return Lesson.objects.filter(school | Q(owner=user))
    return Lesson.objects.none()


def lessons_offered_to(user: User) -> QuerySet[Lesson]:
    """The catalogue and the assign form: published lessons of the school and the user's own
    published copies. Another teacher's copy is never offered, to staff neither, until an
    admin publishes it for everyone."""
    if not (user.is_staff or user.is_teacher):
        return Lesson.objects.none()
    return Lesson.objects.filter(
        Q(owner__isnull=True) | Q(owner=user), status=Lesson.Status.PUBLISHED
    )


def lesson_for_reader(user: User, pk: int) -> Lesson:
    try:
        return lessons_visible_to(user).get(pk=pk)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson") from None


def documents_visible_to(user: User) -> QuerySet[SourceDocument]:
    """Staff: all; teachers: those of lessons they may read; students: those of open
    assignments."""
    if user.is_staff:
        return SourceDocument.objects.all()
    if user.is_student:
        from coursework.access import open_assignments_for_student

        open_lessons = open_assignments_for_student(user)
        return SourceDocument.objects.filter(
            lessons__in=open_lessons.values("lesson_id")
        ).distinct()
    return SourceDocument.objects.filter(
        lessons__in=lessons_visible_to(user).values("pk")
    ).distinct()


def document_for_reader(user: User, pk: int) -> SourceDocument:
    try:
        return documents_visible_to(user).get(pk=pk)
    except SourceDocument.DoesNotExist:
        raise Http404("No such document") from None
