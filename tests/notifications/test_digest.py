"""The daily digest, sent by the real database worker in batch mode."""

import signal
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coursework.models import Assignment
from notifications.digest import send_digests
from notifications.models import Notification, NotificationSettings
from notifications.services import notify
from notifications.tasks import send_digests_job
from tests.conftest import make_user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def tell(person, text):
    notify([person], kind=Notification.Kind.RETURNED, text=text, url="/work/1/5/")
    return Notification.objects.filter(recipient=person).latest("pk")


@pytest.fixture
def reader(db):
    return make_user("reader", email="reader@example.org", first_name="Ada", last_name="Reed")


def test_one_email_per_person_with_each_new_item_once(reader, settings):
    settings.SITE_URL = "https://history.example.org"
    first = tell(reader, "Your work for “The Bridge” was returned with a grade.")
    tell(reader, "Bruno Silva replied to your post in “The Bridge”.")
    assert send_digests() == 1
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject == "History Lessons: 2 new notifications"
    assert "Hello Ada Reed," in message.body
    assert "- Your work for “The Bridge” was returned with a grade." in message.body
    assert f"https://history.example.org/notifications/{first.pk}/" in message.body
    assert "https://history.example.org/notifications/settings/" in message.body
    assert not Notification.objects.filter(emailed_at=None).exists()
    # Nothing new: nothing sent.
    assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_read_or_seen_items_are_left_out(reader):
    read = tell(reader, "Already opened")
    seen = tell(reader, "Already on the page")
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00Z")
    Notification.objects.filter(pk=seen.pk).update(seen_at="2026-01-01T00:00Z")
    assert send_digests() == 0
    tell(reader, "Fresh")
    send_digests()
    (message,) = mail.outbox
    assert "Fresh" in message.body
    assert "Already" not in message.body


def test_nothing_for_people_without_an_address_or_who_opted_out(reader, db):
    no_address = make_user("noaddress")
    tell(no_address, "Nowhere to send")
    NotificationSettings.objects.create(user=reader, email_digest=False)
    tell(reader, "Opted out")
    assert send_digests() == 0
    assert mail.outbox == []
    assert not Notification.objects.exclude(emailed_at=None).exists()


@pytest.fixture
def signal_handlers():
    """The worker installs its own handlers for stopping; the test run gets its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_the_queued_digest(settings, signal_handlers):
    settings.TASKS = DATABASE_TASKS
    reader = make_user("reader", email="reader@example.org")
    make_user("quiet", email="quiet@example.org")  # nothing new: no email
    tell(reader, "Your work for “The Bridge” was returned with a grade.")

    call_command("send_digests", verbosity=0)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "notifications.tasks.send_digests_job"
    assert mail.outbox == []  # queued, not yet sent

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == 1
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "returned with a grade" in message.body


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_writes_queued_reminders(
    settings, signal_handlers, assignment, student
):
    settings.TASKS = DATABASE_TASKS
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(hours=3))
    call_command("remind_due_soon", verbosity=0)
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )
    assert DBTaskResult.objects.get().return_value == 1
    assert Notification.objects.get().recipient == student


def test_the_job_runs_the_digest(reader):
    tell(reader, "Returned")
    result = send_digests_job.enqueue()  # the tests' immediate backend
    assert result.return_value == 1
    assert len(mail.outbox) == 1


def test_the_clock_queues_reminders_hourly_and_the_digest_once_a_day_from_its_hour():
    from notifications.management.commands.notification_clock import jobs_due
    from notifications.tasks import remind_due_soon_job

    morning = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
    evening = morning.replace(hour=17, minute=30)
    due = jobs_due(morning, last_reminder=None, last_digest_day=None, digest_hour=17)
    assert due == [remind_due_soon_job]
    later = morning + timedelta(minutes=59)
    assert jobs_due(later, last_reminder=morning, last_digest_day=None, digest_hour=17) == []
    due = jobs_due(evening, last_reminder=morning, last_digest_day=None, digest_hour=17)
    assert due == [remind_due_soon_job, send_digests_job]
    sent_today = evening.date()
    assert send_digests_job not in jobs_due(
        evening, last_reminder=evening, last_digest_day=sent_today, digest_hour=17
    )
