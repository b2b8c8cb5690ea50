"""Changes to people and classes. Each raises ValidationError and changes nothing on bad input."""

import secrets
import time
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .models import (
    JOIN_CODE_ALPHABET,
    Classroom,
    Enrollment,
    RosterImport,
    User,
    new_join_code,
    normalize_join_code,
)
from .roster import RosterCheck, roster_decode, roster_parse
from .signals import roster_changed

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
    """Add another teacher to the class by username.

    A username that is unknown, inactive or not a teacher's gets the same answer, so the form
    can't be used to find out which student accounts exist.
    """
    username = username.strip()
    teacher = User.objects.filter(
        username__iexact=username, is_active=True, role=User.Role.TEACHER
    ).first()
    if teacher is None:
        raise ValidationError(f"No teacher account has the username {username!r}.")
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


def class_enroll_student(*, classroom: Classroom, student: User, added_by: User | None) -> bool:
    """Put a student on the roster, back where they were if they had been removed; False if
    they are on it already. Saved, not bulk-written, so the class's pages see the change."""
    if not student.is_student:
        raise ValidationError(f"{student.display_name} is not a student account.")
    with transaction.atomic():
        enrollment, created = Enrollment.objects.select_for_update().get_or_create(
            classroom=classroom, student=student, defaults={"added_by": added_by}
        )
        if created:
            return True
        if enrollment.is_active:
            return False
        enrollment.removed_at = None
        enrollment.save(update_fields=["removed_at"])
    return True


def temporary_password() -> str:
    """A password a teacher can read out: three groups from the unambiguous alphabet."""
    return "-".join(
        "".join(secrets.choice(JOIN_CODE_ALPHABET.lower()) for _ in range(4)) for _ in range(3)
    )


# One wording for every username a teacher may not use, whoever holds it: a refusal must not
# tell a teacher whether the account exists, what role it has or which class it is in.
ROSTER_USERNAME_UNAVAILABLE = (
    "username {username!r} can't be used for this class. Choose another username for a new "
    "account; a student who already has an account joins with the class code"
)
ROSTER_STOPPED = (
    "The import stopped before it finished. Nothing was saved; upload the roster again."
)
# Written at most this often while passwords are hashed, so the progress shown stays current
# without a write per account.
ROSTER_PROGRESS_SECONDS = 0.5


@dataclass(frozen=True)
class RosterAdded:
    line: int
    name: str
    username: str
    password: str | None  # set only for accounts the upload creates


@dataclass
class RosterOutcome:
    check: RosterCheck
    added: list[RosterAdded]
    job: RosterImport | None = None


def _accounts_named(usernames: list[str]) -> dict[str, User]:
    # Usernames match case-insensitively, so "Ana" on the roster finds an existing "ana".
    folded = [name.lower() for name in usernames]
    found = User.objects.annotate(folded=Lower("username")).filter(
        Q(folded__in=folded) | Q(username__in=usernames)
    )
    return {user.username.lower(): user for user in found}


def _students_already_taught(*, classroom: Classroom, requester: User | None, ids) -> set[int]:
    """Students this requester may add without asking: those ever in this class, or now in
    another class the requester teaches."""
    taught = Q(classroom=classroom)
    if requester is not None:
        taught |= Q(classroom__teachers=requester, removed_at__isnull=True)
    return set(
        Enrollment.objects.filter(taught, student_id__in=ids).values_list("student_id", flat=True)
    )


def _roster_match(
    *, classroom: Classroom, requester: User | None, rows: list[dict]
) -> list[tuple[int, str]]:
    """Set each row's `student_id` to the existing account it adds (None for a new one) and
    return the rows the requester may not add. Staff may add any active student."""
    accounts = _accounts_named([row["username"] for row in rows])
    is_staff = requester is not None and requester.is_staff
    taught = (
        set()
        if is_staff
        else _students_already_taught(
            classroom=classroom,
            requester=requester,
            ids=[user.pk for user in accounts.values()],
        )
    )
    problems = []
    for row in rows:
        user = accounts.get(row["username"].lower())
        row["student_id"] = user.pk if user is not None else None
        if user is None:
            continue
        if is_staff and not user.is_student:
            problem = f"username {row['username']!r} belongs to a teacher or admin account"
        elif is_staff and not user.is_active:
            problem = f"username {row['username']!r} belongs to a deactivated account"
        elif is_staff or (user.is_student and user.is_active and user.pk in taught):
            continue
        else:
            problem = ROSTER_USERNAME_UNAVAILABLE.format(username=row["username"])
        problems.append((row["line"], problem))
    return problems


