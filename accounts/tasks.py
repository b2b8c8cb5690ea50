"""Background jobs, run by Django's tasks framework (`manage.py db_worker` in production)."""

from django.tasks import task

from .services import roster_import_run


@task()
def roster_import_job(import_id: int) -> str:
    """Create and enroll the students of one uploaded roster."""
    return roster_import_run(import_id=import_id)
