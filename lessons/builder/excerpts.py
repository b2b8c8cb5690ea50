"""Find primary-source excerpts: quoted words, and first-person passages a speaker introduces."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial

from .roles import speaker_role
from .speakers import (
    SPEECH_VERB,
    attribute,
    clause_after,
    first_person_introduced,
    speaker_after,
)
from .text import sentence_spans, words
from .types import KIND_NOT_STATED, UNNAMED, Excerpt, Paragraph, SpeakerRole

# Shorter quotations are terms ("excesses", "national operations"), not testimony...
_MIN_WORDS = 5
# ...unless they speak in the first person ("with all my heart").
_MIN_FIRST_PERSON_WORDS = 4
# Without a speaker, a short quotation is a term, a name or a scare quote, not testimony.
_MIN_UNATTRIBUTED_WORDS = 8
# Words that name what follows rather than report what someone said.
_NAMING_CUE = re.compile(
    r"\b(?:called|named|nicknamed|nickname|known as|so-called|titled|entitled|meaning|"
    r"dubbed|term|phrase|motto|slogan|byname|or|the words?|article|book|poem|song|film)"
    r"[\s,]*$",
    re.I,
)
_SMALL_TITLE_WORDS = frozenset(
    "a an and as at by for from in of on or the to with son de du la le von van".split()  # noqa: SIM905
)
_FIRST_PERSON = re.compile(r"\b(?:I|my|me|mine|we|our|us)\b", re.I)
_OPENERS_BEFORE = set(" \t\n([{—–-/:;,")
_CLOSERS_AFTER = set(" \t\n.,;:!?)]}—–-[")
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
    last_speaker = ""
    previous_tail = ""
    recent: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        body = paragraph.text
        spans = sentence_spans(body)
        found = _quotations(body, spans, previous_last_sentence)
        found += _introduced_passages(body, spans, paragraphs, index)
        paragraph_speaker = paragraph_kind = ""
        for item in sorted(found, key=lambda f: f.start):
            quote = body[item.start : item.end]
            if not _long_enough(quote) or (item.quoted and _names_a_thing(quote, item)):
                continue
            hint = item.speaker_hint
            after = ""
            if item.quoted and not hint and not SPEECH_VERB.search(item.introducer):
                # "...," said Della. / "...," Kaplan says. / "...," he goes on.
                hint = speaker_after(body[item.end : item.end + 200], last_speaker)
                # "...," ISD spokesman Tahir Della told DW: the words after describe the source.
                after = clause_after(body[item.end : item.end + 200]) if hint else ""
                if not hint and item.start <= 1 and item.context.rstrip().endswith(":"):
                    hint = _named_before(previous_tail)
            attribute_here = partial(
                attribute,
                introducer=item.introducer,
                context=item.context,
                quote=quote,
                document=text,
                known=known,
            )
            who = attribute_here(speaker_hint=hint, after=after)
            narrator = item.quoted and first_person_introduced(item.introducer)
            if who.speaker == UNNAMED and item.quoted and paragraph_speaker and not narrator:
                # A quotation that carries on after its attribution is the same speaker's.
                who = attribute_here(speaker_hint=paragraph_speaker)
                # Words carried on in the same paragraph come from the same source.
                who = replace(who, source_kind=who.source_kind or paragraph_kind)
            if who.speaker == UNNAMED and item.quoted and not (narrator or _stands_alone(quote)):
                continue
            if who.speaker != UNNAMED:
                paragraph_speaker = last_speaker = who.speaker
                paragraph_kind = who.source_kind
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
            recent = [*recent, *(body[a:b] for a, b in spans[-2:])][-2:]
            previous_tail = " ".join(recent)
    return excerpts


def _long_enough(quote: str) -> bool:
    count = len(words(quote))
    if count >= _MIN_WORDS:
        return True
    return count >= _MIN_FIRST_PERSON_WORDS and bool(_FIRST_PERSON.search(quote))


def _names_a_thing(quote: str, item: _Found) -> bool:
    """Return whether the quoted words are a title, a name or a term rather than speech."""
    if _NAMING_CUE.search(item.introducer):
        return True
    bare = re.sub(r"\[[^\]]*\]", "", quote)
    found = [w for w in words(bare) if w.lower() not in _SMALL_TITLE_WORDS]
    capitalised = sum(1 for w in found if w[:1].isupper())
    return bool(found) and capitalised == len(found) and not _FIRST_PERSON.search(quote)


def _stands_alone(quote: str) -> bool:
    """Return whether an unattributed quotation is a full statement worth showing unnamed."""
    first = quote.lstrip("'‘(…. ")[:1]
    return first.isupper() and len(words(quote)) >= _MIN_UNATTRIBUTED_WORDS


_PROPER_NAME = re.compile(r"(?<=[a-z,;] )((?:[A-Z][\w-]+\s)*[A-Z][\w-]+)(?:['’]s)?\b")


def _named_before(context: str) -> str:
    """Return the last person named in the sentence that sets up a quotation with a colon."""
    names = [
        m.group(1)
        for m in _PROPER_NAME.finditer(context)
        if m.group(1).split()[0].lower() not in _SMALL_TITLE_WORDS
    ]
    return names[-1] if names else ""


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
    *,
    document: str,
    paragraphs: list[Paragraph],
    quoted_by: list[str | None],
    author: str,
    letter: bool = False,
    text: str = "",
) -> list[Excerpt]:
    """Excerpts the structure marks: blockquotes, and a letter its metadata signs."""
    if author and paragraphs and (letter or _unquoted_first_person_body(paragraphs, quoted_by)):
        # A transcribed letter is one primary source in its writer's voice, from first line
        # to last, quotations it holds included.
        first, last = paragraphs[0], paragraphs[-1]
        body = text[first.start : last.end] if text else first.text
        # A signed letter is its writer's own part in events; a first-person page its metadata
        # does not sign as a letter says only what its words say.
        role = (
            "participant"
            if letter
            else speaker_role(speaker=author, cues="", quote=body, document=text or body)
        )
        return [
            Excerpt(
                document=document,
                text=body,
                start=first.start,
                end=first.start + len(body),
                paragraph=0,
                speaker=author,
                speaker_role=role,
                date_text="",
                source_kind="letter" if letter else KIND_NOT_STATED,
                introducer="",
                quoted=False,
            )
        ]
    found = []
    for index, (paragraph, who) in enumerate(zip(paragraphs, quoted_by, strict=True)):
        if who is None:
            continue
        if not who and not paragraph.text[:1].isupper():
            # An unattributed blockquote that is not a sentence is an example, not a source.
            continue
        found.append(
            Excerpt(
                document=document,
                text=paragraph.text,
                start=paragraph.start,
                end=paragraph.end,
                paragraph=index,
                speaker=who or UNNAMED,
                speaker_role=speaker_role(
                    speaker=who or UNNAMED, cues="", quote=paragraph.text, document=text
                ),
                date_text="",
                source_kind=KIND_NOT_STATED,
                introducer="",
                quoted=False,
            )
        )
    return found


def _unquoted_first_person_body(paragraphs: list[Paragraph], quoted_by: list[str | None]) -> bool:
    return all(who is None for who in quoted_by) and _first_person_body(paragraphs)


def _first_person_body(paragraphs: list[Paragraph]) -> bool:
    if not paragraphs or any(char in p.text for p in paragraphs for char in '"“”'):
        return False
    voiced = sum(1 for p in paragraphs if _FIRST_PERSON_WORDS.search(p.text))
    return voiced * 2 > len(paragraphs)
