"""Reads that decide what a student or teacher sees of coursework."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from .access import assignments_for_student
from .models import Assignment, Progress


@dataclass
class LessonRow:
    assignment: Assignment
    modules: int
    complete: int
    started: bool

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.modules) if self.modules else 0

    @property
    def is_open(self) -> bool:
        return self.assignment.is_open

    @property
    def is_complete(self) -> bool:
        return self.modules > 0 and self.complete >= self.modules

    @property
    def is_late(self) -> bool:
        return self.assignment.is_overdue and not self.is_complete

    @property
    def status(self) -> str:
        if self.is_late:
            return "Late"
        if self.is_complete:
            return "Complete"
        return "In progress" if self.started else "Not started"


def _count_for(student: User, **filters) -> Subquery:
    counted = (
        Progress.objects.filter(assignment=OuterRef("pk"), student=student, **filters)
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def student_lesson_rows(student: User) -> list[LessonRow]:
    """The student's assigned lessons, overdue first, then by due date; not-yet-open last."""
    assignments = (
        assignments_for_student(student)
        .select_related("lesson", "classroom")
        .annotate(
            module_total=Count("lesson__modules", distinct=True),
            complete_total=_count_for(student, state=Progress.State.COMPLETE),
            started_total=_count_for(student),
        )
    )
    rows = [
        LessonRow(a, a.module_total, a.complete_total, a.started_total > 0) for a in assignments
    ]
    far = timezone.now().replace(year=9999)
    rows.sort(
        key=lambda r: (not r.is_open, not r.is_late, r.is_complete, r.assignment.due_at or far)
    )
    return rows


def module_states(assignment: Assignment, student: User) -> dict[int, Progress]:
    return {p.module_id: p for p in Progress.objects.filter(assignment=assignment, student=student)}


def class_assignments(classroom) -> list[Assignment]:
    """Active assignments of a class, for its page, with finished-student counts."""
    return list(
        Assignment.objects.active()
        .filter(classroom=classroom)
        .select_related("lesson")
        .annotate(module_total=Count("lesson__modules", distinct=True))
        .order_by("due_at", "pk")
    )
