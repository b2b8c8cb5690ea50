"""How an LMS's courses, links and grade columns map onto our classes and assignments.

django-lti keeps the LTI side (registrations, deployments, users by platform and subject,
contexts, resource links, line items); these models tie those rows to ours.
"""

from django.db import models
from lti_tool.models import LtiContext, LtiLineItem, LtiResourceLink, LtiUser

from accounts.models import Classroom
from coursework.models import Assignment, Submission
from lessons.models import Lesson


class CourseLink(models.Model):
    """An LMS course (an LTI context) taught here as one of our classes."""

    context = models.OneToOneField(
        LtiContext, on_delete=models.CASCADE, related_name="course_link"
    )
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="lms_links")
    created_at = models.DateTimeField(auto_now_add=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.context} → {self.classroom}"


class Placement(models.Model):
    """A link in the LMS (an LTI resource link) that opens one of our lessons.

    Deep linking names the lesson; the first launch in the course gives it to the class as
    an assignment, and every later launch of the link opens that assignment.
    """

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="placement"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="lms_placements")
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lms_placements",
    )
    line_item = models.ForeignKey(
        LtiLineItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.resource_link} → {self.lesson}"


class ScorePassback(models.Model):
    """One student's score for one written assignment, on its way to the LMS's grade column."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="score_passbacks"
    )
    line_item = models.ForeignKey(LtiLineItem, on_delete=models.CASCADE, related_name="+")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    score = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "line_item"], name="passback_one_per_submission_column"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.get_state_display()}"
