from django.core.management.base import BaseCommand

from notifications.digest import send_digests
from notifications.tasks import send_digests_job


class Command(BaseCommand):
    help = (
        "Queue today's email digests for the worker (run once a day, from cron in "
        "production); with --now, send them from this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Send now instead of queueing.")

    def handle(self, *args, now: bool = False, **options):
        if now:
            self.stdout.write(f"Sent {send_digests()} digest email(s).")
        else:
            result = send_digests_job.enqueue()
            self.stdout.write(f"Queued the digests as job {result.id}.")
