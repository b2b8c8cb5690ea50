"""OneRoster imports: the zip a district's information system produces, checked whole and
written by a background job, and the district's schools, terms and courses it names."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class OneRosterImport(models.Model):
    """One uploaded OneRoster zip, its progress and, once done, its report.

    The zip waits here for the job and is erased when the job ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking the files"
        SAVING = "saving", "Saving"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    version = models.CharField("OneRoster version", max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    archive = models.BinaryField(blank=True, default=b"", editable=False)
    rows_total = models.PositiveIntegerField(default=0, help_text="Lines in the zip's files.")
    rows_checked = models.PositiveIntegerField(default=0)
    # [file, line, field, message], line 0 when the problem is with a file as a whole.
    problems = models.JSONField(default=list, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    # What the import did, as counts by name (see sis.services.SUMMARY_LINES).
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "OneRoster import"
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_checked__lte=models.F("rows_total")),
                name="oneroster_import_checked_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name or 'OneRoster import'} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("sis:import-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.SAVING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return self.rows_checked * 100 // self.rows_total


class DistrictRecord(models.Model):
    """A school or district (org), term (academic session) or course named in an import.

    Only what later files may refer to is kept, so a delta file's class can name a course
    or term sent in an earlier file.
    """

    class Kind(models.TextChoices):
        ORG = "org", "School or district"
        SESSION = "session", "Term"
        COURSE = "course", "Course"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    sourced_id = models.CharField("SIS id", max_length=255)
    title = models.CharField(max_length=255, blank=True)
    deleted = models.BooleanField(
        default=False, help_text="The district's files marked it to be deleted."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "title", "sourced_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sourced_id"], name="district_record_one_per_kind_and_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title or self.sourced_id}"
