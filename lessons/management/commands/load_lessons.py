"""Load the curated lessons shipped in fixtures/lessons/. Safe to run again."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.curated import lesson_load
from lessons.importing import ImportRefused


class Command(BaseCommand):
    help = "Load curated lessons (history-lesson/1 JSON files) and publish them."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Lesson files; default: fixtures/lessons/*.json"
        )

    def handle(self, *args, paths, **options):
        paths = paths or sorted((Path(settings.BASE_DIR) / "fixtures" / "lessons").glob("*.json"))
        for path in paths:
            try:
                lesson, created = lesson_load(path=path)
            except ImportRefused as refused:
                raise CommandError(f"{path.name}: " + "; ".join(refused.problems)) from None
            state = "Loaded" if created else "Already loaded"
            self.stdout.write(f"{state}: “{lesson.title}” ({lesson.get_status_display().lower()})")
