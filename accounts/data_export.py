"""One person's records: everything kept about them, as JSON, and what deleting them removes.

Used by the admin's "Export records" and by its delete confirmation for students. Accounts
writes its own part; every other app that keeps records of a person adds its part with
`records_part` and `deletion_part` when it is ready (so this app imports none of them). The
reads run in a fixed number of queries however much work the student has done.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .models import Classroom, Enrollment, User

FORMAT = "historyclass.student-records/1"

_record_parts: dict[str, Callable[[User], dict]] = {}
_deletion_parts: dict[str, Callable[[User], dict[str, int]]] = {}


def records_part(name: str, collect: Callable[[User], dict]) -> None:
    """Add `collect(person)`'s sections to every export, after those already added."""
    _record_parts[name] = collect


def deletion_part(name: str, count: Callable[[User], dict[str, int]]) -> None:
    """Add `count(person)`'s lines to every delete confirmation, after those already added."""
    _deletion_parts[name] = count


def when(value):
    return value.isoformat() if value is not None else None


def student_records(student: User) -> dict:
    """Every record of one person's own: account and enrollments, then each app's part."""
    enrollments = Enrollment.objects.filter(student=student).select_related("classroom")
    records = {
        "format": FORMAT,
        "exported_at": when(timezone.now()),
        "user": {
            "id": student.pk,
            "username": student.username,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "email": student.email,
            "role": student.role,
            "is_active": student.is_active,
            "date_joined": when(student.date_joined),
            "last_login": when(student.last_login),
        },
        "enrollments": [
            {
                "class_id": e.classroom_id,
                "class": e.classroom.name,
                "joined_at": when(e.joined_at),
                "removed_at": when(e.removed_at),
            }
            for e in enrollments
        ],
    }
    for collect in _record_parts.values():
        records.update(collect(student))
    return records


@dataclass
class DeletionSummary:
    """What deleting one person removes, kind by kind, and the classes it touches."""

    counts: dict[str, int] = field(default_factory=dict)
    classes: list[Classroom] = field(default_factory=list)
    teaching: list[Classroom] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def deletion_summary(person: User) -> DeletionSummary:
    """Counts of the rows that go with `person`: enrollments, then each app's part."""
    counts = {"class enrollments": Enrollment.objects.filter(student=person).count()}
    for count in _deletion_parts.values():
        counts.update(count(person))
    classes = list(
        Classroom.objects.filter(Q(enrollments__student=person)).distinct().order_by("name")
    )
    teaching = list(person.teaching.order_by("name"))
    return DeletionSummary(counts=counts, classes=classes, teaching=teaching)
