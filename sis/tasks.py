"""Background jobs, run by Django's tasks framework (`manage.py db_worker` in production)."""

from django.tasks import task

from .services import oneroster_import_run


@task()
def oneroster_import_job(import_id: int) -> str:
    """Check and import one uploaded OneRoster zip."""
    return oneroster_import_run(import_id=import_id)
