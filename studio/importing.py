"""Importing documents in the studio, and the author's corrections to what the builder found.

Every write here keeps one promise: each excerpt, fact, reference, note and flagged span of a
document still points at the same words of its cleaned text afterwards. A document's text
and notes change only while every lesson using it is a draft, since students of a published
lesson read its passages; an excerpt changes only in a draft lesson.
"""

import re
from dataclasses import dataclass
from uuid import uuid4

from django.db import transaction
from django.db.models import F, Max

from accounts.models import User
from lessons import builder
from lessons.importing import ImportOutcome, ImportRefused, documents_import
from lessons.models import (
    EditorNote,
    Excerpt,
    Lesson,
    Module,
    Question,
    Reference,
    SourcedFact,
    SourceDocument,
)
from lessons.services import lesson_free_slug

from .services import lock_draft

SEPARATOR = "\n\n"
MAX_EXCERPT_CHARS = 4000
MAX_NOTE_CHARS = 300
PASTE_NAME = "Pasted text"


class ReviewRefused(Exception):
    """The correction wrote nothing; the message says why, for the author."""


# Importing


def studio_import_files(*, files, user: User) -> ImportOutcome:
    """Import uploaded files (Django UploadedFile objects) into documents and a draft lesson."""
    too_big = [f.name for f in files if f.size > builder.MAX_UPLOAD_BYTES]
    if too_big:
        raise ImportRefused(
            [f"{name} is larger than 2 MB; split it or trim it." for name in too_big]
        )
    return documents_import(files=[(f.name, f.read()) for f in files], user=user)


def studio_import_paste(*, title: str, origin: str, text: str, user: User) -> ImportOutcome:
    """Import pasted text as one document, read by the builder as a file with that text."""
    title, origin = title.strip(), origin.strip()
    if not text.strip():
        raise ImportRefused(["The pasted text is empty: paste the document's text."])
    with transaction.atomic():
        outcome = documents_import(
            files=[(origin[:100] or PASTE_NAME, text.encode("utf-8"))], user=user
        )
        document = outcome.documents[0]
        document.title = title[:300]
        document.origin = origin[:500]
        document.save(update_fields=["title", "origin"])
        # The author named the document; the lesson made from it alone takes that name.
        lesson = outcome.lesson
        lesson.title, lesson.slug = title[:200], ""
        lesson.save(update_fields=["title", "slug"])
        lesson.slug = lesson_free_slug(text=lesson.title)
        lesson.save(update_fields=["slug"])
    return outcome


# Who may change what


def require_document_open(document: SourceDocument) -> None:
    """Refuse a change to a document that a published or archived lesson shows to students."""
    fixed = document.lessons.exclude(status=Lesson.Status.DRAFT).first()
    if fixed is not None:
        raise ReviewRefused(
            f"“{document.title}” is part of “{fixed.title}”, which is "
            f"{fixed.get_status_display().lower()}, so its text and notes can't change; "
            "nothing was changed."
        )


def _locked(document: SourceDocument) -> SourceDocument:
    """The document's row, locked: publishing locks its lessons' documents too, so a change
    checked under this lock can't land in a lesson published meanwhile."""
    return SourceDocument.objects.select_for_update().get(pk=document.pk)


# Restoring a dropped paragraph


@transaction.atomic
def dropped_paragraph_restore(*, document: SourceDocument, position: int, user: User) -> int:
    """Put a dropped paragraph back at its place; every span after it moves with the text.

    Returns where the restored paragraph now starts in the cleaned text."""
    document = _locked(document)
    require_document_open(document)
    report = dict(document.report)
    dropped = list(report.get("dropped", []))
    item = next((d for d in dropped if d.get("position") == position), None)
    if item is None:
        raise ReviewRefused(
            "That paragraph is not among the dropped ones (it may have been restored "
            "already); nothing was changed."
        )
    text, at, paragraph = document.cleaned_text, item["at"], item["text"]
    shift = len(paragraph) + len(SEPARATOR)
    if at <= len(text):
        new_text, starts_at = text[:at] + paragraph + SEPARATOR + text[at:], at
        index = text[:at].count(SEPARATOR)
    else:
        new_text, starts_at = text + SEPARATOR + paragraph, len(text) + len(SEPARATOR)
        index = text.count(SEPARATOR) + 1
    crossing = (
        Excerpt.objects.filter(document=document, start__lt=at, end__gt=at).first()
        or SourcedFact.objects.filter(document=document, start__lt=at, end__gt=at).first()
    )
    if crossing is not None:
        raise ReviewRefused(
            f"“{crossing.text[:60]}…” runs across the place this paragraph returns to; "
            "remove it first. Nothing was changed."
        )
    after = {"start__gte": at}
    moved = {"start": F("start") + shift, "end": F("end") + shift}
    Excerpt.objects.filter(document=document, **after).update(**moved)
    SourcedFact.objects.filter(document=document, **after).update(**moved)
    Reference.objects.filter(document=document, paragraph__gte=index).update(
        paragraph=F("paragraph") + 1
    )
    Reference.objects.filter(document=document, **after).update(**moved)
    Reference.objects.bulk_create(
        Reference(
            document=document,
            author=ref["author"][:200],
            year=ref["year"][:20],
            pages=ref["pages"][:100],
            paragraph=index,
            start=starts_at + ref["start"],
            end=starts_at + ref["end"],
        )
        for ref in item.get("references", [])
    )
    EditorNote.objects.filter(document=document, offset__gte=at).update(offset=F("offset") + shift)

    def later(span: dict) -> dict:
        return {**span, "start": span["start"] + shift, "end": span["end"] + shift}

    def moved_spans(key: str) -> list[dict]:
        spans = report.get(key, [])
        return [later(s) if s["start"] is not None and s["start"] >= at else s for s in spans]

    report["gaps"] = moved_spans("gaps")
    report["figures"] = moved_spans("figures")
    report["rejected_excerpts"] = moved_spans("rejected_excerpts")
    report["restored"] = [
        *(later(s) if s["start"] >= at else s for s in report.get("restored", [])),
        {
            "text": paragraph,
            "reason": item.get("reason", ""),
            "position": position,
            "start": starts_at,
            "end": starts_at + len(paragraph),
            "by": user.display_name if user else "",
        },
    ]
    # Paragraphs dropped from the same place keep their order around the restored one.
    report["dropped"] = [
        {**d, "at": d["at"] + shift}
        if d["at"] > at or (d["at"] == at and d.get("position", -1) > position)
        else d
        for d in dropped
        if d is not item
    ]
    report["paragraphs_kept"] = report.get("paragraphs_kept", 0) + 1
    document.cleaned_text = new_text
    document.report = report
    document.save(update_fields=["cleaned_text", "report"])
    return starts_at


