"""Extract dated events for a timeline and the figures a document states."""

from __future__ import annotations

import re

from .text import MONTH_PATTERN, MONTHS, sentence_spans
from .types import Event, Figure, Paragraph

_MONTH_DATE = re.compile(
    r"\b(?:(?P<qual>early|late|mid-?)\s*)?(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?"
    r"(?P<month>" + MONTH_PATTERN + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+"
    r"(?P<year>1[5-9]\d\d|20\d\d)\b"
    r"(?![\d,.]\d)"
)
# A bare year only counts after a word that introduces a date; "1500 soldiers" is a count.
_YEAR_DATE = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Oo]f|[Aa]fter|[Bb]efore|[Aa]round|"
    r"(?P<qual>[Ee]arly|[Ll]ate|[Mm]id-?))\s*(?P<year>1[5-9]\d\d|20\d\d)\b(?![\d,.]\d|s\b)"
)
_CLAUSE_BREAKS = (
    re.compile(r";\s+"),
    re.compile(r",\s+and\s+"),
    re.compile(r"\s+and\s+"),
    re.compile(r",\s+"),
)

_SMALL_NUMBERS = {
    word: value
    for value, word in enumerate(
        """
        zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen
        """.split()  # noqa: SIM905 - a long word list reads best as text
    )
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundreds|thousands|millions)"
)
_FIGURE = re.compile(
    r"(?:\b(?P<qual>over|about|approximately|around|nearly|almost|some|more than|fewer than|"
    r"less than|at least|up to|roughly|an estimated|as many as)\s+)?"
    r"(?P<value>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d]|,\d)"
    r"(?:\s+(?:hundred|thousand|million|billion))?|\b" + _WORD_NUMBER + r"\b"
    r"(?:\s+(?:hundred|thousand|million|billion))?)"
    r"(?P<rest>[^.,;:!?()\"“”\[\]]{0,80})",
    re.I,
)
_WHAT_STOP = re.compile(r"\b(?:who|which|that|whom|whose|when|where|while|because|but)\b")
_NOT_A_FIGURE_BEFORE = re.compile(r"(?:\bNo\.?|\bno\.|#|\bp\.|\bpp\.)\s*$", re.I)


def extract_events(*, document: str, paragraphs: list[Paragraph]) -> list[Event]:
    """Return the dated statements of the kept paragraphs, in text order."""
    events = []
    for paragraph in paragraphs:
        body = paragraph.text
        for start, end in sentence_spans(body):
            sentence = body[start:end]
            dates = _dates(sentence)
            for number, (_, _, date_text, year, month) in enumerate(dates):
                clause_start, clause_end = _clause(sentence, dates, number)
                text = sentence[clause_start:clause_end].strip(" ,;")
                offset = sentence.find(text, clause_start)
                events.append(
                    Event(
                        document=document,
                        date_text=date_text,
                        year=year,
                        month=month,
                        text=text,
                        start=paragraph.start + start + offset,
                        end=paragraph.start + start + offset + len(text),
                        sentence=sentence,
                    )
                )
    return events


def _dates(sentence: str) -> list[tuple[int, int, str, int, int | None]]:
    found = []
    taken: list[tuple[int, int]] = []
    for match in _MONTH_DATE.finditer(sentence):
        month = None if match.group("qual") else MONTHS[match.group("month").lower()]
        found.append((match.start(), match.end(), match.group(), int(match.group("year")), month))
        taken.append(match.span())
    for match in _YEAR_DATE.finditer(sentence):
        year_start = match.start("year")
        if any(start <= year_start < end for start, end in taken):
            continue
        begin = match.start("qual") if match.group("qual") else year_start
        found.append(
            (begin, match.end(), sentence[begin : match.end()], int(match.group("year")), None)
        )
    return sorted(found)


def _clause(
    sentence: str, dates: list[tuple[int, int, str, int, int | None]], number: int
) -> tuple[int, int]:
    """Return the span of the part of `sentence` that belongs to date `number`."""
    date_start, date_end = dates[number][0], dates[number][1]
    start = _semicolon_before(sentence, date_start)
    end = _semicolon_after(sentence, date_end)
    if number:
        previous = _clause_break(sentence, dates[number - 1][1], date_start)
        start = max(start, previous[1] if previous else date_start)
    if number + 1 < len(dates):
        following = _clause_break(sentence, date_end, dates[number + 1][0])
        end = min(end, following[0] if following else dates[number + 1][0])
    return start, end


def _semicolon_before(sentence: str, at: int) -> int:
    cut = sentence.rfind(";", 0, at)
    return 0 if cut < 0 else cut + 1


def _semicolon_after(sentence: str, at: int) -> int:
    cut = sentence.find(";", at)
    return len(sentence) if cut < 0 else cut


def _clause_break(sentence: str, after: int, before: int) -> tuple[int, int] | None:
    # Prefer the strongest separator between two dates: ";" then ", and" then "and" then ",".
    for pattern in _CLAUSE_BREAKS:
        breaks = list(pattern.finditer(sentence, after, before))
        if breaks:
            return breaks[-1].span()
    return None


def extract_figures(*, document: str, paragraphs: list[Paragraph]) -> list[Figure]:
    """Return the numbers the kept paragraphs state, with what each one counts."""
    figures = []
    for paragraph in paragraphs:
        body = paragraph.text
        for start, end in sentence_spans(body):
            sentence = body[start:end]
            for match in _FIGURE.finditer(sentence):
                if not _is_figure(sentence, match):
                    continue
                what = _WHAT_STOP.split(match.group("rest"), maxsplit=1)[0].split()[:6]
                figures.append(
                    Figure(
                        document=document,
                        value_text=match.group("value"),
                        value=_number(match.group("value")),
                        qualifier=(match.group("qual") or "").lower(),
                        what=" ".join(what),
                        sentence=sentence,
                        start=paragraph.start + start + match.start("value"),
                        end=paragraph.start + start + match.end("value"),
                    )
                )
    return figures


def _is_figure(sentence: str, match: re.Match[str]) -> bool:
    value = match.group("value")
    before = sentence[: match.start("value")]
    after = sentence[match.end("value") : match.end("value") + 12]
    if _NOT_A_FIGURE_BEFORE.search(before):
        return False
    if value.isdigit():
        number = int(value)
        if 1500 <= number <= 2099 or value.startswith("0"):
            return False  # a year or a code such as an order number
        if re.match(r"\s*(?:st|nd|rd|th)?\s*" + MONTH_PATTERN, after) or re.search(
            MONTH_PATTERN + r"\s*$", before
        ):
            return False  # a day of the month
    return True


def _number(value: str) -> float | None:
    parts = value.lower().split()
    scale = _SCALES.get(parts[-1], 1.0) if len(parts) > 1 else 1.0
    head = parts[0]
    try:
        return float(head.replace(",", "")) * scale
    except ValueError:
        pass
    if head in _SCALES or head.rstrip("s") in _SCALES:
        return None
    tens, _, unit = head.partition("-")
    if tens in _TENS:
        return (_TENS[tens] + _SMALL_NUMBERS.get(unit, 0)) * scale
    if head in _SMALL_NUMBERS:
        return _SMALL_NUMBERS[head] * scale
    return None
