"""Grade passback run by the real database worker in batch mode: a send that meets a 500 is
queued again for later, and sent when its time comes."""

# ruff: noqa: F811 - the fixtures are imported from platform_services and the shared casts

import signal
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coursework import grading
from lms.models import ScorePassback
from tests.lessons.conftest import document, draft_lesson, published_lesson  # noqa: F401
from tests.lms.platform_services import (  # noqa: F401
    graded,
    linked,
    placed,
    platform,
    regrade,
    tool_key,
)
from tests.teacher.conftest import assignment  # noqa: F401

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def signal_handlers():
    """The worker installs its own handlers for stopping; the test run gets its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )


def make_due(job: DBTaskResult) -> None:
    """The retry's time has come."""
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_a_passback_is_retried_after_a_500_then_sent(
    settings, signal_handlers, platform, placed, assignment, student, teacher
):
    settings.TASKS = DATABASE_TASKS
    platform.score_statuses = [500]
    submission = graded(assignment, student, teacher)
    grading.grade_return(submission=submission)

    first = DBTaskResult.objects.get()
    assert first.task_path == "lms.tasks.passback_send_job"
    passback = ScorePassback.objects.get()
    assert passback.state == ScorePassback.State.QUEUED  # queued, not yet sent
    assert platform.score_attempts == 0

    run_worker()
    passback.refresh_from_db()
    assert passback.state == ScorePassback.State.RETRYING
    assert passback.attempts == 1
    assert passback.last_error.startswith("the LMS answered 500 Internal Server Error")
    first.refresh_from_db()
    assert (first.status, first.return_value) == ("SUCCESSFUL", "retrying")
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.status == "READY"
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=30) < wait <= timedelta(minutes=1)

    run_worker()  # not due yet: nothing is sent
    assert platform.score_attempts == 1

    make_due(retry)
    run_worker()
    retry.refresh_from_db()
    assert (retry.status, retry.return_value) == ("SUCCESSFUL", "sent")
    passback.refresh_from_db()
    assert passback.state == ScorePassback.State.SENT
    assert (passback.attempts, passback.last_error) == (2, "")
    (score,) = platform.scores
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("u-amara", 10, 16)


@pytest.mark.django_db(transaction=True)
def test_a_regrade_while_retrying_sends_only_the_new_score(
    settings, signal_handlers, platform, placed, assignment, student, teacher
):
    settings.TASKS = DATABASE_TASKS
    platform.score_statuses = [503]
    submission = graded(assignment, student, teacher)
    grading.grade_return(submission=submission)
    run_worker()
    assert ScorePassback.objects.get().state == ScorePassback.State.RETRYING

    regrade(submission, teacher, [4, 4, 4, 4], "Revised after our talk.")
    passback = ScorePassback.objects.get()
    assert (passback.state, passback.score, passback.attempts) == ("queued", 16, 0)
    for job in DBTaskResult.objects.filter(status="READY"):
        make_due(job)
    run_worker()

    assert [s["scoreGiven"] for s in platform.scores] == [16]
    assert platform.scores[0]["comment"] == "Revised after our talk."
    passback.refresh_from_db()
    assert passback.state == ScorePassback.State.SENT
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [
        "already sent",
        "retrying",
        "sent",
    ]
