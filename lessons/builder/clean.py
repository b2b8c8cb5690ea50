"""Clean a raw document of either shape into titled paragraphs with their citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markup import looks_like_html, looks_like_markdown_source, read_html, read_markdown, read_text
from .mojibake import repair_mojibake
from .relevance import DEBRIS_SECTION_NAMES
from .shape import detect_shape
from .text import REF_CLOSE, REF_MARK, REF_OPEN, collapse_spaces, sentence_spans
from .types import Shape
from .webtext import BOILERPLATE_SENTENCE, split_web_text
from .wikitext import HEADING_CLOSE, HEADING_OPEN, Citation, render_wikitext

# Control characters carry no text; the private-use markers are reserved for citations.
_UNWANTED = re.compile(r"[\x00-\x08\x0e-\x1f\x7f" + REF_OPEN + REF_CLOSE + r"\ufeff]")
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n\s*")
# One encyclopedic source line can hold a whole section; it is cut into readable paragraphs.
_LONG_BLOCK = 900
_PARAGRAPH_TARGET = 450
_SHORTEST_TAIL = 200


@dataclass(frozen=True)
class CitedSentence:
    """A citation and the span of the sentence it followed, within its paragraph."""

    citation: Citation
    start: int
    end: int


@dataclass(frozen=True)
class CleanParagraph:
    """A paragraph of clean text, its section heading and the citations inside it."""

    text: str
    section: str = ""
    citations: list[CitedSentence] = field(default_factory=list)
    had_boilerplate: bool = False
    quoted_by: str | None = None


@dataclass(frozen=True)
class CleanDocument:
    """The result of cleaning: shape, best-guess title, paragraphs, encoding repairs."""

    shape: Shape
    title: str
    paragraphs: list[CleanParagraph]
    repairs: int
    author: str = ""
    date: str = ""
    site: str = ""
    url: str = ""
    letter: bool = False


def sanitize(text: str) -> str:
    """Return `text` with one newline convention and no control or marker characters."""
    return _UNWANTED.sub("", _NEWLINES.sub("\n", text))


def clean_document(*, text: str) -> CleanDocument:
    """Detect the shape of `text` and clean it into paragraphs."""
    text, repairs = repair_mojibake(sanitize(text))
    if looks_like_html(text) or looks_like_markdown_source(text):
        source = read_html(text) if looks_like_html(text) else read_markdown(text)
        return CleanDocument(
            shape="html" if looks_like_html(text) else "markdown",
            title=source.title,
            paragraphs=[
                CleanParagraph(text=b.text, section=b.section, quoted_by=b.quoted_by)
                for b in source.blocks
            ],
            repairs=repairs,
            author=source.author,
            date=source.date,
            site=source.site,
            url=source.url,
            letter=source.letter,
        )
    shape = detect_shape(text)
    if shape != "wikitext":
        text = read_text(text)
    if shape == "wikitext":
        title, paragraphs = _clean_wikitext(text)
    else:
        title, blocks = split_web_text(text)
        paragraphs = [
            CleanParagraph(text=collapse_spaces(block).strip(), had_boilerplate=flag)
            for block, flag in blocks
        ]
        paragraphs = [p for p in paragraphs if p.text]
    return CleanDocument(shape=shape, title=title, paragraphs=paragraphs, repairs=repairs)


def _clean_wikitext(text: str) -> tuple[str, list[CleanParagraph]]:
    rendered = render_wikitext(text)
    section = ""
    headings: list[str] = []
    paragraphs: list[CleanParagraph] = []
    for block in _BLANK_LINE.split(rendered.text):
        block = " ".join(block.split())
        if block.startswith(HEADING_OPEN) and block.endswith(HEADING_CLOSE):
            section = block.strip(HEADING_OPEN + HEADING_CLOSE).strip()
            headings.append(section)
            continue
        block = block.replace(HEADING_OPEN, " ").replace(HEADING_CLOSE, " ")
        paragraphs.extend(_cited_paragraphs(block, section, rendered.citations))
    opens_with_heading = rendered.text.lstrip().startswith(HEADING_OPEN)
    content_headings = [h for h in headings if h.lower() not in DEBRIS_SECTION_NAMES]
    if opens_with_heading and content_headings:
        title = content_headings[0]
    else:
        title = rendered.lead_term or rendered.page_title or next(iter(content_headings), "")
    return title, paragraphs


def _cited_paragraphs(block: str, section: str, citations: list[Citation]) -> list[CleanParagraph]:
    spans = sentence_spans(block)
    paragraphs = []
    for group in _group_sentences(spans, len(block)):
        pieces: list[str] = []
        cited: list[CitedSentence] = []
        offset = 0
        for start, end in group:
            raw_sentence = block[start:end]
            if BOILERPLATE_SENTENCE.search(raw_sentence):
                continue
            sentence = " ".join(REF_MARK.sub(" ", raw_sentence).split())
            sentence = re.sub(r"\s+([.,;:!?])", r"\1", sentence) if sentence else sentence
            if not sentence:
                continue
            if pieces:
                offset += 1
            for mark in REF_MARK.finditer(raw_sentence):
                cited.append(
                    CitedSentence(
                        citation=citations[int(mark.group(1))],
                        start=offset,
                        end=offset + len(sentence),
                    )
                )
            pieces.append(sentence)
            offset += len(sentence)
        if pieces:
            paragraphs.append(
                CleanParagraph(text=" ".join(pieces), section=section, citations=cited)
            )
    return paragraphs


def _group_sentences(spans: list[tuple[int, int]], length: int) -> list[list[tuple[int, int]]]:
    if length <= _LONG_BLOCK:
        return [spans] if spans else []
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in spans:
        current.append((start, end))
        size = end - current[0][0]
        if size >= _PARAGRAPH_TARGET and length - end >= _SHORTEST_TAIL:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups
