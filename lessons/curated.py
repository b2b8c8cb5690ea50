"""Loading a curated lesson from its JSON file (format "history-lesson/1").

Excerpts and facts give their exact words ("quote"); the loader finds each in its document's
cleaned text, so every one keeps a real source span, and refuses a file where one is missing.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import builder
from .importing import ImportRefused, _save_document
from .models import (
    Excerpt,
    Lesson,
    Module,
    Question,
    SourcedFact,
    SourceDocument,
)
from .services import lesson_publish, rubric_create

FORMAT = "history-lesson/1"


def _document_for(entry: dict, base_dir: Path) -> SourceDocument:
    path = base_dir / entry["path"]
    raw = builder.decode_upload(data=path.read_bytes(), name=path.name)
    digest = builder.content_hash(raw)
    existing = SourceDocument.objects.filter(content_hash=digest).first()
    if existing:
        return existing
    built = builder.build_document(text=raw, name=path.name)
    return _save_document(built, raw, digest, None)


def _span(document: SourceDocument, quote: str, where: str, problems: list[str]):
    start = document.cleaned_text.find(quote)
    if start < 0:
        problems.append(f"{where}: the quote is not in {document.origin}: {quote[:60]!r}")
        return None, None
    return start, start + len(quote)


def lesson_load(*, path: Path, publish: bool = True) -> tuple[Lesson, bool]:
    """The curated lesson in `path`, created unless one with its slug exists; (lesson, created)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ImportRefused([f"{path.name} is not a {FORMAT} file."])
    existing = Lesson.objects.filter(slug=data["slug"]).order_by("-version").first()
    if existing:
        return existing, False
    base_dir = Path(settings.BASE_DIR)
    problems: list[str] = []
    with transaction.atomic():
        documents = {entry["key"]: _document_for(entry, base_dir) for entry in data["documents"]}
        lesson = Lesson.objects.create(
            slug=data["slug"],
            title=data["title"],
            central_question=data["central_question"],
            summary=data.get("summary", ""),
            grade_band=data.get("grade_band", ""),
            estimated_minutes=data.get("estimated_minutes", 90),
        )
        lesson.documents.set(documents.values())
        rubric = (
            rubric_create(title=data["rubric"]["title"], criteria=data["rubric"]["criteria"])
            if data.get("rubric")
            else None
        )
        for position, spec in enumerate(data["modules"], start=1):
            _save_module(lesson, position, spec, documents, rubric, problems)
        if problems:
            transaction.set_rollback(True)
            raise ImportRefused(problems)
        if publish:
            lesson_publish(lesson=lesson)
    return lesson, True


def _save_module(lesson, position, spec, documents, rubric, problems) -> Module:
    module = Module.objects.create(
        lesson=lesson,
        position=position,
        kind=spec["kind"],
        title=spec["title"],
        body=spec.get("body", ""),
        points=spec.get("points", 0),
        rubric=rubric if spec["kind"] == Module.Kind.ASSIGNMENT else None,
    )
    excerpts = {}
    for index, item in enumerate(spec.get("excerpts", []), start=1):
        document = documents[item["document"]]
        start, end = _span(document, item["quote"], f"module {position} excerpt {index}", problems)
        excerpts[item.get("key", index)] = Excerpt.objects.create(
            module=module,
            position=index,
            document=document,
            text=item["quote"],
            start=start,
            end=end,
            speaker=item.get("speaker") or Excerpt.UNNAMED,
            speaker_role=item.get("speaker_role", Excerpt.Role.UNKNOWN),
            date_text=item.get("date_text", ""),
            source_kind=item.get("source_kind", ""),
            context=item.get("context", ""),
        )
    for index, item in enumerate(spec.get("facts", []), start=1):
        document = documents[item["document"]]
        start, end = _span(document, item["quote"], f"module {position} fact {index}", problems)
        if start is None:
            continue
        SourcedFact.objects.create(
            module=module,
            kind=item["kind"],
            position=index,
            document=document,
            label=item["label"],
            year=item.get("year"),
            month=item.get("month"),
            text=item["text"],
            start=start,
            end=end,
        )
    for index, item in enumerate(spec.get("questions", []), start=1):
        Question.objects.create(
            module=module,
            position=index,
            text=item["text"],
            skill=item["skill"],
            excerpt=excerpts.get(item.get("excerpt")),
        )
    return module
