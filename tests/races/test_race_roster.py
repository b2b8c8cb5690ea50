"""A roster import with the production password hasher, and a student's autosave sent while it
runs: the import hashes outside the write transaction, so the autosave answers at once."""

import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import global_settings
from django.db import connection
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker

from accounts.models import Enrollment, RosterImport, User
from coursework.models import Submission
from tests.coursework.conftest import WRITE, module_url
from tests.races.conftest import at_once

NEW_STUDENTS = 10  # about half a second of hashing each
AUTOSAVE_AFTER = 1.0  # seconds into the import: its hashing is under way by then
AUTOSAVE_WITHIN = 2.5  # seconds; a save queued behind the whole import would take far longer


@pytest.fixture(autouse=True)
def _production_hasher(settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def post_roster(teacher_tab, classroom):
    """The roster as a multipart upload, as a browser sends a file."""
    rows = "".join(f"New,Pupil{n},newpupil{n},\n" for n in range(NEW_STUDENTS))
    boundary = "----roster-boundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="roster"; filename="roster.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
        "first name,last name,username,email\n"
        f"{rows}\r\n--{boundary}--\r\n"
    ).encode()
    return send(
        teacher_tab,
        reverse("accounts:class-roster", args=[classroom.pk]),
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def send(tab, path: str, body: bytes, headers: dict):
    """A POST from the tab with headers of our own."""
    request = urllib.request.Request(
        tab.base_url + path,
        data=body,
        headers={"Cookie": tab.cookie, "X-CSRFToken": tab.csrf, **headers},
        method="POST",
    )
    return tab._send(request)


def timed(call):
    def run():
        started = time.monotonic()
        reply = call()
        return reply, time.monotonic() - started

    return run


def later(seconds, call):
    def run():
        time.sleep(seconds)
        return call()

    return run


def autosave(student_tab, assignment):
    """The autosave the writing page's script sends as the student types."""
    return timed(
        lambda: send(
            student_tab,
            module_url(assignment, WRITE, "draft-save"),
            urllib.parse.urlencode({"text": "still typing", "revision": 0}).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "X-Autosave": "1",
            },
        )
    )


def assert_imported(classroom):
    new = User.objects.filter(username__startswith="newpupil")
    assert new.count() == NEW_STUDENTS
    assert all(user.password.startswith("pbkdf2_sha256$") for user in new)
    assert Enrollment.objects.active().filter(classroom=classroom, student__in=new).count() == (
        NEW_STUDENTS
    )


def assert_saved_quickly(saved, elapsed, assignment, student):
    assert saved.status == 200, saved.text[:500]
    assert elapsed < AUTOSAVE_WITHIN, elapsed
    assert Submission.objects.get(assignment=assignment, student=student).text == "still typing"


def test_a_students_autosave_answers_at_once_while_a_roster_imports_in_the_request(
    tab, teacher, classroom, assignment, student
):
    upload, (saved, elapsed) = at_once(
        timed(lambda: post_roster(tab(teacher), classroom)),
        later(AUTOSAVE_AFTER, autosave(tab(student), assignment)),
    )
    reply, import_time = upload
    assert reply.status == 200, reply.text[:500]
    # The save really was sent while the passwords were being hashed.
    assert import_time > AUTOSAVE_AFTER + elapsed
    assert_saved_quickly(saved, elapsed, assignment, student)
    assert_imported(classroom)


def test_a_students_autosave_answers_at_once_while_the_worker_imports_a_roster(
    tab, settings, teacher, classroom, assignment, student
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reply = post_roster(tab(teacher), classroom)
    assert reply.status == 200, reply.text[:500]
    assert "waiting to start" in reply.text
    worker_done = threading.Event()

    def work():
        try:
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="race-worker",
                excluded_queue_names=[],
            ).run()
        finally:
            worker_done.set()
            connection.close()

    worker, (saved, elapsed) = at_once(
        timed(work), later(AUTOSAVE_AFTER, autosave(tab(student), assignment))
    )
    assert worker_done.is_set()
    assert worker[1] > AUTOSAVE_AFTER + elapsed
    assert_saved_quickly(saved, elapsed, assignment, student)
    assert RosterImport.objects.get().status == "done"
    assert_imported(classroom)
