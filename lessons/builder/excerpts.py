"""Find primary-source excerpts: quoted words, and first-person passages a speaker introduces."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .speakers import SPEECH_VERB, attribute
from .text import sentence_spans, words
from .types import Excerpt, Paragraph, SpeakerRole

# Shorter quotations are terms ("excesses", "national operations"), not testimony...
_MIN_WORDS = 5
# ...unless they speak in the first person ("with all my heart").
_MIN_FIRST_PERSON_WORDS = 3
_FIRST_PERSON = re.compile(r"\b(?:I|my|me|mine|we|our|us)\b", re.I)
_OPENERS_BEFORE = set(" \t\n([{—–-/:;,")
_CLOSERS_AFTER = set(" \t\n.,;:!?)]}—–-")
_FIRST_PERSON_START = re.compile(r"^(?:We|I|My|Our|Us)\b")
# "Stalin resumed the conversation by saying that...": the words before were the speaker's.
_RESUMPTION = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)\s+(?:resumed|continued|went on)\b"
    r"[^.]{0,80}?\b(?:saying|to say)\b"
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    introducer: str
    context: str
    quoted: bool
    speaker_hint: str = ""


def extract_excerpts(*, document: str, paragraphs: list[Paragraph], text: str) -> list[Excerpt]:
    """Return the excerpts in the kept paragraphs, with spans into the cleaned `text`."""
    known: dict[str, tuple[str, SpeakerRole]] = {}
    excerpts: list[Excerpt] = []
    previous_last_sentence = ""
    for index, paragraph in enumerate(paragraphs):
        body = paragraph.text
        spans = sentence_spans(body)
        found = _quotations(body, spans, previous_last_sentence)
        found += _introduced_passages(body, spans, paragraphs, index)
        for item in sorted(found, key=lambda f: f.start):
            quote = body[item.start : item.end]
            if not _long_enough(quote):
                continue
            who = attribute(
                introducer=item.introducer,
                context=item.context,
                quote=quote,
                document=text,
                known=known,
                speaker_hint=item.speaker_hint,
            )
            excerpts.append(
                Excerpt(
                    document=document,
                    text=quote,
                    start=paragraph.start + item.start,
                    end=paragraph.start + item.end,
                    paragraph=index,
                    speaker=who.speaker,
                    speaker_role=who.role,
                    date_text=who.date_text,
                    source_kind=who.source_kind,
                    introducer=item.introducer.strip(),
                    quoted=item.quoted,
                )
            )
        if spans:
            previous_last_sentence = body[spans[-1][0] : spans[-1][1]]
    return excerpts


def _long_enough(quote: str) -> bool:
    count = len(words(quote))
    if count >= _MIN_WORDS:
        return True
    return count >= _MIN_FIRST_PERSON_WORDS and bool(_FIRST_PERSON.search(quote))


def _quote_marks(body: str) -> list[tuple[int, str]]:
    """Return (index, "open"|"close") for each quotation mark whose role is clear."""
    marks = []
    for index, char in enumerate(body):
        if char == "“":
            marks.append((index, "open"))
        elif char == "”":
            marks.append((index, "close"))
        elif char == '"':
            before = body[index - 1] if index else " "
            after = body[index + 1] if index + 1 < len(body) else " "
            opens = before in _OPENERS_BEFORE and not after.isspace()
            closes = not before.isspace() and (after in _CLOSERS_AFTER or after == '"')
            if opens != closes:
                marks.append((index, "open" if opens else "close"))
    return marks


def _quotations(body: str, spans: list[tuple[int, int]], before: str) -> list[_Found]:
    found: list[_Found] = []
    open_at: int | None = None
    for index, role in _quote_marks(body):
        if role == "open":
            if open_at is not None:
                found.append(_unclosed(body, spans, open_at, index, before))
            open_at = index
        elif open_at is not None:
            found.append(_closed(body, spans, open_at, index, before))
            open_at = None
    if open_at is not None:
        found.append(_unclosed(body, spans, open_at, len(body), before))
    return [f for f in found if f.end > f.start]


def _introducer(body: str, spans: list[tuple[int, int]], at: int, before: str) -> tuple[str, str]:
    """Return the words from the sentence start up to `at`, and the sentence before them."""
    for number, (start, end) in enumerate(spans):
        if start <= at < end or (number == len(spans) - 1 and at >= start):
            context = body[spans[number - 1][0] : spans[number - 1][1]] if number else before
            return body[start:at], context
    return body[:at], before


def _closed(
    body: str, spans: list[tuple[int, int]], open_at: int, close_at: int, before: str
) -> _Found:
    introducer, context = _introducer(body, spans, open_at, before)
    start, end = _trim(body, open_at + 1, close_at)
    return _Found(start, end, introducer, context, True)


def _unclosed(
    body: str, spans: list[tuple[int, int]], open_at: int, limit: int, before: str
) -> _Found:
    # A quotation set off by a colon runs on as a block to the paragraph's end; one woven
    # into a sentence ends with that sentence.
    introducer, context = _introducer(body, spans, open_at, before)
    end = limit
    if not introducer.rstrip().endswith(":"):
        for _, sentence_end in spans:
            if sentence_end > open_at + 1:
                end = min(limit, sentence_end)
                break
    start, end = _trim(body, open_at + 1, end)
    return _Found(start, end, introducer, context, True)


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1] in ' \t\n"“”':
        end -= 1
    return start, end


def _introduced_passages(
    body: str, spans: list[tuple[int, int]], paragraphs: list[Paragraph], index: int
) -> list[_Found]:
    """Find unquoted first-person passages set up by "X said:" or followed by "X resumed"."""
    if any(char in body for char in '"“”'):
        return []
    found = []
    for number, (start, end) in enumerate(spans):
        sentence = body[start:end]
        resumption = _RESUMPTION.match(sentence)
        if resumption and number > 0 and start > 0:
            passage_start, passage_end = _trim(body, 0, start)
            found.append(
                _Found(
                    passage_start, passage_end, sentence, sentence, False, resumption.group("name")
                )
            )
            break
        if not re.search(r":\.?$", sentence) or not SPEECH_VERB.search(sentence):
            continue
        rest = body[end:].lstrip()
        if number + 1 < len(spans) and _FIRST_PERSON_START.match(rest):
            passage_start, passage_end = _trim(body, spans[number + 1][0], len(body))
            found.append(_Found(passage_start, passage_end, sentence, sentence, False))
            break
    return found


_FIRST_PERSON_WORDS = re.compile(r"\b(?:I|my|me|we|our|us)\b")


def block_excerpts(
    *, document: str, paragraphs: list[Paragraph], quoted_by: list[str | None], author: str
) -> list[Excerpt]:
    """Excerpts the structure marks: blockquotes, and a first-person letter its metadata signs."""
    letter = (
        bool(author) and all(who is None for who in quoted_by) and _first_person_body(paragraphs)
    )
    found = []
    for index, (paragraph, who) in enumerate(zip(paragraphs, quoted_by, strict=True)):
        if who is None and not letter:
            continue
        speaker = (who or (author if letter else "")) or "unnamed"
        found.append(
            Excerpt(
                document=document,
                text=paragraph.text,
                start=paragraph.start,
                end=paragraph.end,
                paragraph=index,
                speaker=speaker,
                speaker_role="unknown",
                date_text="",
                source_kind="letter" if letter else "unknown",
                introducer="",
                quoted=False,
            )
        )
    return found


def _first_person_body(paragraphs: list[Paragraph]) -> bool:
    if not paragraphs or any(char in p.text for p in paragraphs for char in '"“”'):
        return False
    voiced = sum(1 for p in paragraphs if _FIRST_PERSON_WORDS.search(p.text))
    return voiced * 2 > len(paragraphs)
