"""Import source documents and make a draft lesson from them, in one transaction."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons import builder
from lessons.importing import ImportRefused, documents_import


class Command(BaseCommand):
    help = "Import text documents (wikitext or scraped web text) and build a draft lesson."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Text files to import.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Write the builder's draft as JSON to standard output; save nothing.",
        )

    def handle(self, *args, paths, json: bool = False, **options):
        files = []
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
            if path.stat().st_size > builder.MAX_UPLOAD_BYTES:
                raise CommandError(f"{path.name} is larger than 2 MB; nothing was imported.")
            files.append((path.name, path.read_bytes()))
        if json:
            return self._write_json(files)
        try:
            outcome = documents_import(files=files)
        except ImportRefused as refused:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {p}" for p in refused.problems)
            ) from None
        for line in outcome.report:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved {len(outcome.documents)} document(s) and draft lesson "
                f"{outcome.lesson.pk} “{outcome.lesson.title}”."
            )
        )

    def _write_json(self, files):
        try:
            texts = [(name, builder.decode_upload(data=data, name=name)) for name, data in files]
            draft = builder.build_lesson(documents=texts)
        except builder.BuilderError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json_dumps(draft.to_dict()))


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
