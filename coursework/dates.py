"""Whose dates apply: an assignment's own, or one student's (coursework.StudentDates).

Where a student has a row, both its dates replace the assignment's for that student, an
empty one included (an extension may also remove the due date). Every page and write that
asks "is it open yet?", "is it late?" or "when is it due?" for a student asks here:

| need                                   | use                               | queries |
|----------------------------------------|-----------------------------------|---------|
| a queryset of assignments, one student | `with_student_dates(qs, student)` | none    |
| one assignment, one student            | `dates_for(assignment, student)`  | one     |
| one assignment, its whole class        | `class_dates(assignment)`         | one     |

The same module gives and clears a student's dates and chooses an assignment's recipients;
both bump the stamps of the pages that show them, in the writer's transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, When
from django.utils import timezone

from accounts.models import User

from .models import Assignment, StudentDates
from .stamps import bump_assignments, bump_work


@dataclass(frozen=True)
class Dates:
    opens_at: datetime | None
    due_at: datetime | None
    own: bool = False  # the student's own dates rather than the assignment's

    def is_open(self, now: datetime | None = None) -> bool:
        return self.opens_at is None or self.opens_at <= (now or timezone.now())

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())


def assignment_dates(assignment: Assignment) -> Dates:
    return Dates(assignment.opens_at, assignment.due_at)


def with_student_dates(queryset: QuerySet[Assignment], student) -> QuerySet[Assignment]:
    """The assignments annotated with `student_opens_at`, `student_due_at` and
    `has_own_dates`: the dates that apply to this student. One join, no extra query."""
    student_id = getattr(student, "pk", student)
    own = FilteredRelation("student_dates", condition=Q(student_dates__student_id=student_id))
    has_own = Q(own_dates_row__pk__isnull=False)
    return queryset.annotate(own_dates_row=own).annotate(
        has_own_dates=Case(When(has_own, then=True), default=False),
        student_opens_at=Case(When(has_own, then=F("own_dates_row__opens_at")), default="opens_at"),
        student_due_at=Case(When(has_own, then=F("own_dates_row__due_at")), default="due_at"),
    )


def as_seen_by(assignment: Assignment) -> Assignment:
    """An assignment read through `with_student_dates`, its dates made the student's own, so
    whatever reads `opens_at`, `due_at`, `is_open` or `is_overdue` reads the student's."""
    assignment.opens_at = assignment.student_opens_at
    assignment.due_at = assignment.student_due_at
    return assignment


def dates_for(assignment: Assignment, student) -> Dates:
    """The dates that apply to one student in one assignment."""
    student_id = getattr(student, "pk", student)
    row = (
        StudentDates.objects.filter(assignment_id=assignment.pk, student_id=student_id)
        .values_list("opens_at", "due_at")
        .first()
    )
    return Dates(*row, own=True) if row else assignment_dates(assignment)


class ClassDates(dict):
    """Student id to their own Dates; `of(student_id)` falls back to the assignment's."""

    def __init__(self, assignment: Assignment, rows):
        super().__init__(rows)
        self.default = assignment_dates(assignment)

    def of(self, student_id: int) -> Dates:
        return self.get(student_id, self.default)


def class_dates(assignment: Assignment) -> ClassDates:
    """Every student's dates in one assignment, in one query."""
    return ClassDates(
        assignment,
        (
            (student_id, Dates(opens_at, due_at, own=True))
            for student_id, opens_at, due_at in StudentDates.objects.filter(
                assignment_id=assignment.pk
            ).values_list("student_id", "opens_at", "due_at")
        ),
    )


def own_dates_by_assignment(assignment_ids) -> dict[tuple[int, int], Dates]:
    """(student id, assignment id) to own Dates, for several assignments in one query."""
    return {
        (student_id, assignment_id): Dates(opens_at, due_at, own=True)
        for student_id, assignment_id, opens_at, due_at in StudentDates.objects.filter(
            assignment_id__in=list(assignment_ids)
        ).values_list("student_id", "assignment_id", "opens_at", "due_at")
    }