def roster_import_start(*, classroom: Classroom, requester: User, data: bytes) -> RosterOutcome:
    """Check a CSV roster and start the job that adds its students, or report every bad row
    and start nothing.

    Raises RosterError for a file that can't be read at all; per-row problems come back in
    `outcome.check.problems`. New accounts' first passwords are in `outcome.added`, and
    nowhere else once the job has hashed them.
    """
    from .tasks import roster_import_job  # the task module imports this one

    check = roster_parse(roster_decode(data))
    rows = [
        asdict(row)
        | {
            "username": User.normalize_username(row.username),
            "email": User.objects.normalize_email(row.email),
        }
        for row in check.rows
    ]
    check.problems.extend(_roster_match(classroom=classroom, requester=requester, rows=rows))
    if check.problems:
        check.problems.sort()
        return RosterOutcome(check=check, added=[])
    for row in rows:
        row["password"] = temporary_password() if row["student_id"] is None else None
    added = [
        RosterAdded(
            line=row["line"],
            name=f"{row['first_name']} {row['last_name']}",
            username=row["username"],
            password=row["password"],
        )
        for row in rows
    ]
    job = RosterImport.objects.create(
        classroom=classroom,
        requested_by=requester,
        rows=rows,
        students=len(rows),
        new_accounts=sum(row["password"] is not None for row in rows),
    )
    # Outside any transaction: a backend that runs the job at once must not hash inside one.
    try:
        roster_import_job.enqueue(job.pk)
    except Exception:
        _roster_import_end(job.pk, failed_with=[(0, ROSTER_STOPPED)])
        raise
    job.refresh_from_db()
    return RosterOutcome(check=check, added=added, job=job)


def _roster_import_end(pk: int, *, failed_with: list[tuple[int, str]] | None = None, **fields):
    """Finish an import; its rows, and any first password still among them, are erased."""
    RosterImport.objects.filter(pk=pk).update(
        status=RosterImport.Status.FAILED if failed_with else RosterImport.Status.DONE,
        problems=sorted(failed_with or []),
        rows=[],
        finished_at=timezone.now(),
        **fields,
    )


def roster_import_run(*, import_id: int) -> str:
    """The job: hash every new account's password outside any transaction, then write the
    whole roster in one short transaction, or nothing if a row can no longer be added."""
    if not RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.QUEUED).update(
        status=RosterImport.Status.RUNNING
    ):
        return "already started"
    job = RosterImport.objects.select_related("classroom", "requested_by").get(pk=import_id)
    try:
        hashes = _roster_hash_passwords(job)
        return _roster_write(job, hashes)
    except BaseException:
        _roster_import_end(job.pk, failed_with=[(0, ROSTER_STOPPED)])
        raise


def _roster_hash_passwords(job: RosterImport) -> dict[int, str]:
    hashes: dict[int, str] = {}
    reported = time.monotonic()
    for row in job.rows:
        if row["password"] is None:
            continue
        hashes[row["line"]] = make_password(row["password"])
        if time.monotonic() - reported >= ROSTER_PROGRESS_SECONDS:
            RosterImport.objects.filter(pk=job.pk).update(prepared=len(hashes))
            reported = time.monotonic()
    return hashes


def _roster_write(job: RosterImport, hashes: dict[int, str]) -> str:
    planned = {row["line"]: row["student_id"] for row in job.rows}
    rows = [dict(row) for row in job.rows]
    try:
        with transaction.atomic():
            problems = _roster_match(classroom=job.classroom, requester=job.requested_by, rows=rows)
            # A username taken, or a student moved, between the upload and now.
            refused = dict(problems)
            for row in rows:
                if row["student_id"] != planned[row["line"]]:
                    refused.setdefault(
                        row["line"], ROSTER_USERNAME_UNAVAILABLE.format(username=row["username"])
                    )
            if refused:
                _roster_import_end(job.pk, failed_with=list(refused.items()))
                return "refused"
            _roster_enroll(job, rows, hashes)
            _roster_import_end(job.pk, prepared=len(hashes))
    except IntegrityError:
        _roster_import_end(
            job.pk,
            failed_with=[
                (
                    0,
                    "A username on the roster was taken while it was importing. "
                    "Nothing was saved; upload the roster again.",
                )
            ],
        )
        return "refused"
    return "done"


def _roster_enroll(job: RosterImport, rows: list[dict], hashes: dict[int, str]) -> None:
    new = User.objects.bulk_create(
        User(
            username=row["username"],
            email=row["email"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            role=User.Role.STUDENT,
            password=hashes[row["line"]],
        )
        for row in rows
        if row["student_id"] is None
    )
    existing = [row["student_id"] for row in rows if row["student_id"] is not None]
    enrollments = Enrollment.objects.filter(classroom=job.classroom, student_id__in=existing)
    enrollments.filter(removed_at__isnull=False).update(removed_at=None)
    enrolled = set(enrollments.values_list("student_id", flat=True))
    Enrollment.objects.bulk_create(
        [
            Enrollment(classroom=job.classroom, student=user, added_by=job.requested_by)
            for user in new
        ]
        + [
            Enrollment(classroom=job.classroom, student_id=pk, added_by=job.requested_by)
            for pk in existing
            if pk not in enrolled
        ]
    )
    # Bulk writes send no model signals; the class's pages list the roster.
    roster_changed.send(sender=Classroom, classroom_id=job.classroom_id)


def enrollment_set_accommodation(*, enrollment: Enrollment, accommodation: str) -> None:
    """A student's accommodation note in one class; only the class's teachers see it, so no
    student's page changes (an update, which leaves the pages' stamps alone)."""
    enrollment.accommodation = accommodation.strip()
    Enrollment.objects.filter(pk=enrollment.pk).update(accommodation=enrollment.accommodation)
