"""The public entry points: build one document, or a draft lesson from several."""

from __future__ import annotations

from .clean import CleanParagraph, clean_document
from .corroborate import corroborate_gaps, find_corroborations
from .draft import propose_lesson
from .errors import BuilderError
from .excerpts import block_excerpts, extract_excerpts
from .facts import extract_events, extract_figures
from .gaps import find_gaps
from .relevance import Relevance, debris_reason, score_paragraphs
from .speakers import SPEECH_VERB
from .types import BuiltDocument, DraftLesson, DroppedParagraph, Paragraph, Reference
from .upload import check_text

PARAGRAPH_SEPARATOR = "\n\n"


def build_document(*, text: str, name: str) -> BuiltDocument:
    """Clean one raw document and extract its excerpts, events, figures and gaps."""
    check_text(text=text, name=name)
    cleaned = clean_document(text=text)
    debris = [debris_reason(p.text, p.section) for p in cleaned.paragraphs]
    content = [p for p, reason in zip(cleaned.paragraphs, debris, strict=True) if not reason]
    scored = iter(
        score_paragraphs(
            [p.text for p in content], had_boilerplate=[p.had_boilerplate for p in content]
        )
    )
    verdicts = [
        Relevance(0.0, 0.0, True, reason) if reason else _keep_attributed(p.text, next(scored))
        for p, reason in zip(cleaned.paragraphs, debris, strict=True)
    ]
    kept_sources = [p for p, v in zip(cleaned.paragraphs, verdicts, strict=True) if not v.off_topic]
    if not kept_sources:
        raise BuilderError(
            f"{name}: no paragraphs remain after cleaning; is it the text of a document?"
        )
    paragraphs = _place_paragraphs(kept_sources)
    dropped = _dropped(cleaned.paragraphs, verdicts)
    cleaned_text = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    excerpts = extract_excerpts(document=name, paragraphs=paragraphs, text=cleaned_text)
    quoted = block_excerpts(
        document=name,
        paragraphs=paragraphs,
        quoted_by=[p.quoted_by for p in kept_sources],
        author=cleaned.author,
        letter=cleaned.letter,
        text=cleaned_text,
    )
    if quoted:
        excerpts = sorted(
            quoted + [e for e in excerpts if not any(q.start <= e.start < q.end for q in quoted)],
            key=lambda e: e.start,
        )
    return BuiltDocument(
        name=name,
        shape=cleaned.shape,
        # A file name is never a title; an untitled document stays untitled for the editor.
        title=cleaned.title,
        author=cleaned.author,
        date=cleaned.date,
        site=cleaned.site,
        url=cleaned.url,
        cleaned_text=cleaned_text,
        paragraphs=paragraphs,
        dropped=dropped,
        references=[ref for p in paragraphs for ref in p.references],
        excerpts=excerpts,
        events=extract_events(document=name, paragraphs=paragraphs),
        figures=extract_figures(document=name, paragraphs=paragraphs),
        gaps=find_gaps(document=name, paragraphs=paragraphs),
        repairs=cleaned.repairs,
    )


def build_lesson(*, documents: list[tuple[str, str]]) -> DraftLesson:
    """Build each (name, raw text) document, relate them, and propose a draft lesson."""
    if not documents:
        raise BuilderError("No documents were given to build a lesson from.")
    names = [name for name, _ in documents]
    if len(set(names)) != len(names):
        raise BuilderError("Each document in a lesson needs a different name.")
    built = [build_document(text=text, name=name) for name, text in documents]
    built = corroborate_gaps(documents=built)
    pairs = find_corroborations(documents=built)
    return propose_lesson(documents=built, corroborations=pairs)


def _keep_attributed(text: str, verdict: Relevance) -> Relevance:
    # A paragraph holding someone's quoted words is a source, whatever its vocabulary.
    if verdict.off_topic and any(c in text for c in '"“”') and SPEECH_VERB.search(text):
        return Relevance(verdict.similarity, verdict.key_term_share, False, "")
    return verdict


def _dropped(sources: list[CleanParagraph], verdicts: list) -> list[DroppedParagraph]:
    """Every paragraph left out, with why and where it sat, so an editor can restore it."""
    dropped = []
    offset = 0
    for number, (source, verdict) in enumerate(zip(sources, verdicts, strict=True)):
        if not verdict.off_topic:
            offset += len(source.text) + len(PARAGRAPH_SEPARATOR)
            continue
        dropped.append(
            DroppedParagraph(
                text=source.text,
                reason=verdict.reason,
                score=verdict.similarity,
                references=_references(source, paragraph_index=-1, offset=0),
                position=number,
                at=offset,
            )
        )
    return dropped


def _place_paragraphs(sources: list[CleanParagraph]) -> list[Paragraph]:
    paragraphs = []
    offset = 0
    for index, source in enumerate(sources):
        paragraphs.append(
            Paragraph(
                text=source.text,
                start=offset,
                end=offset + len(source.text),
                section=source.section,
                references=_references(source, paragraph_index=index, offset=offset),
            )
        )
        offset += len(source.text) + len(PARAGRAPH_SEPARATOR)
    return paragraphs


def _references(source: CleanParagraph, *, paragraph_index: int, offset: int) -> list[Reference]:
    return [
        Reference(
            author=cited.citation.author,
            year=cited.citation.year,
            pages=cited.citation.pages,
            paragraph=paragraph_index,
            sentence=source.text[cited.start : cited.end],
            start=offset + cited.start,
            end=offset + cited.end,
            note=cited.citation.note,
        )
        for cited in source.citations
    ]
