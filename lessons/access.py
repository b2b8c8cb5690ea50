"""Who may read which lesson content.

| object             | staff | teacher            | student                       |
|--------------------|-------|--------------------|-------------------------------|
| lesson catalogue   | yes   | yes                | 403 (their lessons come through their classes) |
| lesson, preview    | any   | published only     | 404                           |
| source document    | any   | in a published lesson | in an open assignment      |
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import Lesson, SourceDocument


def require_teacher(user: User) -> None:
    if not (user.is_staff or user.is_teacher):
        raise PermissionDenied("Only teachers and admins can browse lessons.")


def lessons_visible_to(user: User) -> QuerySet[Lesson]:
    """Lessons a user may read: all for staff, published ones for teachers, none otherwise."""
    if user.is_staff:
        return Lesson.objects.all()
    if user.is_teacher:
        return Lesson.objects.filter(status=Lesson.Status.PUBLISHED)
    return Lesson.objects.none()


def lesson_for_reader(user: User, pk: int) -> Lesson:
    try:
        return lessons_visible_to(user).get(pk=pk)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson") from None


def documents_visible_to(user: User) -> QuerySet[SourceDocument]:
    """Staff: all; teachers: those of published lessons; students: those of open assignments."""
    if user.is_staff:
        return SourceDocument.objects.all()
    if user.is_student:
        from coursework.access import assignments_for_student

        open_lessons = assignments_for_student(user).open_now()
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
