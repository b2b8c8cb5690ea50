import os
import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.tasks import remind_due_soon_job, send_digests_job


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
        last_reminder = None
        last_digest_day = None
        while not stopping:
            now = timezone.localtime()
            if last_reminder is None or (now - last_reminder).total_seconds() >= 3600:
                remind_due_soon_job.enqueue()
                last_reminder = now
            if now.hour >= digest_hour and last_digest_day != now.date():
                send_digests_job.enqueue()
                last_digest_day = now.date()
            for _ in range(interval):
                if stopping:
                    break
                time.sleep(1)
