"""What a person is told about their classes: in the header's bell, on the notifications page
and, once a day, in an email digest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    class Kind(models.TextChoices):
        RETURNED = "returned", "Work returned"
        REVISION = "revision", "Revision requested"
        DUE_SOON = "due_soon", "Due in 24 hours"
        REPLY = "reply", "Reply to your post"
        SUBMITTED = "submitted", "New submission"
        LATE = "late", "Late submission"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, help_text="The page it is about, on this site.")
    # Names the event for reminders that must not repeat (a due date reminded once).
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The notifications page showed it; it is then left out of the digest.
    seen_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_key_once_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"


class NotificationSettings(models.Model):
    """A person's choices; without a row, the defaults (the daily digest on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_digest = models.BooleanField(
        "Email me a daily digest",
        default=True,
        help_text="Once a day, the notifications you have not yet seen here.",
    )

    def __str__(self) -> str:
        return f"{self.user}: digest {'on' if self.email_digest else 'off'}"
