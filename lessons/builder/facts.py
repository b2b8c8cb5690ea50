"""Extract dated events for a timeline and the figures a document states."""

from __future__ import annotations

import re

from .text import MONTH_PATTERN, MONTHS, sentence_spans
from .types import Event, Figure, Paragraph

_MONTH_NAME = (
    r"(?P<month>" + MONTH_PATTERN + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)"
)
_ERA = r"(?:\s*(?P<era>BCE|BC|B\.C\.|AD|A\.D\.|CE))?"
_MONTH_DATE = re.compile(
    r"\b(?:(?P<qual>early|late|mid-?)\s*)?(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
    + _MONTH_NAME
    + r"(?:\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?,?\s+"
    r"(?P<year>1\d{3}|20\d\d|[1-9]\d{1,2}(?=\s*(?:BCE|BC|B\.C\.|AD|A\.D\.|CE)))\b"
    + _ERA
    + r"(?![\d,.]\d)"
)
# A day and month with no year ("On October 22"): the year comes from the text before it.
_DAY_MONTH = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH_NAME
    + r"|"
    + _MONTH_NAME.replace("month", "month2")
    + r"\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)"
    r"\b(?!,?\s+(?:\d{3,4}|[1-9]\d{0,2}\s*(?:BC|AD|CE)))"
)
# A bare year only counts after a word that introduces a date; "1500 soldiers" is a count.
_YEAR_DATE = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Oo]f|[Aa]fter|[Bb]efore|[Aa]round|"
    r"[Bb]orn|[Dd]ied|[Bb]etween|[Ff]ounded|[Cc]irca|[Cc]a?\.|"
    r"(?P<qual>[Ee]arly|[Ll]ate|[Mm]id-?))\s*(?:(?:c\.|ca\.|circa)\s*)?"
    r"(?P<year>1\d{3}|20\d\d)\b" + _ERA + r"(?![\d,.]\d|s\b)"
)
# An older year needs a mark that it is a year: "c. 965", "44 BC", "AD 79", "in 965,".
_OLD_YEAR = re.compile(
    r"(?:\b(?:c\.|ca\.|circa)\s*(?P<year>[1-9]\d{1,2})\b" + _ERA + r"|"
    r"\b(?P<year2>[1-9]\d{0,3})\s*(?P<era2>BCE|BC|B\.C\.|AD|A\.D\.|CE)\b|"
    r"\b(?:AD|A\.D\.)\s*(?P<year3>[1-9]\d{0,3})\b|"
    r"\b(?:[Ii]n|[Bb]y|[Ss]ince|[Uu]ntil)\s+(?P<year4>[1-9]\d{2})(?=[,.;)]|\s+(?:and|when|the|a)\b))"
)
_CENTURY = re.compile(
    r"\b(?:(?P<qual>early|late|mid-?)\s*)?(?P<n>\d{1,2})(?:st|nd|rd|th)(?:\s+(?:and|to|or|-|–)"
    r"\s+\d{1,2}(?:st|nd|rd|th))?\s+centur(?:y|ies)" + _ERA
)
# "in the 1880s" dates a happening; "the purges of the 1930s" names a period.
_DECADE = re.compile(
    r"\b(?:[Ii]n|[Dd]uring|[Bb]y|[Ff]rom|[Ss]ince|[Uu]ntil|[Tt]hroughout)\s+the\s+"
    r"(?:(?P<qual>early|late|mid-?)\s*)?(?P<year>1\d{2}0|20\d0)['’]?s\b"
)
# Access, retrieval and archive dates say when someone read a page, not what happened.
_METADATA_DATE = re.compile(
    r"\b(?:Retrieved|Accessed|Archived|access-?date|archive-?date|last (?:updated|modified)|"
    r"Published online|Posted on)\b",
    re.I,
)
_BC = ("BC", "BCE", "B.C.")
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
    context_year: int | None = None
    for paragraph in paragraphs:
        body = paragraph.text
        for start, end in sentence_spans(body):
            sentence = body[start:end]
            if _METADATA_DATE.search(sentence):
                continue
            dates = _dates(sentence, context_year)
            for number, (_, _, date_text, year, month, inferred) in enumerate(dates):
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
                        inferred=inferred,
                    )
                )
                if not inferred:
                    context_year = year
    return events


def _era_year(year: str, era: str | None) -> int:
    return -int(year) if era in _BC else int(year)


def _dates(sentence: str, context_year: int | None = None) -> list[tuple]:
    found: list[tuple] = []
    taken: list[tuple[int, int]] = []

    def free(begin: int, finish: int) -> bool:
        return not any(begin < end and start < finish for start, end in taken)

    def add(begin: int, finish: int, year: int, month: int | None, inferred: bool = False):
        found.append((begin, finish, sentence[begin:finish], year, month, inferred))
        taken.append((begin, finish))

    for match in _MONTH_DATE.finditer(sentence):
        month = None if match.group("qual") else _month_number(match.group("month"))
        add(match.start(), match.end(), _era_year(match.group("year"), match.group("era")), month)
    for match in _YEAR_DATE.finditer(sentence):
        if not free(match.start("year"), match.end("year")):
            continue
        begin = match.start("qual") if match.group("qual") else match.start("year")
        prefix = sentence[max(0, begin - 6) : begin]
        circa = re.search(r"(?:c\.|ca\.|circa)\s*$", prefix)
        if circa:
            begin -= len(prefix) - circa.start()
        add(begin, match.end(), _era_year(match.group("year"), match.group("era")), None)
    for match in _OLD_YEAR.finditer(sentence):
        if not free(match.start(), match.end()):
            continue
        year = match.group("year") or match.group("year2") or match.group("year3")
        era = match.group("era") or match.group("era2")
        if year is None:
            year, era = match.group("year4"), None
            add(match.start("year4"), match.end("year4"), int(year), None)
            continue
        add(match.start(), match.end(), _era_year(year, era), None)
    for match in _CENTURY.finditer(sentence):
        if not free(match.start(), match.end()):
            continue
        n = int(match.group("n"))
        year = -n * 100 if match.group("era") in _BC else (n - 1) * 100 + 1
        add(match.start(), match.end(), year, None)
    for match in _DECADE.finditer(sentence):
        if free(match.start(), match.end()):
            add(match.start(), match.end(), int(match.group("year")), None)
    if context_year is not None:
        for match in _DAY_MONTH.finditer(sentence):
            if free(match.start(), match.end()):
                month = _month_number(match.group("month") or match.group("month2"))
                add(match.start(), match.end(), context_year, month, inferred=True)
    return sorted(found)


def _month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(number for full, number in MONTHS.items() if full.startswith(name[:3]))


def _clause(sentence: str, dates: list[tuple], number: int) -> tuple[int, int]:
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
