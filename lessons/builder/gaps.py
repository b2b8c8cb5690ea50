"""Flag the places where a scraped text lost its years or numbers, instead of guessing them."""

from __future__ import annotations

import re

from .text import MONTH_PATTERN, MONTHS, sentence_spans
from .types import Gap, GapKind, Paragraph

_PREP = r"(?:[Ii]n|[Oo]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Oo]f|[Dd]uring)"
_COUNT_WORDS = (
    r"(?:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|hundreds|"
    r"thousand|thousands|million|millions|half|ever|that|this|anything|enough|usual|before)"
)
# Each pattern matches the words around a hole, narrowly enough that ordinary prose passes.
_PATTERNS: list[tuple[GapKind, re.Pattern[str]]] = [
    # "took place in August, , of" / "on 14th July, , that"
    (
        "missing_year",
        re.compile(
            r"(?:\b"
            + _PREP
            + r"\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?P<month>"
            + MONTH_PATTERN
            + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?)?\s*,\s*,"
        ),
    ),
    # "held in January , revealed" / "since November , that"
    ("missing_year", re.compile(r"\b" + _PREP + r"\s+(?P<month>" + MONTH_PATTERN + r")\s+,")),
    # "In , pretending" / "torture in , Stalin"
    ("missing_year", re.compile(r"\b" + _PREP + r"\s+(?:(?:late|early|mid)\s+)?,(?!\d)")),
    # "In late more than" / "shut down in late In ,"
    (
        "missing_year",
        re.compile(
            r"\b(?:[Ii]n|[Bb]y)\s+(?:late|early)(?=\s+(?:more|the|a|an|[Ii]n|and|than|with|it|he|"
            r"she|they|this|that|The|was|were)\b)"
        ),
    ),
    # "in the s and s" / "in the mids"
    (
        "missing_year",
        re.compile(
            r"\bthe\s+(?:(?:early|late)\s+|mid-?)?s\b(?:\s+and\s+(?:the\s+)?(?:early\s+|late\s+)?s\b)?"
        ),
    ),
    # "as early as last year []"
    ("missing_year", re.compile(r"(?<=\byear )\[\s*\]|(?<=\bin )\[\s*\]")),
    ("missing_number", re.compile(r"\[\s*\]")),
    # "In December and February two stolen memoranda"
    (
        "missing_year",
        re.compile(
            r"\b[Ii]n\s+(?P<month>"
            + MONTH_PATTERN
            + r")\s+and\s+"
            + MONTH_PATTERN
            + r"(?=\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\b)"
        ),
    ),
    # "its own Great Terror in Why this concern" / "so strongly in is not"
    (
        "missing_year",
        re.compile(
            r"\b(?:in|since|until|during|of)(?=\s+(?:is|was|were|are|has|Why|When|However)\b)"
        ),
    ),
    # "more than Soviet citizens were arrested"
    (
        "missing_number",
        re.compile(
            r"\b(?:[Mm]ore|[Ff]ewer|[Ll]ess) than(?=\s+(?!" + _COUNT_WORDS + r"\b)"
            r"[A-Za-z-]+(?:\s+[A-Za-z-]+)?\s+(?:were|was|had|died)\b)"
        ),
    ),
]


def find_gaps(*, document: str, paragraphs: list[Paragraph]) -> list[Gap]:
    """Return every spot in the kept paragraphs where a year or number has been stripped."""
    gaps = []
    for paragraph in paragraphs:
        body = paragraph.text
        spans = sentence_spans(body)
        taken: list[tuple[int, int]] = []
        for kind, pattern in _PATTERNS:
            for match in pattern.finditer(body):
                start, end = match.span()
                if end <= start or any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                month = match.groupdict().get("month")
                gaps.append(
                    Gap(
                        document=document,
                        kind=kind,
                        text=body[start:end],
                        start=paragraph.start + start,
                        end=paragraph.start + end,
                        sentence=_sentence(body, spans, start),
                        month=MONTHS[month.lower()] if month else None,
                    )
                )
    return sorted(gaps, key=lambda gap: gap.start)


def _sentence(body: str, spans: list[tuple[int, int]], at: int) -> str:
    for start, end in spans:
        if start <= at < end:
            return body[start:end]
    return body
