"""What the import review page shows: the cleaned document with everything the builder found
marked in place, and its report in sentences."""

from dataclasses import dataclass, field

from lessons.models import EditorNote, Excerpt, Lesson, SourcedFact, SourceDocument
from lessons.passages import paragraph_runs

from .importing import note_for_gap, rejected_excerpts


@dataclass
class Found:
    """One thing marked in the document: an excerpt, a date, a figure or a gap."""

    kind: str  # excerpt, rejected, event, figure, gap
    label: str
    start: int
    end: int
    anchor: str


@dataclass
class Piece:
    """A run of source text (with its offset and what covers it), a mark's label, or a note."""

    text: str = ""
    at: int | None = None
    kinds: list[str] = field(default_factory=list)
    label: Found | None = None
    note: EditorNote | None = None


@dataclass
class ReviewParagraph:
    start: int
    pieces: list[Piece]
    restored: dict | None = None
    dropped_before: list[dict] = field(default_factory=list)


@dataclass
class GapRow:
    index: int
    gap: dict
    note: EditorNote | None
    evidence: list[str]


@dataclass
class Review:
    document: SourceDocument
    lesson: Lesson
    paragraphs: list[ReviewParagraph]
    dropped_at_end: list[dict]
    excerpts: list[Excerpt]
    rejected: list[dict]
    gaps: list[GapRow]
    summary: list[str]
    dropped_sentences: list[tuple[dict, tuple[str, str]]]
    document_open: bool
    lesson_open: bool


def document_review(*, document: SourceDocument, lesson: Lesson) -> Review:
    """Everything the review page of one document of one lesson shows, in four queries."""
    report = document.report or {}
    excerpts = list(
        Excerpt.objects.filter(module__lesson=lesson, document=document)
        .select_related("module")
        .order_by("start", "pk")
    )
    facts = list(
        SourcedFact.objects.filter(module__lesson=lesson, document=document).order_by("start")
    )
    notes = list(document.editor_notes.select_related("created_by"))
    rejected = rejected_excerpts(document, lesson)
    found: list[Found] = []
    for number, excerpt in enumerate(excerpts, start=1):
        excerpt.number = number
        excerpt.matches = (
            excerpt.start is not None
            and document.cleaned_text[excerpt.start : excerpt.end] == excerpt.text
        )
        if excerpt.start is not None:
            found.append(
                Found("excerpt", f"Excerpt {number}", excerpt.start, excerpt.end, f"x{excerpt.pk}")
            )
    for entry in rejected:
        if entry["start"] is not None:
            found.append(
                Found("rejected", "Rejected", entry["start"], entry["end"], f"r{entry['key']}")
            )
    seen_facts = set()
    for fact in facts:
        if (fact.start, fact.end) not in seen_facts:
            seen_facts.add((fact.start, fact.end))
            found.append(Found(fact.kind, fact.get_kind_display(), fact.start, fact.end, ""))
    for figure in report.get("figures", []):
        if (figure["start"], figure["end"]) not in seen_facts:
            found.append(Found("figure", "Figure", figure["start"], figure["end"], ""))
    gaps = []
    titles = {d.origin: d.title for d in lesson.documents.only("origin", "title")}
    for index, gap in enumerate(report.get("gaps", [])):
        found.append(Found("gap", f"Gap {index + 1}", gap["start"], gap["end"], f"gap-{index}"))
        evidence = [
            f"{titles.get(e['document'], e['document'])} gives {e['value']}: “{e['sentence']}”"
            for e in gap.get("corroborated_by", [])
        ]
        gaps.append(GapRow(index, gap, note_for_gap(gap, notes), evidence))
    paragraphs, dropped_at_end = _paragraphs(document.cleaned_text, found, notes, report)
    return Review(
        document=document,
        lesson=lesson,
        paragraphs=paragraphs,
        dropped_at_end=dropped_at_end,
        excerpts=excerpts,
        rejected=rejected,
        gaps=gaps,
        summary=_summary(document, report, excerpts, facts, gaps),
        dropped_sentences=[(d, _left_out_because(d["reason"])) for d in _dropped(report)],
        document_open=not document.lessons.exclude(status=Lesson.Status.DRAFT).exists(),
        lesson_open=lesson.is_editable,
    )


def _dropped(report: dict) -> list[dict]:
    return sorted(report.get("dropped", []), key=lambda d: (d["at"], d.get("position", 0)))


def _paragraphs(text: str, found: list[Found], notes: list, report: dict):
    restored = {r["start"]: r for r in report.get("restored", [])}
    dropped = _dropped(report)
    paragraphs = []
    for paragraph in paragraph_runs(text, found, notes):
        pieces: list[Piece] = []
        for run in paragraph.runs:
            pieces += [Piece(note=n) for n in run.notes]
            if run.end is None:
                break
            here = paragraph.spans
            pieces += [Piece(label=f) for f in here if max(f.start, paragraph.start) == run.start]
            covering = [f.kind for f in here if f.start <= run.start < f.end]
            pieces.append(
                Piece(text=text[run.start : run.end], at=run.start, kinds=sorted(set(covering)))
            )
        paragraphs.append(
            ReviewParagraph(
                start=paragraph.start,
                pieces=pieces,
                restored=restored.get(paragraph.start),
                dropped_before=[d for d in dropped if d["at"] == paragraph.start],
            )
        )
    ends = {p.start for p in paragraphs}
    return paragraphs, [d for d in dropped if d["at"] not in ends]


def _summary(document, report, excerpts, facts, gaps) -> list[str]:
    kept = report.get("paragraphs_kept", 0)
    dropped = len(report.get("dropped", []))
    restored = len(report.get("restored", []))
    lines = [
        f"The builder read this as {document.get_shape_display().lower()}. It kept "
        f"{_count(kept, 'paragraph')} and left out {dropped + restored}"
        + (f", of which you restored {restored}." if restored else ".")
    ]
    repairs = report.get("repairs", 0)
    lines.append(
        f"It repaired {_count(repairs, 'character')} damaged by a wrong text encoding."
        if repairs
        else "It found no encoding damage to repair."
    )
    references = document.references.count()
    if references:
        lines.append(f"It kept {_count(references, 'citation')} beside the sentences they support.")
    events = sum(1 for f in facts if f.kind == SourcedFact.Kind.EVENT)
    figures = len(report.get("figures", []))
    lines.append(
        f"This lesson shows {_count(len(excerpts), 'excerpt')} and {_count(events, 'date')} "
        f"from this document; the text states {_count(figures, 'figure')}."
    )
    if gaps:
        filled = sum(1 for g in gaps if g.note)
        lines.append(
            f"It flagged {_count(len(gaps), 'gap')} where the source lost a year or a number; "
            f"{filled} {'is' if filled == 1 else 'are'} filled with an editor's note."
        )
    else:
        lines.append("It flagged no gaps.")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _left_out_because(reason: str) -> tuple[str, str]:
    """The builder's reason as the end of "It was left out because it …", and the measures
    it went by (or "")."""
    first, _, numbers = reason.partition(";")
    first = first.strip()
    if first.startswith("debris: in the"):
        why = "sits" + first.removeprefix("debris:")
    elif first.startswith("debris: "):
        why = "looks like " + first.removeprefix("debris: ")
    elif first.startswith(("off ", "about ")):
        why = "is " + first
    else:
        why = first or "did not fit the document"
    return f"it {why}", numbers.strip()
