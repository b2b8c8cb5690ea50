"""Changes to people and classes. Each raises ValidationError and changes nothing on bad input."""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .models import (
    JOIN_CODE_ALPHABET,
    Classroom,
    Enrollment,
    User,
    new_join_code,
    normalize_join_code,
)
from .roster import RosterCheck, roster_decode, roster_parse

WRONG_CODE = "No class has that code. Check it with your teacher and try again."


def _unused_join_code(*, exclude_pk: int | None = None) -> str:
    for _ in range(20):
        code = new_join_code()
        if (
            not Classroom.objects.filter(join_code=code, archived=False)
            .exclude(pk=exclude_pk)
            .exists()
        ):
            return code
    raise RuntimeError("Could not find an unused join code")  # pragma: no cover


def class_create(*, teacher: User, name: str) -> Classroom:
    """A new class taught by `teacher`, with a fresh join code."""
    if not (teacher.is_teacher or teacher.is_staff):
        raise ValidationError("Only teachers can create classes.")
    with transaction.atomic():
        classroom = Classroom.objects.create(name=name, join_code=_unused_join_code())
        classroom.teachers.add(teacher)
    return classroom


def class_rename(*, classroom: Classroom, name: str) -> None:
    classroom.name = name
    classroom.save(update_fields=["name"])


def class_set_archived(*, classroom: Classroom, archived: bool) -> None:
    """Archive or restore a class; a restored class gets a new code if its old one is taken."""
    classroom.archived = archived
    fields = ["archived"]
    if not archived and (
        Classroom.objects.filter(join_code=classroom.join_code, archived=False)
        .exclude(pk=classroom.pk)
        .exists()
    ):
        classroom.join_code = _unused_join_code(exclude_pk=classroom.pk)
        fields.append("join_code")
    classroom.save(update_fields=fields)


def class_regenerate_code(*, classroom: Classroom) -> str:
    """Replace the join code; the old one stops working at once."""
    classroom.join_code = _unused_join_code(exclude_pk=classroom.pk)
    classroom.save(update_fields=["join_code"])
    return classroom.join_code


def class_set_joining(*, classroom: Classroom, enabled: bool) -> None:
    classroom.joining_enabled = enabled
    classroom.save(update_fields=["joining_enabled"])


def class_add_coteacher(*, classroom: Classroom, username: str) -> User:
    """Add another teacher to the class by username."""
    username = username.strip()
    teacher = User.objects.filter(username__iexact=username, is_active=True).first()
    if teacher is None:
        raise ValidationError(f"No teacher has the username {username!r}.")
    if not teacher.is_teacher:
        raise ValidationError(f"{username!r} is not a teacher account.")
    if classroom.teachers.filter(pk=teacher.pk).exists():
        raise ValidationError(f"{teacher.display_name} already teaches this class.")
    classroom.teachers.add(teacher)
    return teacher


def class_join(*, student: User, code: str) -> Classroom:
    """Enroll a student in the class with this join code."""
    if not student.is_student:
        raise ValidationError(
            "Teacher and admin accounts can't join a class as a student. "
            "Ask the class's teacher to add you as a co-teacher."
        )
    normalized = normalize_join_code(code)
    if not normalized or any(ch not in JOIN_CODE_ALPHABET for ch in normalized):
        raise ValidationError(WRONG_CODE)
    classroom = Classroom.objects.filter(join_code=normalized, archived=False).first()
    if classroom is None:
        raise ValidationError(WRONG_CODE)
    if not classroom.joining_enabled:
        raise ValidationError(
            "Joining this class with a code is switched off. Ask your teacher to add you."
        )
    with transaction.atomic():
        enrollment, created = Enrollment.objects.select_for_update().get_or_create(
            classroom=classroom, student=student
        )
        if not created:
            if enrollment.is_active:
                raise ValidationError(f"You are already in {classroom.name}.")
            enrollment.removed_at = None
            enrollment.save(update_fields=["removed_at"])
    return classroom


def class_remove_student(*, classroom: Classroom, student: User) -> None:
    """Take a student off the roster; their enrollment and work are kept."""
    enrollments = list(Enrollment.objects.active().filter(classroom=classroom, student=student))
    if not enrollments:
        raise ValidationError(f"{student.display_name} is not in this class.")
    for enrollment in enrollments:  # saved one by one, so the class's pages see the change
        enrollment.removed_at = timezone.now()
        enrollment.save(update_fields=["removed_at"])


def temporary_password() -> str:
    """A password a teacher can read out: three groups from the unambiguous alphabet."""
    return "-".join(
        "".join(secrets.choice(JOIN_CODE_ALPHABET.lower()) for _ in range(4)) for _ in range(3)
    )


@dataclass(frozen=True)
class RosterAdded:
    student: User
    password: str | None  # set only for accounts created by this upload


@dataclass
class RosterOutcome:
    check: RosterCheck
    added: list[RosterAdded]


def roster_import(*, classroom: Classroom, teacher: User, data: bytes) -> RosterOutcome:
    """Create and enroll every student in a CSV roster, or nothing if any row is bad.

    Raises RosterError for a file that can't be read at all; per-row problems come back in
    `outcome.check.problems` with nothing saved.
    """
    check = roster_parse(roster_decode(data))
    # Usernames match case-insensitively, so "Ana" on the roster finds an existing "ana".
    existing = {
        user.folded: user
        for user in User.objects.annotate(folded=Lower("username")).filter(
            folded__in=[row.username.lower() for row in check.rows]
        )
    }
    for row in check.rows:
        user = existing.get(row.username.lower())
        if user is not None and not user.is_student:
            check.problems.append(
                (row.line, f"username {row.username!r} belongs to a teacher or admin account")
            )
    if check.problems:
        check.problems.sort()
        return RosterOutcome(check=check, added=[])

    added: list[RosterAdded] = []
    with transaction.atomic():
        for row in check.rows:
            user = existing.get(row.username.lower())
            password = None
            if user is None:
                password = temporary_password()
                user = User.objects.create_user(
                    username=row.username,
                    email=row.email,
                    password=password,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    role=User.Role.STUDENT,
                )
            enrollment, created = Enrollment.objects.get_or_create(
                classroom=classroom, student=user, defaults={"added_by": teacher}
            )
            if not created and not enrollment.is_active:
                enrollment.removed_at = None
                enrollment.save(update_fields=["removed_at"])
            added.append(RosterAdded(student=user, password=password))
    return RosterOutcome(check=check, added=added)
