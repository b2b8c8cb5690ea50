import os
import signal
import time
from datetime import date, datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.tasks import remind_due_soon_job, send_digests_job


def jobs_due(
    now: datetime, *, last_reminder: datetime | None, last_digest_day: date | None, digest_hour: int
) -> list:
    """The jobs to queue at `now`: the reminders an hour after the last ones, the digest once
    a day from `digest_hour`."""
    due = []
    if last_reminder is None or (now - last_reminder).total_seconds() >= 3600:
        due.append(remind_due_soon_job)
    if now.hour >= digest_hour and last_digest_day != now.date():
        due.append(send_digests_job)
    return due


class Command(BaseCommand):
    help = (
        "For one machine without cron (`make run`): queue the due-soon reminders every hour "
        "and the digests once a day from DIGEST_HOUR (local time, default 17), until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")

    def handle(self, *args, interval: int = 60, **options):
        digest_hour = int(os.environ.get("DIGEST_HOUR", "17"))
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        last_reminder, last_digest_day = None, None
        while not stopping:
            now = timezone.localtime()
            for job in jobs_due(
                now,
                last_reminder=last_reminder,
                last_digest_day=last_digest_day,
                digest_hour=digest_hour,
            ):
                job.enqueue()
                if job is remind_due_soon_job:
                    last_reminder = now
                else:
                    last_digest_day = now.date()
            for _ in range(interval):
                if stopping:
                    break
                time.sleep(1)
