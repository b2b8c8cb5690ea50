"""Who may reach which assignment and whose work.

| object                   | staff | class teacher | student of the class         | others |
|--------------------------|-------|---------------|------------------------------|--------|
| assign, change, withdraw | yes   | yes           | 403                          | 404    |
| lesson player (work)     | 403   | 403           | yes once open; 403 before;   | 404    |
|                          |       |               | 404 when not given to them   |        |
| a student's work         | yes   | yes           | own only; a classmate's 404  | 404    |

An archived class's lessons stay readable to its students but take no new work. An
assignment given to some students of a class does not exist for the others; a student with
their own dates (coursework.dates) opens it at their own open date.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import is_class_teacher
from accounts.models import Enrollment, User

from .dates import dates_for, is_recipient_q, with_student_dates
from .models import Assignment


def _get(pk: int) -> Assignment:
    try:
        return Assignment.objects.active().select_related("classroom", "lesson").get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404("No such assignment") from None


def _is_student_of(user: User, assignment: Assignment) -> bool:
    return (
        Enrollment.objects.active()
        .filter(classroom_id=assignment.classroom_id, student=user)
        .exists()
    )


def is_named(assignment: Assignment, user: User) -> bool:
    """Whether an assignment given to some students of its class names this one."""
    return assignment.students.filter(pk=user.pk).exists()


def assignments_for_student(user: User) -> QuerySet[Assignment]:
    """Active assignments given to a student in the classes they are in, open or not yet
    open: those for the whole class, and those naming them."""
    return Assignment.objects.active().filter(
        is_recipient_q(user),
        classroom__enrollments__student=user,
        classroom__enrollments__removed_at__isnull=True,
    )


def open_assignments_for_student(user: User) -> QuerySet[Assignment]:
    """The student's assignments whose open date, their own where they have one, has come."""
    return with_student_dates(assignments_for_student(user), user).filter(
        Q(student_opens_at__isnull=True) | Q(student_opens_at__lte=timezone.now())
    )


def assignments_for_teacher(user: User) -> QuerySet[Assignment]:
    """Active assignments of the classes a teacher teaches; every active one for staff."""
    if user.is_staff:
        return Assignment.objects.active()
    return Assignment.objects.active().filter(classroom__teachers=user)


def assignment_for_teacher(user: User, pk: int) -> Assignment:
    """An assignment its class's teacher (or staff) manages; 403 for its students, else 404."""
    assignment = _get(pk)
    if is_class_teacher(user, assignment.classroom):
        return assignment
    if _is_student_of(user, assignment):
        raise PermissionDenied("Only the class's teachers can change this assignment.")
    raise Http404("No such assignment")


def assignment_for_work_viewer(user: User, pk: int) -> Assignment:
    """An assignment whose students' work the user may read: its class's teachers (or staff).
    Everyone else gets 404, classmates included, so another student's work never shows."""
    assignment = _get(pk)
    if is_class_teacher(user, assignment.classroom):
        return assignment
    raise Http404("No such assignment")


# What the student's pages and writes use of an assignment, its class and its lesson.
STUDENT_FIELDS = (
    *(f.name for f in Assignment._meta.concrete_fields),
    "classroom__name",
    "classroom__archived",
    "lesson__title",
    "lesson__status",
    "lesson__published_at",
)


def assignment_for_student(user: User, pk: int) -> Assignment:
    """An open assignment given to the student in their own class, its dates the student's
    own (coursework.dates); 403 before it opens for them, or for teachers."""
    # The student's every request starts here, so it reads as little as it can: the row
    # through their enrollment in one plain join, then their own dates (dates_for), and
    # whether it names them only for an assignment given to some students. A refusal alone
    # looks further, to tell a teacher (403) from an outsider (404).
    try:
        assignment = (
            Assignment.objects.active()
            .filter(
                pk=pk,
                classroom__enrollments__student=user,
                classroom__enrollments__removed_at__isnull=True,
            )
            .select_related("classroom", "lesson")
            .only(*STUDENT_FIELDS)
            .get()
        )
        if not assignment.for_whole_class and not is_named(assignment, user):
            raise Assignment.DoesNotExist
    except Assignment.DoesNotExist:
        assignment = _get(pk)
        if is_class_teacher(user, assignment.classroom):
            raise PermissionDenied("Teachers see students' work from the class page.") from None
        raise Http404("No such assignment") from None
    dates = dates_for(assignment, user)
    assignment.opens_at, assignment.due_at = dates.opens_at, dates.due_at
    if assignment.opens_at and assignment.opens_at > timezone.now():
        raise PermissionDenied(
            f"This lesson opens on {timezone.localtime(assignment.opens_at):%A %d %B at %H:%M}."
        )
    return assignment


def accepts_work(assignment: Assignment) -> bool:
    """False once the class is archived: its lessons stay readable but take no new work."""
    return not assignment.classroom.archived


def require_work_allowed(assignment: Assignment) -> None:
    if not accepts_work(assignment):
        raise PermissionDenied(
            "This class is archived: its lessons can be read but take no new work."
        )


def student_for_teacher(assignment: Assignment, student_pk: int) -> User:
    """A student of the assignment's class (current or removed, whose work is kept)."""
    student = User.objects.filter(
        pk=student_pk, enrollments__classroom_id=assignment.classroom_id
    ).first()
    if student is None:
        raise Http404("No such student in this class")
    return student
