"""Background jobs, run by Django's tasks framework (`manage.py db_worker` in production)."""

from django.tasks import task

from .passback import passback_send


@task()
def passback_send_job(passback_id: int) -> str:
    """Post one returned grade to its LMS grade column: sent, retrying or failed."""
    return passback_send(passback_id=passback_id)
