"""Background jobs, run by Django's tasks framework (`manage.py db_worker` in production)."""

from django.tasks import task

from .digest import send_digests
from .services import remind_due_soon


@task()
def send_digests_job() -> int:
    """Email each person the notifications they have not yet seen; the number of emails."""
    return send_digests()


@task()
def remind_due_soon_job() -> int:
    """Remind students of work due in the next 24 hours; the number of reminders."""
    return remind_due_soon()