# Who gets the assignment.


def is_recipient_q(student, prefix: str = "") -> Q:
    """Assignments (reached through `prefix`, e.g. "assignments__") given to this student:
    for the whole class, or naming them. An EXISTS rather than a join, so no row repeats."""
    student_id = getattr(student, "pk", student)
    named = Assignment.students.through.objects.filter(
        assignment_id=OuterRef(f"{prefix}pk"), user_id=student_id
    )
    return Q(**{f"{prefix}for_whole_class": True}) | Q(Exists(named))


def recipient_ids(assignment: Assignment, student_ids) -> list[int]:
    """Those of `student_ids` (in their order) the assignment is given to. One query at most."""
    student_ids = list(student_ids)
    if assignment.for_whole_class:
        return student_ids
    named = set(assignment.students.values_list("pk", flat=True))
    return [pk for pk in student_ids if pk in named]


def recipients_by_assignment(assignments) -> dict[int, set[int] | None]:
    """Assignment id to the ids of the students it names, or None when it is for the whole
    class. One query for all of them."""
    found: dict[int, set[int] | None] = {
        a.pk: None if a.for_whole_class else set() for a in assignments
    }
    some = [pk for pk, named in found.items() if named is not None]
    if some:
        for assignment_id, user_id in Assignment.students.through.objects.filter(
            assignment_id__in=some
        ).values_list("assignment_id", "user_id"):
            found[assignment_id].add(user_id)
    return found


def _class_student_ids(assignment: Assignment, student_ids) -> list[int]:
    from accounts.models import Enrollment

    wanted = {int(pk) for pk in student_ids}
    found = set(
        Enrollment.objects.active()
        .filter(classroom_id=assignment.classroom_id, student_id__in=wanted)
        .values_list("student_id", flat=True)
    )
    if wanted - found:
        raise ValidationError("Choose students of this class only.")
    return sorted(found)


def set_recipients(*, assignment: Assignment, whole_class: bool, student_ids=()) -> None:
    """Give the assignment to the whole class, or only to the chosen students of its class."""
    chosen = [] if whole_class else _class_student_ids(assignment, student_ids)
    if not whole_class and not chosen:
        raise ValidationError("Choose at least one student, or give it to the whole class.")
    with transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(for_whole_class=whole_class)
        assignment.for_whole_class = whole_class
        assignment.students.set(chosen)
        # Who sees it changed: every page that lists or opens it shows its stamp.
        bump_assignments(pk=assignment.pk)


def set_student_dates(
    *,
    assignment: Assignment,
    student_ids,
    teacher: User,
    opens_at: datetime | None,
    due_at: datetime | None,
) -> int:
    """Give each chosen student of the class their own dates; how many were given."""
    chosen = _class_student_ids(assignment, student_ids)
    if not chosen:
        raise ValidationError("Choose at least one student.")
    if opens_at and due_at and due_at < opens_at:
        raise ValidationError({"due_at": "The due date is before the lesson opens."})
    with transaction.atomic():
        StudentDates.objects.bulk_create(
            [
                StudentDates(
                    assignment=assignment,
                    student_id=pk,
                    opens_at=opens_at,
                    due_at=due_at,
                    set_by=teacher,
                )
                for pk in chosen
            ],
            update_conflicts=True,
            unique_fields=["assignment", "student"],
            update_fields=["opens_at", "due_at", "set_by", "set_at"],
        )
        for pk in chosen:
            bump_work(assignment.pk, pk)
    return len(chosen)


def clear_student_dates(*, assignment: Assignment, student_ids) -> int:
    """The chosen students go back to the assignment's dates; how many had their own."""
    chosen = _class_student_ids(assignment, student_ids)
    with transaction.atomic():
        cleared = list(
            StudentDates.objects.filter(assignment=assignment, student_id__in=chosen).values_list(
                "student_id", flat=True
            )
        )
        StudentDates.objects.filter(assignment=assignment, student_id__in=cleared).delete()
        for pk in cleared:
            bump_work(assignment.pk, pk)
    return len(cleared)
