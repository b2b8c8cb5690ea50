"""Who may see what. Every view reaches people and classes through these helpers.

| object        | staff | its teacher | its student            | anyone else |
|---------------|-------|-------------|------------------------|-------------|
| class page    | yes   | yes         | 403 (wrong role)       | 404         |
| user page     | yes   | own students| self; 403 for classmate| 404         |
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .models import Classroom, Enrollment, User


def classrooms_visible_to(user: User) -> QuerySet[Classroom]:
    """The classes a user may list: all for staff, taught ones for teachers, own for students."""
    if user.is_staff:
        return Classroom.objects.all()
    if user.is_teacher:
        return Classroom.objects.filter(teachers=user)
    return Classroom.objects.filter(enrollments__student=user, enrollments__removed_at__isnull=True)


def with_student_counts(classrooms: QuerySet[Classroom]) -> QuerySet[Classroom]:
    """Annotate each class with `student_count`, its active students."""
    return classrooms.annotate(
        student_count=Count(
            "enrollments", filter=Q(enrollments__removed_at__isnull=True), distinct=True
        )
    )


def is_class_teacher(user: User, classroom: Classroom) -> bool:
    return user.is_staff or classroom.teachers.filter(pk=user.pk).exists()


def classroom_for_teacher(user: User, pk: int) -> Classroom:
    """A class its teacher (or staff) may manage; 403 for its students, 404 for others."""
    try:
        classroom = Classroom.objects.get(pk=pk)
    except Classroom.DoesNotExist:
        raise Http404("No such class") from None
    if is_class_teacher(user, classroom):
        return classroom
    if Enrollment.objects.active().filter(classroom=classroom, student=user).exists():
        raise PermissionDenied("Only the class's teachers can manage it.")
    raise Http404("No such class")


def user_for_viewer(viewer: User, pk: int) -> User:
    """A person's page: self, staff, or their teacher; 403 for a classmate; else 404."""
    try:
        person = User.objects.get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person") from None
    if viewer.pk == person.pk or viewer.is_staff:
        return person
    shares_a_class = (
        not person.is_staff
        and classrooms_visible_to(person)
        .filter(pk__in=classrooms_visible_to(viewer).values("pk"))
        .exists()
    )
    if not shares_a_class:
        raise Http404("No such person")
    if viewer.is_teacher and person.is_student:
        return person
    raise PermissionDenied("You can't view this person's page.")