# Excerpts: rejecting, taking back, making


def _bump(module: Module) -> None:
    # Another author's editor page showing the module's old excerpts must not save over this.
    Module.objects.filter(pk=module.pk).update(revision=F("revision") + 1)


@transaction.atomic
def excerpt_reject(*, lesson: Lesson, excerpt: Excerpt, user: User) -> dict:
    """Take a found excerpt (and the guiding questions asked about it) out of the draft
    lesson, kept on its document's report so the author can take the rejection back."""
    lock_draft(lesson)
    document = _locked(excerpt.document)
    module = excerpt.module
    questions = list(excerpt.questions.order_by("position", "pk"))
    entry = {
        "key": uuid4().hex,
        "lesson": lesson.pk,
        "module": module.pk,
        "position": excerpt.position,
        "text": excerpt.text,
        "start": excerpt.start,
        "end": excerpt.end,
        "speaker": excerpt.speaker,
        "speaker_role": excerpt.speaker_role,
        "date_text": excerpt.date_text,
        "source_kind": excerpt.source_kind,
        "context": excerpt.context,
        "questions": [
            {"text": q.text, "skill": q.skill, "position": q.position} for q in questions
        ],
        "by": user.display_name,
    }
    Question.objects.filter(pk__in=[q.pk for q in questions]).delete()
    excerpt.delete()
    _bump(module)
    report = dict(document.report)
    report["rejected_excerpts"] = [*report.get("rejected_excerpts", []), entry]
    document.report = report
    document.save(update_fields=["report"])
    return entry


def rejected_excerpts(document: SourceDocument, lesson: Lesson) -> list[dict]:
    return [e for e in document.report.get("rejected_excerpts", []) if e["lesson"] == lesson.pk]


@transaction.atomic
def excerpt_unreject(*, lesson: Lesson, document: SourceDocument, key: str) -> Excerpt:
    """Put a rejected excerpt and its questions back where they were."""
    lock_draft(lesson)
    document = _locked(document)
    entry = next((e for e in rejected_excerpts(document, lesson) if e["key"] == key), None)
    if entry is None:
        raise ReviewRefused(
            "That excerpt is not among the rejected ones (it may be back already); "
            "nothing was changed."
        )
    module = lesson.modules.filter(pk=entry["module"]).first()
    if module is None:
        raise ReviewRefused(
            "The module this excerpt was in is gone; select the words again to make it. "
            "Nothing was changed."
        )
    start, end = entry["start"], entry["end"]
    if start is not None and document.cleaned_text[start:end] != entry["text"]:
        raise ReviewRefused("The excerpt's words are no longer at its place; nothing was changed.")
    excerpt = Excerpt.objects.create(
        module=module,
        document=document,
        position=entry["position"],
        text=entry["text"],
        start=start,
        end=end,
        speaker=entry["speaker"],
        speaker_role=entry["speaker_role"],
        date_text=entry["date_text"],
        source_kind=entry["source_kind"],
        context=entry["context"],
    )
    Question.objects.bulk_create(
        Question(module=module, excerpt=excerpt, **question) for question in entry["questions"]
    )
    _bump(module)
    report = dict(document.report)
    report["rejected_excerpts"] = [
        e for e in report.get("rejected_excerpts", []) if e["key"] != key
    ]
    document.report = report
    document.save(update_fields=["report"])
    return excerpt


