"""Small text helpers shared by the builder stages: sentences, words, months."""

from __future__ import annotations

import re

# Private-use characters mark where a citation sat while the text is still being reshaped;
# they survive whitespace and sentence handling, and the input is stripped of them first.
REF_OPEN = "\ue000"
REF_CLOSE = "\ue001"
REF_MARK = re.compile(REF_OPEN + r"(\d+)" + REF_CLOSE)

MONTHS = {
    name: number
    for number, name in enumerate(
        """
        january february march april may june july august september october november december
        """.split(),  # noqa: SIM905 - a long word list reads best as text
        start=1,
    )
}
MONTH_PATTERN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)

STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another
    any are around as at be because been before being below between both but by can could did do
    does doing down during each either else even ever every few for from further had has have
    having he her here hers herself him himself his how however i if in into is it its itself
    just least less like made make many may me might more most much must my myself neither no
    nor not now of off often on once one only or other others our ours ourselves out over own
    per perhaps quite rather same several she should since so some still such than that the
    their theirs them themselves then there these they this those though through thus to too
    under until up upon us very was we well were what when where whether which while who whom
    whose why will with within without would yet you your yours yourself yourselves said says
    say also took place s th st nd rd thing things everything something anything nothing seem
    seems seemed
    """.split()  # noqa: SIM905 - a long word list reads best as text
)

# Words that end in a full stop without ending the sentence.
_ABBREVIATIONS = frozenset(
    """
    no nos mr mrs ms dr st gen lt col capt sgt prof rev vol vols p pp ca c cf jr sr inc ltd co
    vs etc fig ed eds trans approx dept univ
    """.split()  # noqa: SIM905 - a long word list reads best as text
)

_BOUNDARY = re.compile(
    r"[.!?…]+[\"”’')\]]*(?:" + REF_OPEN + r"\d+" + REF_CLOSE + r")*\s+(?=[\"“‘(\[]?[A-Z])"
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)?")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in `text`, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _BOUNDARY.finditer(text):
        body_end = match.start() + len(match.group().rstrip())
        if _ends_in_abbreviation(text, match.start()):
            continue
        if body_end > start:
            spans.append((start, body_end))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _ends_in_abbreviation(text: str, dot: int) -> bool:
    # Only the last word before the full stop decides; a lone capital is an initial.
    word = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if word is None:
        return False
    token = word.group(1)
    if len(token) == 1 and token.isupper():
        return True
    return token.lower() in _ABBREVIATIONS and text[dot : dot + 1] == "."


def words(text: str) -> list[str]:
    """Return the words of `text` in order, as written."""
    return _WORD.findall(text)


def stem(word: str) -> str:
    """Return a crude stem so plurals and possessives meet their singular."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_terms(text: str) -> list[str]:
    """Return the stemmed content words of `text`, stopwords and short words left out."""
    terms = []
    for word in words(text):
        lowered = word.lower()
        if len(lowered) < 3 or lowered in STOPWORDS:
            continue
        terms.append(stem(lowered))
    return terms


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs into one space, keeping newlines."""
    return re.sub(r"[ \t\u00a0]+", " ", text)


def sentence_at(text: str, index: int) -> tuple[int, int]:
    """Return the span of the sentence of `text` that holds `index`."""
    for start, end in sentence_spans(text):
        if start <= index < end:
            return start, end
    return 0, len(text)
