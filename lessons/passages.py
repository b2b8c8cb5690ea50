"""Splitting a cleaned document into paragraphs with one span marked, for "show in context",
and setting an editor's notes into the text in [brackets]."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False
    # An editor's words where the source has a gap, "[…]" included: never the source's text.
    note: bool = False


def paragraphs_with_mark(
    text: str, start: int | None, end: int | None, notes: Iterable = ()
) -> list[list[Segment]]:
    """The text's blank-line paragraphs, each a list of segments; [start:end] is marked, and
    each note (anything with `offset` and `text`) is set in at its offset."""
    notes = sorted(notes, key=lambda n: n.offset)
    paragraphs: list[list[Segment]] = []
    offset = 0
    for block in text.split("\n\n"):
        block_start, block_end = offset, offset + len(block)
        offset = block_end + 2
        if not block.strip():
            continue
        # A note between two paragraphs closes the first one.
        inside = [n for n in notes if block_start <= n.offset < offset]
        if not inside and (
            start is None or end is None or end <= block_start or start >= block_end
        ):
            paragraphs.append([Segment(block)])
            continue
        cuts = {0, len(block)} | {min(n.offset - block_start, len(block)) for n in inside}
        if start is not None and end is not None and end > block_start and start < block_end:
            cuts |= {max(start, block_start) - block_start, min(end, block_end) - block_start}
        points = sorted(cuts)
        segments: list[Segment] = []
        for a, b in zip(points, [*points[1:], None], strict=True):
            segments += [
                _note_segment(block, a, note)
                for note in inside
                if min(note.offset - block_start, len(block)) == a
            ]
            if b is not None:
                marked = start is not None and end is not None and start <= block_start + a < end
                segments.append(Segment(block[a:b], marked=marked))
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
