"""Roster imports as background jobs: passwords hashed outside any transaction, the whole
roster written at once or not at all, progress shown on the class page, and the database
worker running a queued import."""

import re
import signal

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts import services
from accounts.models import Classroom, Enrollment, RosterImport, User
from coursework import stamps
from tests.accounts.test_roster import HEADER, upload
from tests.conftest import make_user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IN_TRANSACTION: list[bool] = []


class TransactionWatchingHasher(MD5PasswordHasher):
    """Notes, for each password it hashes, whether a transaction was open at the time."""

    def encode(self, password, salt):
        IN_TRANSACTION.append(connection.in_atomic_block)
        return super().encode(password, salt)


def roster(count: int, prefix: str = "pupil") -> bytes:
    rows = "".join(f"Pupil,Number{n},{prefix}{n},{prefix}{n}@example.org\n" for n in range(count))
    return (HEADER + rows).encode()


def first_password(html: str, username: str) -> str:
    return re.search(rf'<td>{re.escape(username)}</td><td class="code">([^<]+)</td>', html)[1]


def progress_url(job: RosterImport) -> str:
    return reverse("accounts:class-roster-import", args=[job.classroom_id, job.pk])


@pytest.mark.django_db(transaction=True)
def test_passwords_are_hashed_outside_any_transaction(client, settings, teacher, classroom):
    settings.PASSWORD_HASHERS = [f"{__name__}.TransactionWatchingHasher"]
    client.force_login(teacher)
    IN_TRANSACTION.clear()
    response = upload(client, classroom, roster(5))
    assert response.status_code == 200
    assert IN_TRANSACTION == [False] * 5
    assert Enrollment.objects.active().filter(classroom=classroom).count() == 5
    pupil = User.objects.get(username="pupil3")
    assert pupil.check_password(first_password(response.content.decode(), "pupil3"))


def test_a_roster_of_2000_new_students_is_imported_whole(client, teacher, classroom):
    client.force_login(teacher)
    response = upload(client, classroom, roster(2000))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Added 2000 students to History 10 (2000 new accounts)" in html
    assert Enrollment.objects.active().filter(classroom=classroom).count() == 2000
    last = User.objects.get(username="pupil1999")
    assert (last.email, last.role, last.last_name) == (
        "pupil1999@example.org",
        "student",
        "Number1999",
    )
    assert last.check_password(first_password(html, "pupil1999"))


def test_a_finished_import_keeps_no_roster_rows_or_first_passwords(client, teacher, classroom):
    client.force_login(teacher)
    html = upload(client, classroom, roster(3)).content.decode()
    job = RosterImport.objects.get()
    assert (job.status, job.rows, job.students, job.new_accounts, job.prepared) == (
        "done",
        [],
        3,
        3,
        3,
    )
    assert first_password(html, "pupil0") not in str(RosterImport.objects.values().get())


def test_the_class_page_shows_a_running_import_and_polls_it(client, teacher, classroom):
    job = RosterImport.objects.create(
        classroom=classroom, status="running", students=12, new_accounts=10, prepared=3
    )
    client.force_login(teacher)
    for url in (reverse("accounts:class-roster", args=[classroom.pk]), progress_url(job)):
        html = client.get(url).content.decode()
        assert "Adding 12 students to History 10: 3 of 10 new accounts prepared." in html
        assert f'hx-get="{progress_url(job)}" hx-trigger="every 2s"' in html
        # Without JavaScript the same page is one link away.
        assert f'<a href="{progress_url(job)}">Refresh progress</a>' in html
    fragment = client.get(progress_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "3 of 10 new accounts prepared" in fragment
    assert "<html" not in fragment


def test_a_finished_import_stops_polling(client, teacher, classroom):
    job = RosterImport.objects.create(
        classroom=classroom, status="done", students=12, new_accounts=10, prepared=10
    )
    client.force_login(teacher)
    html = client.get(progress_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "Added 12 students to History 10 (10 new accounts)." in html
    assert "hx-get" not in html


def test_an_import_older_than_a_day_leaves_the_class_page(client, teacher, classroom):
    RosterImport.objects.create(
        classroom=classroom, status="done", students=4, finished_at="2020-01-01T00:00Z"
    )
    client.force_login(teacher)
    assert "Added 4 students" not in client.get(classroom.get_absolute_url()).content.decode()


def test_an_imports_progress_is_for_its_class_teachers_only(
    client, teacher, classroom, student, other_teacher, other_classroom
):
    job = RosterImport.objects.create(classroom=classroom, status="running")
    elsewhere = RosterImport.objects.create(classroom=other_classroom, status="running")
    client.force_login(other_teacher)
    assert client.get(progress_url(job)).status_code == 404
    client.force_login(student)
    assert client.get(progress_url(job)).status_code == 403
    client.force_login(teacher)
    wrong_class = reverse("accounts:class-roster-import", args=[classroom.pk, elsewhere.pk])
    assert client.get(wrong_class).status_code == 404
    assert client.post(progress_url(job)).status_code == 405


def test_a_username_taken_before_the_job_runs_fails_the_import_whole(
    client, settings, teacher, classroom
):
    settings.TASKS = DATABASE_TASKS
    client.force_login(teacher)
    response = upload(client, classroom, roster(3))
    assert "waiting to start" in response.content.decode()
    job = RosterImport.objects.get()
    make_user("pupil1", role=User.Role.TEACHER)

    assert services.roster_import_run(import_id=job.pk) == "refused"

    job.refresh_from_db()
    assert (job.status, job.rows) == ("failed", [])
    assert not User.objects.filter(username__in=["pupil0", "pupil2"]).exists()
    assert not Enrollment.objects.filter(classroom=classroom).exists()
    html = client.get(reverse("accounts:class-roster", args=[classroom.pk])).content.decode()
    assert "The roster was not imported and nothing was saved" in html
    assert "Line 3: username &#x27;pupil1&#x27; can&#x27;t be used for this class" in html
    # A job is run once, whatever the queue does.
    assert services.roster_import_run(import_id=job.pk) == "already started"


def test_a_job_that_breaks_saves_nothing_and_says_so(client, teacher, classroom, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(stamps, "bump_class", broken)
    client.force_login(teacher)
    html = upload(client, classroom, roster(3)).content.decode()
    assert "The import stopped before it finished. Nothing was saved" in html
    assert not User.objects.filter(username__startswith="pupil").exists()
    assert RosterImport.objects.get().rows == []


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
    teacher = make_user("teacher", role=User.Role.TEACHER)
    classroom = Classroom.objects.create(name="History 10", join_code="ABCDEF7")
    classroom.teachers.add(teacher)
    client.force_login(teacher)

    html = upload(client, classroom, roster(4)).content.decode()
    assert "Adding 4 students to History 10: waiting to start" in html
    assert not User.objects.filter(username__startswith="pupil").exists()
    queued = DBTaskResult.objects.get()
    job = RosterImport.objects.get()
    # The queue holds only the import's id, never a roster row or a password.
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == "done"
    assert Enrollment.objects.active().filter(classroom=classroom).count() == 4
    assert User.objects.get(username="pupil2").check_password(first_password(html, "pupil2"))
    page = client.get(reverse("accounts:class-roster", args=[classroom.pk])).content.decode()
    assert "Added 4 students to History 10 (4 new accounts)" in page
