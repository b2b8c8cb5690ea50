from django.core.management.base import BaseCommand

from notifications.services import remind_due_soon
from notifications.tasks import remind_due_soon_job


class Command(BaseCommand):
    help = (
        "Queue the reminders of work due in the next 24 hours for the worker (run every hour, "
        "from cron in production); with --now, write them from this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Write now instead of queueing.")

    def handle(self, *args, now: bool = False, **options):
        if now:
            self.stdout.write(f"Wrote {remind_due_soon()} reminder(s).")
        else:
            result = remind_due_soon_job.enqueue()
            self.stdout.write(f"Queued the reminders as job {result.id}.")
