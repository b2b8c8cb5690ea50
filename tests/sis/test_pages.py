"""The upload form and an import's page: for admins only, with progress that refreshes itself
through htmx and, without scripts, through a link; and the job run by the database worker."""

import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import Classroom, User
from sis.models import OneRosterImport

from .conftest import district, pack, upload

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def detail_url(job: OneRosterImport) -> str:
    return reverse("sis:import-detail", args=[job.pk])


def test_only_admins_upload_or_read_imports(client, teacher, student, admin_user):
    job = OneRosterImport.objects.create(requested_by=admin_user, status="done")
    new = reverse("sis:import-new")
    for person in (teacher, student):
        client.force_login(person)
        assert client.get(new).status_code == 403
        assert client.post(new, {"archive": ""}).status_code == 403
        assert client.get(detail_url(job)).status_code == 403
    assert upload(client, pack(district("v1.1-bulk"))).status_code == 403
    assert OneRosterImport.objects.count() == 1
    assert not User.objects.filter(sourced_id__gt="").exists()
    client.logout()
    assert client.get(new).url.startswith(reverse("accounts:login"))
    assert client.get(detail_url(job)).url.startswith(reverse("accounts:login"))
    client.force_login(admin_user)
    assert client.get(new).status_code == 200
    assert client.get(detail_url(job)).status_code == 200
    assert client.post(detail_url(job)).status_code == 405
    assert client.get(reverse("sis:import-detail", args=[job.pk + 1])).status_code == 404


def test_the_upload_page_lists_recent_imports(staff_client, admin_user):
    upload(staff_client, pack(district("v1.1-bulk")), name="lincoln-2026-11.zip")
    html = staff_client.get(reverse("sis:import-new")).content.decode()
    job = OneRosterImport.objects.get()
    assert f'<a href="{detail_url(job)}">lincoln-2026-11.zip</a>' in html
    assert "by Admin Tester: Imported" in html


def test_a_running_import_polls_and_offers_a_refresh_link(staff_client, admin_user):
    job = OneRosterImport.objects.create(
        requested_by=admin_user, status="checking", rows_total=400, rows_checked=100
    )
    html = staff_client.get(detail_url(job)).content.decode()
    assert "Checking the files: 100 of 400 lines read." in html
    assert f'data-hx-get="{detail_url(job)}" data-hx-trigger="every 2s"' in html
    assert '<progress max="100" value="25"' in html
    assert f'<a href="{detail_url(job)}">Refresh progress</a>' in html
    fragment = staff_client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "100 of 400 lines read" in fragment
    assert "<html" not in fragment
    OneRosterImport.objects.filter(pk=job.pk).update(status="saving", rows_checked=400)
    fragment = staff_client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "Checking references and saving every record at once." in fragment


def test_a_finished_import_stops_polling(staff_client):
    upload(staff_client, pack(district("v1.2-bulk")))
    job = OneRosterImport.objects.get()
    html = staff_client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "Imported: every line was checked and saved." in html
    assert "hx-get" not in html


def test_the_admin_lists_imports_and_links_the_upload(staff_client):
    upload(staff_client, pack(district("v1.2-bulk")))
    html = staff_client.get(reverse("admin:sis_onerosterimport_changelist")).content.decode()
    assert f'href="{reverse("sis:import-new")}"' in html
    assert "Show the report" in html
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:sis_onerosterimport_changelist") in index


@pytest.fixture
def signal_handlers():
    """The worker installs its own handlers for stopping; the test run gets its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_import(client, settings, signal_handlers):
    settings.TASKS = DATABASE_TASKS
    admin = User.objects.create_user("admin", is_staff=True, role="teacher")
    client.force_login(admin)
    response = upload(client, pack(district("v1.1-bulk")))
    assert "Waiting to start." in response.content.decode()
    job = OneRosterImport.objects.get()
    assert job.status == "queued" and job.archive != b""
    assert not Classroom.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "sis.tasks.oneroster_import_job"

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )

    queued.refresh_from_db()
    job.refresh_from_db()
    assert (queued.status, queued.return_value) == ("SUCCESSFUL", "done")
    assert (job.status, job.archive, job.rows_checked) == ("done", b"", job.rows_total)
    assert Classroom.objects.count() == 2
    assert User.objects.filter(sourced_id__gt="", role="student").count() == 4


def test_a_job_runs_once(staff_client):
    from sis.services import oneroster_import_run

    upload(staff_client, pack(district("v1.1-bulk")))
    job = OneRosterImport.objects.get()
    assert oneroster_import_run(import_id=job.pk) == "already started"


def test_the_pages_read_the_same_number_of_queries_however_many_imports(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    upload(staff_client, pack(district("v1.1-bulk")))
    job = OneRosterImport.objects.get()
    few = (queries(reverse("sis:import-new")), queries(detail_url(job)))
    for _ in range(5):
        upload(staff_client, pack(district("v1.1-bulk")))
    job = OneRosterImport.objects.latest("pk")
    assert (queries(reverse("sis:import-new")), queries(detail_url(job))) == few
