"""What happens when a class works through a lesson: assignments, progress, answers, posts
and written work. Nothing here is ever deleted by a teacher's action, so work is kept."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Classroom
from lessons.models import Lesson, Module, Question


def new_stamp() -> int:
    """A fresh random stamp. Random rather than counted, so a stamp never comes back after a
    database is restored or rebuilt while rendered pages are still remembered."""
    return secrets.randbits(31)


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def open_now(self):
        """Active assignments whose open date has come (or that have none)."""
        now = timezone.now()
        return self.active().filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))


class Assignment(models.Model):
    """A published lesson given to a class, with optional open and due dates."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="assignments")
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Given to the whole class, or only to the students listed in `students`; the others
    # never see it.
    for_whole_class = models.BooleanField(default=True)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_individually",
        help_text="When not for the whole class: the students it is given to.",
    )
    # Changes whenever something every student's page shows changes: the assignment, its
    # class and roster, the discussion, a member's name (see coursework.stamps).
    stamp = models.IntegerField(default=new_stamp, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "lesson"],
                condition=Q(withdrawn_at__isnull=True),
                name="assignment_one_active_per_class_and_lesson",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(due_at__isnull=True)
                | Q(due_at__gte=models.F("opens_at")),
                name="assignment_due_after_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.title} for {self.classroom.name}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None and (
            self.opens_at is None or self.opens_at <= timezone.now()
        )

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()


class WorkStamp(models.Model):
    """Changes whenever one student's work in one assignment changes (see coursework.stamps),
    so a page rendered from that work can be reused until it does."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    stamp = models.IntegerField(default=new_stamp)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="workstamp_one_per_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.assignment_id}: {self.stamp}"


class Progress(models.Model):
    """One student's state in one module of one assignment, with its times."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="progress")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "progress"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "module"], name="progress_one_per_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.module}: {self.get_state_display()}"


class Visit(models.Model):
    """Where a student was last in an assignment, so the lesson resumes there."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="visits")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="visit_one_per_student")
        ]

    def __str__(self) -> str:
        return f"{self.student} at {self.module}"


class Answer(models.Model):
    """A student's answer to one guiding question."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="answers")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField()
    revision = models.PositiveIntegerField(
        default=0, help_text="Goes up by one on every save; a save must name the one it read."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "question"], name="answer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} on {self.question_id}"


class Post(models.Model):
    """A post or reply in a class's discussion of one module."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="posts")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    pinned = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-pinned", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="post_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class Submission(models.Model):
    """A student's written work for one assignment module: its draft and its history."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        REVISION = "revision", "Revision requested"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField(blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Goes up by one on every save; a save must name the one it read."
    )
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    returned_at = models.DateTimeField(null=True, blank=True)
    revision_comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "module"], name="submission_one_per_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.assignment}: {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.REVISION}


class SubmissionVersion(models.Model):
    """The text as handed in, kept for every hand-in, so revisions never lose earlier work."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


# Grades live in their own module; importing them here registers them with the app.
from .grades import CriterionScore, Grade  # noqa: E402, F401


class StudentDates(models.Model):
    """One student's own open and due dates for an assignment (an extension, say). Where a
    row exists, its dates replace the assignment's for that student everywhere."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="student_dates"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_dates"
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "student dates"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="student_dates_one_per_assignment"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(due_at__isnull=True)
                | Q(due_at__gte=models.F("opens_at")),
                name="student_dates_due_after_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.assignment}"


class BankedComment(models.Model):
    """A teacher's reusable grading comment, for the whole work or for one rubric criterion."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="banked_comments"
    )
    criterion = models.ForeignKey(
        "lessons.Criterion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a comment on the work as a whole.",
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["teacher", "criterion", "text"]

    def __str__(self) -> str:
        return self.text[:60]
