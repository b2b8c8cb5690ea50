"""Splitting a cleaned document into paragraphs with one span marked, for "show in context",
and setting an editor's notes into the text in [brackets]."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False
    # An editor's words where the source has a gap, "[…]" included: never the source's text.
    note: bool = False


PARAGRAPH_BREAK = "\n\n"


class Span(NamedTuple):
    start: int
    end: int


@dataclass(frozen=True)
class Run:
    """A stretch [start:end] of a paragraph, in the document's offsets, after the notes set
    in at its start; a paragraph's last run has no end and holds the notes at its end."""

    start: int
    end: int | None
    notes: list


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    spans: list  # those of the spans asked about that reach into it
    runs: list[Run]


def paragraph_runs(text: str, spans: Iterable, notes: Iterable) -> Iterator[Paragraph]:
    """The text's blank-line paragraphs, each cut into runs wherever one of `spans`
    (anything with `start` and `end`) begins or ends and wherever a note (anything with
    `offset`) is set in; a note between two paragraphs closes the first one."""
    spans, notes = list(spans), list(notes)
    offset = 0
    for block in text.split(PARAGRAPH_BREAK):
        start, end = offset, offset + len(block)
        offset = end + len(PARAGRAPH_BREAK)
        here = [s for s in spans if s.start < end and s.end > start]
        inside = [n for n in notes if start <= n.offset < offset]
        cuts = sorted(
            {start, end}
            | {min(max(s.start, start), end) for s in here}
            | {min(max(s.end, start), end) for s in here}
            | {min(n.offset, end) for n in inside}
        )
        runs = [
            Run(a, b, [n for n in inside if min(n.offset, end) == a])
            for a, b in zip(cuts, [*cuts[1:], None], strict=True)
        ]
        yield Paragraph(start, end, here, runs)


def paragraphs_with_mark(
    text: str, start: int | None, end: int | None, notes: Iterable = ()
) -> list[list[Segment]]:
    """The text's blank-line paragraphs, each a list of segments; [start:end] is marked, and
    each note (anything with `offset` and `text`) is set in at its offset."""
    marks = [Span(start, end)] if start is not None and end is not None else []
    paragraphs: list[list[Segment]] = []
    for paragraph in paragraph_runs(text, marks, sorted(notes, key=lambda n: n.offset)):
        if not text[paragraph.start : paragraph.end].strip():
            continue
        segments: list[Segment] = []
        for run in paragraph.runs:
            segments += [_note_segment(text, run.start, note) for note in run.notes]
            if run.end is not None:
                marked = bool(marks) and start <= run.start < end
                segments.append(Segment(text[run.start : run.end], marked=marked))
        paragraphs.append([s for s in segments if s.text])
    return paragraphs


def _note_segment(text: str, at: int, note) -> Segment:
    before = " " if at and not text[at - 1].isspace() else ""
    after = " " if at < len(text) and text[at].isalnum() else ""
    return Segment(f"{before}[{note.text}]{after}", note=True)


def text_with_notes(text: str, start: int | None, notes: Iterable) -> SafeString:
    """`text`, which begins at `start` in its document, with the notes inside it set in at
    their offsets as [bracketed] words: escaped, and marked as the editor's."""
    if start is None:
        return conditional_escape(text)
    end = start + len(text)
    inside = sorted((n for n in notes if start < n.offset <= end), key=lambda n: n.offset)
    if not inside:
        return conditional_escape(text)
    pieces, cursor = [], 0
    for note in inside:
        at = note.offset - start
        pieces.append(conditional_escape(text[cursor:at]))
        pieces.append(
            format_html('<span class="editor-note">{}</span>', _note_segment(text, at, note).text)
        )
        cursor = at
    pieces.append(conditional_escape(text[cursor:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))