def span_from_words(text: str, first_words: str, last_words: str) -> tuple[int, int]:
    """The span of `text` that begins with `first_words` and ends with `last_words`, matched
    without regard to case or spacing; ReviewRefused when either is missing or ambiguous."""
    first, last = _phrase(first_words), _phrase(last_words)
    if first is None or last is None:
        raise ReviewRefused("Give the first few words and the last few words of the passage.")
    starts = [m.start() for m in first.finditer(text)]
    if not starts:
        raise ReviewRefused(f"“{first_words.strip()}” is not in the document's text.")
    if len(starts) > 1:
        raise ReviewRefused(
            f"“{first_words.strip()}” is in the document {len(starts)} times; give more of "
            "the first words so they point to one place."
        )
    start = starts[0]
    ends = [m.end() for m in last.finditer(text, start)]
    if not ends:
        raise ReviewRefused(
            f"“{last_words.strip()}” does not come after “{first_words.strip()}” in the "
            "document's text."
        )
    if len(ends) > 1:
        raise ReviewRefused(
            f"“{last_words.strip()}” comes {len(ends)} times after the first words; give "
            "more of the last words so they point to one place."
        )
    return start, ends[0]


def _phrase(words: str) -> re.Pattern | None:
    parts = words.split()
    if not parts:
        return None
    return re.compile(r"\s+".join(re.escape(p) for p in parts), re.IGNORECASE)


@dataclass
class ExcerptFields:
    speaker: str
    speaker_role: str
    date_text: str
    source_kind: str


@transaction.atomic
def excerpt_create(
    *,
    lesson: Lesson,
    document: SourceDocument,
    module: Module,
    start: int,
    end: int,
    fields: ExcerptFields,
) -> Excerpt:
    """An excerpt of the document's words [start:end] (surrounding spaces left out), added
    at the end of one of the draft lesson's modules."""
    lock_draft(lesson)
    document = _locked(document)
    text = document.cleaned_text
    if not 0 <= start < end <= len(text):
        raise ReviewRefused("The selection is not inside the document's text; select it again.")
    words = text[start:end]
    start += len(words) - len(words.lstrip())
    end -= len(words) - len(words.rstrip())
    if start >= end:
        raise ReviewRefused("The selection holds no words; select the passage again.")
    if end - start > MAX_EXCERPT_CHARS:
        raise ReviewRefused(
            f"An excerpt can be at most {MAX_EXCERPT_CHARS:,} characters; this one is "
            f"{end - start:,}. Select a shorter passage."
        )
    if module.excerpts.filter(document=document, start=start, end=end).exists():
        raise ReviewRefused(f"This passage is already an excerpt in “{module.title}”.")
    position = (module.excerpts.aggregate(last=Max("position"))["last"] or 0) + 1
    excerpt = Excerpt.objects.create(
        module=module,
        document=document,
        position=position,
        text=text[start:end],
        start=start,
        end=end,
        speaker=fields.speaker.strip()[:200] or Excerpt.UNNAMED,
        speaker_role=fields.speaker_role,
        date_text=fields.date_text.strip()[:120],
        source_kind=fields.source_kind.strip()[:120],
    )
    _bump(module)
    return excerpt


# Filling a gap with an editor's note


def gap_note_offset(gap: dict) -> int:
    """Where the missing words go: in the hole before a stray comma ("in , many",
    "August, , of"), otherwise just after the flagged words."""
    text = gap["text"]
    hole = text.find(" ,")
    return gap["start"] + hole + 1 if hole >= 0 else gap["end"]


def note_for_gap(gap: dict, notes) -> EditorNote | None:
    return next((n for n in notes if gap["start"] <= n.offset <= gap["end"]), None)


@transaction.atomic
def gap_fill(*, document: SourceDocument, gap_index: int, text: str, user: User) -> EditorNote:
    """The author's words for a flagged gap, kept as an editor's note beside the source text
    (which never changes); filling a gap again replaces its note."""
    document = _locked(document)
    require_document_open(document)
    gaps = document.report.get("gaps", [])
    if not 0 <= gap_index < len(gaps):
        raise ReviewRefused("There is no such gap in this document; nothing was changed.")
    words = text.strip().removeprefix("[").removesuffix("]").strip()
    if not words:
        raise ReviewRefused("Write the missing words (for example a year) to fill the gap.")
    if len(words) > MAX_NOTE_CHARS:
        raise ReviewRefused(f"A note can be at most {MAX_NOTE_CHARS} characters.")
    if "[" in words or "]" in words:
        raise ReviewRefused("Leave out the brackets inside the note; students see it in [ ].")
    gap = gaps[gap_index]
    note = note_for_gap(gap, document.editor_notes.all())
    if note is None:
        return EditorNote.objects.create(
            document=document, offset=gap_note_offset(gap), text=words, created_by=user
        )
    note.text, note.created_by = words, user
    note.save(update_fields=["text", "created_by"])
    return note


@transaction.atomic
def editor_note_delete(*, document: SourceDocument, note_pk: int) -> None:
    require_document_open(document)
    deleted, _ = EditorNote.objects.filter(document=document, pk=note_pk).delete()
    if not deleted:
        raise ReviewRefused("That note is already gone; nothing was changed.")
