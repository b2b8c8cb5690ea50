"""Documents in, draft lesson out: the builder's result saved as models, all or nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from accounts.models import User

from . import builder
from .models import (
    Excerpt,
    Lesson,
    Module,
    Question,
    Reference,
    SourcedFact,
    SourceDocument,
)
from .services import lesson_free_slug, rubric_create

MAX_FILES = 20
UNTITLED_DOCUMENT = "Untitled document"


class ImportRefused(Exception):
    """The import wrote nothing; `problems` says why, one line per file or cause."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportOutcome:
    lesson: Lesson
    documents: list[SourceDocument]
    draft: builder.DraftLesson
    report: list[str] = field(default_factory=list)


def _decode_all(files: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    if not files:
        raise ImportRefused(["Choose at least one document to import."])
    if len(files) > MAX_FILES:
        raise ImportRefused([f"Import at most {MAX_FILES} documents at once."])
    decoded, problems = [], []
    for name, data in files:
        try:
            decoded.append((name, builder.decode_upload(data=data, name=name)))
        except builder.BuilderError as error:
            message = str(error)
            problems.append(message if name in message else f"{name}: {message}")
    if problems:
        raise ImportRefused(problems)
    return decoded


def _refuse_known(decoded: list[tuple[str, str]]) -> dict[str, str]:
    hashes = {name: builder.content_hash(text) for name, text in decoded}
    problems = []
    seen: dict[str, str] = {}
    for name, digest in hashes.items():
        if digest in seen:
            problems.append(f"{name} is the same document as {seen[digest]}.")
        seen.setdefault(digest, name)
    known = SourceDocument.objects.filter(content_hash__in=hashes.values())
    by_hash = {doc.content_hash: doc for doc in known}
    for name, digest in hashes.items():
        if digest in by_hash:
            doc = by_hash[digest]
            problems.append(
                f"{name} is already imported as “{doc.title}” (document {doc.pk}); "
                "it was not imported again."
            )
    if problems:
        raise ImportRefused(problems)
    return hashes


def documents_import(*, files: list[tuple[str, bytes]], user: User | None = None) -> ImportOutcome:
    """Create the source documents and a draft lesson from uploaded files, or nothing."""
    decoded = _decode_all(files)
    hashes = _refuse_known(decoded)
    try:
        draft = builder.build_lesson(documents=decoded)
    except builder.BuilderError as error:
        raise ImportRefused([str(error)]) from None
    raw = dict(decoded)
    with transaction.atomic():
        documents = {
            built.name: _save_document(built, raw[built.name], hashes[built.name], user)
            for built in draft.documents
        }
        lesson = _save_lesson(draft, documents)
    return ImportOutcome(
        lesson=lesson,
        documents=list(documents.values()),
        draft=draft,
        report=import_report(draft),
    )


def _save_document(built: builder.BuiltDocument, raw: str, digest: str, user) -> SourceDocument:
    document = SourceDocument.objects.create(
        # A file name is for editors: a document without a title of its own says so.
        title=built.title[:300] or UNTITLED_DOCUMENT,
        origin=built.name,
        author=built.author[:300],
        published=built.date[:100],
        site=built.site[:200],
        url=built.url[:500] if _is_web_address(built.url) else "",
        content_hash=digest,
        shape=built.shape,
        raw_text=raw,
        cleaned_text=built.cleaned_text,
        imported_by=user,
        report={
            "paragraphs_kept": len(built.paragraphs),
            "dropped": [
                {
                    "text": d.text,
                    "reason": d.reason,
                    "score": d.score,
                    "position": d.position,
                    "at": d.at,
                    # Spans within the paragraph, so a restored paragraph keeps its citations.
                    "references": [_reference_data(ref) for ref in d.references],
                }
                for d in built.dropped
            ],
            "figures": [
                {
                    "value": f.value_text,
                    "what": f.what,
                    "sentence": f.sentence,
                    "start": f.start,
                    "end": f.end,
                }
                for f in built.figures
            ],
            "gaps": [
                {
                    "text": g.text,
                    "sentence": g.sentence,
                    "start": g.start,
                    "end": g.end,
                    "kind": g.kind,
                    "corroborated_by": [
                        {"document": e.document, "sentence": e.sentence, "value": e.value}
                        for e in g.corroborated_by
                    ],
                }
                for g in built.gaps
            ],
            "repairs": built.repairs,
        },
    )
    Reference.objects.bulk_create(
        Reference(
            document=document,
            author=ref.author[:200],
            year=ref.year[:20],
            pages=ref.pages[:100],
            paragraph=ref.paragraph,
            start=ref.start,
            end=ref.end,
        )
        for ref in built.references
    )
    return document


def _reference_data(ref: builder.Reference) -> dict:
    return {
        "author": ref.author,
        "year": ref.year,
        "pages": ref.pages,
        "start": ref.start,
        "end": ref.end,
    }


def _is_web_address(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def _rubric_data(criteria: list[builder.RubricCriterion]) -> list[dict]:
    """The builder's proposed criteria in the plain form rubric_create takes."""
    return [
        {
            "title": item.name,
            "skill": item.skill if item.skill != "argument" else "",
            "levels": [
                {"title": lv.label, "points": lv.points, "description": lv.description}
                for lv in item.levels
            ],
        }
        for item in criteria
    ]


def _save_lesson(draft: builder.DraftLesson, documents: dict[str, SourceDocument]) -> Lesson:
    built = {doc.name: doc for doc in draft.documents}
    lesson = Lesson.objects.create(
        title=draft.title[:200],
        slug=lesson_free_slug(text=draft.title),
        central_question=draft.central_question,
        summary=draft.summary,
        estimated_minutes=draft.estimated_minutes,
        builder_notes={
            "draft": True,
            "note": draft.editor_note,
            "gaps": len(draft.gaps),
            "corroborations": [
                {"first": c.first.document, "second": c.second.document, "terms": c.shared_terms}
                for c in draft.corroborations
            ],
        },
    )
    lesson.documents.set(documents.values())
    for position, item in enumerate(draft.modules, start=1):
        rubric = (
            rubric_create(title=f"{lesson.title}: rubric", criteria=_rubric_data(item.rubric))
            if item.rubric
            else None
        )
        module = Module.objects.create(
            lesson=lesson,
            position=position,
            kind=item.kind,
            title=item.title[:200],
            body=item.body,
            points=item.points,
            rubric=rubric,
        )
        excerpts = _save_sources(module, item, built, documents)
        events = list(item.timeline) + [
            built[s.document].events[s.index]
            for s in item.sources
            if s.kind == "event" and built[s.document].events[s.index] not in item.timeline
        ]
        SourcedFact.objects.bulk_create(
            SourcedFact(
                module=module,
                kind=SourcedFact.Kind.EVENT,
                position=index,
                document=documents[event.document],
                label=event.date_text[:120],
                year=event.year,
                month=event.month,
                text=event.sentence or event.text,
                start=event.start,
                end=event.end,
            )
            for index, event in enumerate(events, start=1)
        )
        Question.objects.bulk_create(
            Question(
                module=module,
                position=index,
                text=question.text,
                skill=question.skill,
                excerpt=excerpts.get(_source_key(question.source)) if question.source else None,
            )
            for index, question in enumerate(item.questions, start=1)
        )
    return lesson


def _source_key(source: builder.SourceRef) -> tuple:
    return (source.document, source.kind, source.index)


def _save_sources(module, item, built, documents) -> dict[tuple, Excerpt]:
    saved: dict[tuple, Excerpt] = {}
    for position, source in enumerate(
        (s for s in item.sources if s.kind in {"excerpt", "passage"}), start=1
    ):
        found = built[source.document].excerpts[source.index] if source.kind == "excerpt" else None
        saved[_source_key(source)] = Excerpt.objects.create(
            module=module,
            position=position,
            document=documents[source.document],
            text=source.text,
            start=source.start,
            end=source.end,
            speaker=(found.speaker if found else Excerpt.UNNAMED)[:200],
            speaker_role=found.speaker_role if found else Excerpt.Role.UNKNOWN,
            date_text=(found.date_text if found else "")[:120],
            source_kind=(found.source_kind if found else "passage")[:120],
        )
    return saved


def import_report(draft: builder.DraftLesson) -> list[str]:
    """Lines an editor reads after an import: what was kept, dropped, found and flagged."""
    lines = []
    for doc in draft.documents:
        lines.append(f"{doc.name}: “{doc.title}” ({doc.shape})")
        lines.append(
            f"  paragraphs kept {len(doc.paragraphs)}, dropped {len(doc.dropped)}; "
            f"references {len(doc.references)}; excerpts {len(doc.excerpts)}; "
            f"events {len(doc.events)}; figures {len(doc.figures)}; gaps {len(doc.gaps)}; "
            f"encoding repairs {doc.repairs}"
        )
        for dropped in doc.dropped:
            lines.append(f"  dropped: {dropped.text[:70]!r} ({dropped.reason})")
        for gap in doc.gaps:
            where = ", ".join(f"{e.document} states {e.value!r}" for e in gap.corroborated_by)
            lines.append(f"  gap: {gap.sentence[:80]!r}" + (f" ({where})" if where else ""))
    lines.append(
        f"Draft lesson “{draft.title}”: {len(draft.modules)} modules, "
        f"{sum(len(m.questions) for m in draft.modules)} questions. It is a draft for an editor."
    )
    return lines
