"""Splitting a cleaned document into paragraphs with one span marked, for "show in context"."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False


def paragraphs_with_mark(text: str, start: int | None, end: int | None) -> list[list[Segment]]:
    """The text's blank-line paragraphs, each a list of segments; [start:end] is marked."""
    paragraphs: list[list[Segment]] = []
    offset = 0
    for block in text.split("\n\n"):
        block_start, block_end = offset, offset + len(block)
        offset = block_end + 2
        if not block.strip():
            continue
        if start is None or end is None or end <= block_start or start >= block_end:
            paragraphs.append([Segment(block)])
            continue
        a, b = max(start, block_start) - block_start, min(end, block_end) - block_start
        segments = [Segment(block[:a]), Segment(block[a:b], marked=True), Segment(block[b:])]
        paragraphs.append([s for s in segments if s.text])
    return paragraphs
