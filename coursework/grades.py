"""Grades: a teacher's rubric scores for one handed-in version, hidden until returned."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lessons.models import Criterion, Level, Rubric


def _awarded(scores) -> int:
    return sum(score.points or 0 for score in scores if score.level_id)


class Grade(models.Model):
    """The grading of one handed-in version; students see it only once it is returned."""

    version = models.OneToOneField(
        "coursework.SubmissionVersion", on_delete=models.CASCADE, related_name="grade"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="grades")
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    override_points = models.PositiveIntegerField(null=True, blank=True)
    override_reason = models.CharField(max_length=300, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Goes up on every save; a save must name the one it read."
    )
    updated_at = models.DateTimeField(auto_now=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(override_points__isnull=True) | ~Q(override_reason=""),
                name="grade_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Grade for {self.version}"

    @property
    def is_saved(self) -> bool:
        """Returned, or saved at least once (every save moves the revision on)."""
        return self.returned_at is not None or self.revision > 0

    @property
    def rubric_points(self) -> int:
        """The points awarded as they were when each level was chosen."""
        return _awarded(self.scores.all())

    @property
    def points(self) -> int:
        return self.override_points if self.override_points is not None else self.rubric_points

    def total_of(self, scores) -> int:
        """`points` from the grade's scores when they are read already."""
        return self.override_points if self.override_points is not None else _awarded(scores)

    @property
    def is_complete(self) -> bool:
        """Every criterion of the rubric has a level."""
        chosen = {s.criterion_id for s in self.scores.all() if s.level_id}
        return chosen >= {c.pk for c in self.rubric.criteria.all()}


class CriterionScore(models.Model):
    """The level chosen for one rubric criterion, with the teacher's comment on it."""

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, null=True, blank=True, related_name="scores"
    )
    # Copied from the level when it is chosen, so the grade never follows a later rubric edit.
    points = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(points__isnull=False),
                name="score_level_has_points",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level or '—'}"


class GradeRecord(models.Model):
    """A returned grade as the student saw it, kept when a regrade replaces it."""

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="history")
    points = models.PositiveIntegerField()
    max_points = models.PositiveIntegerField()
    override_reason = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True)
    # [{"criterion": title, "level": title, "points": n, "comment": text}, ...] in rubric order.
    scores = models.JSONField(default=list)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    returned_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["grade", "-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.points} of {self.max_points}, replaced {self.replaced_at}"
