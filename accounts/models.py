import secrets
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L: a code read aloud or copied from a board can't be mistyped.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 7
JOIN_CODE_MIN, JOIN_CODE_MAX = 6, 8
CLASS_NAME_MAX = 100


class User(AbstractUser):
    """A person using the app: a student or a teacher. Admins are staff."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STUDENT)
    sourced_id = models.CharField(
        "SIS id",
        max_length=255,
        blank=True,
        help_text="The person's sourcedId in the school's information system (OneRoster).",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["student", "teacher"]), name="user_role_valid"
            ),
            models.UniqueConstraint(
                fields=["sourced_id"], condition=~Q(sourced_id=""), name="user_sourced_id_unique"
            ),
        ]

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT and not self.is_staff

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.pk])

    def _get_session_auth_hash(self, secret=None):
        # Checked on every signed-in request; the HMAC depends only on its inputs.
        return session_auth_hash(self.password, secret or settings.SECRET_KEY)


@lru_cache(maxsize=4096)
def session_auth_hash(password: str, secret: str) -> str:
    """Django's session hash for a stored password hash, computed once per process."""
    return salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
        password,
        secret=secret,
        algorithm="sha256",
    ).hexdigest()


def new_join_code() -> str:
    """A random join code from the unambiguous alphabet."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw: str) -> str:
    """The code as a student may type it (lower case, spaces, dashes) in canonical form."""
    return "".join(ch for ch in raw.upper() if not ch.isspace() and ch != "-")


def new_class_stamp() -> int:
    """A fresh random stamp; random, so an old value never comes back after a restore."""
    return secrets.randbits(31)


class Classroom(models.Model):
    """A class: its teachers, its students (through enrollments) and its join code."""

    name = models.CharField(max_length=CLASS_NAME_MAX)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teaching")
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Enrollment",
        through_fields=("classroom", "student"),
        related_name="classrooms",
    )
    join_code = models.CharField(max_length=JOIN_CODE_MAX, default=new_join_code)
    joining_enabled = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Changes whenever what the class's pages show of it changes: its name, archived flag,
    # teachers, roster or a member's name (see coursework.stamps).
    stamp = models.IntegerField(default=new_class_stamp, editable=False)
    sourced_id = models.CharField(
        "SIS id",
        max_length=255,
        blank=True,
        help_text="The class's sourcedId in the school's information system (OneRoster).",
    )

    class Meta:
        ordering = ["archived", "name", "pk"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        constraints = [
            models.UniqueConstraint(
                fields=["sourced_id"],
                condition=~Q(sourced_id=""),
                name="classroom_sourced_id_unique",
            ),
            models.UniqueConstraint(
                fields=["join_code"],
                condition=Q(archived=False),
                name="classroom_join_code_unique_when_active",
            ),
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("join_code"), JOIN_CODE_MIN))
                & Q(LessThanOrEqual(Length("join_code"), JOIN_CODE_MAX)),
                name="classroom_join_code_length",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="classroom_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:class-detail", args=[self.pk])


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)


class Enrollment(models.Model):
    """A student's place in a class. Removal is recorded, never deleted, so work stays."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The teacher who added the student; empty when they joined with the code.",
    )
    accommodation = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example “extra time” or “read-aloud”; only the class's teachers see it.",
    )
    sourced_id = models.CharField(
        "SIS id",
        max_length=255,
        blank=True,
        help_text="The enrollment's sourcedId in the school's information system (OneRoster).",
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["classroom", "student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="enrollment_one_per_student_and_class"
            ),
            models.UniqueConstraint(
                fields=["sourced_id"],
                condition=~Q(sourced_id=""),
                name="enrollment_sourced_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class RosterImport(models.Model):
    """A roster upload whose accounts are created by a background job, and its progress.

    The rows wait here for the job; a new account's first password stays only until its
    hash is made, and every row is erased once the job ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Preparing accounts"
        DONE = "done", "Done"
        FAILED = "failed", "Not imported"

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="roster_imports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.JSONField(default=list, blank=True)
    new_accounts = models.PositiveIntegerField(default=0)
    prepared = models.PositiveIntegerField(
        default=0, help_text="New accounts whose password is ready so far."
    )
    students = models.PositiveIntegerField(default=0, help_text="Rows on the roster.")
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prepared__lte=models.F("new_accounts")),
                name="roster_import_prepared_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"Roster for {self.classroom} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:class-roster-import", args=[self.classroom_id, self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE or not self.new_accounts:
            return 100 if self.status == self.Status.DONE else 0
        return self.prepared * 100 // self.new_accounts
