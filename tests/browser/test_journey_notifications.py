"""Notifications in a real browser: a teacher returns graded work, the daily digest goes out
through the database worker, and the student finds the notification behind the header's
bell and opens it."""

import signal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coursework import grading, services
from notifications.models import Notification
from tests.browser.conftest import class_with

pytestmark = pytest.mark.browser


@pytest.fixture
def signal_handlers():
    """The worker installs its own handlers for stopping; the test run gets its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


def returned_work(school):
    """The student's essay handed in, graded with the first level of every criterion and
    returned by the teacher."""
    student, teacher = school["student"], school["teacher"]
    classroom = class_with(teacher, student)
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=school["lesson"],
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=7),
    )
    module = school["lesson"].modules.get(kind="assignment")
    draft = services.draft_save(
        assignment=assignment,
        student=student,
        module=module,
        text="The confessions were forced; the observers believed them.",
        revision=0,
    )
    submission = services.submission_submit(submission=draft, revision=draft.revision)
    grade = grading.grade_for(submission=submission)
    scores = [
        grading.ScoreInput(criterion.pk, criterion.levels.first().pk)
        for criterion in grade.rubric.criteria.all()
    ]
    grading.grade_save(
        submission=submission,
        version_id=grade.version_id,
        grader=teacher,
        revision=grade.revision,
        scores=scores,
        comment="Name the trial's date.",
    )
    grading.grade_return(submission=submission, version_id=grade.version_id)
    return assignment, module


def test_returned_work_reaches_the_student_by_email_and_behind_the_bell(
    visit, school, settings, signal_handlers
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://history.example.org"
    school["student"].email = "amara@example.org"
    school["student"].save(update_fields=["email"])
    assignment, module = returned_work(school)

    # The daily digest, queued and sent by the real worker.
    call_command("send_digests", verbosity=0)
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )
    (email,) = [m for m in mail.outbox if m.to == ["amara@example.org"]]
    assert email.subject == "History Lessons: 1 new notification"
    assert "was returned with a grade" in email.body

    student = visit("student")
    student.log_in("student")
    bell = student.page.get_by_role("link", name="Notifications 1 unread")
    expect(bell).to_be_visible()  # the count arrives after the page loads
    student.follow("Notifications 1 unread")
    page = student.page
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    student.follow("was returned with a grade", exact=False)
    assert page.url.endswith(
        reverse("coursework:player-module", args=[assignment.pk, module.position])
    )
    assert Notification.objects.get(recipient=school["student"]).read_at is not None
    # Read: the bell has no count any more.
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def test_the_bell_and_mark_all_read_work_without_javascript(visit, school):
    returned_work(school)
    student = visit("student", javascript=False)
    student.log_in("student")
    student.follow("Notifications", exact=True)
    student.submit("Mark all read")
    expect(student.page.locator(".message")).to_contain_text("Marked 1 notification as read.")
    assert Notification.objects.get(recipient=school["student"]).read_at is not None
    student.follow("Email digest settings")
    student.page.get_by_label("Email me a daily digest").uncheck()
    student.submit("Save")
    expect(student.page.locator(".message")).to_contain_text("The daily digest is off.")
