"""Find paragraphs that are off the document's topic, such as teasers for other pages.

Three signals, each general: a paragraph that shares almost nothing with the rest of the
document; a paragraph that carries the marks of page furniture (a teaser cut off mid-sentence
and followed by the next teaser's title, a book listing, a media caption, site boilerplate);
and the neighbours of such a blurb that continue its subject rather than the document's.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from .text import STOPWORDS, content_terms, stem, words

# With fewer paragraphs there is no "rest of the document" to compare against.
_MIN_PARAGRAPHS = 5
# Below this many content words a paragraph says too little to be judged.
_MIN_TERMS = 6
_KEY_TERMS = 12
_KEY_TERM_MIN_SPREAD = 3
# About other subjects: every name it mentions is foreign to the rest of the document.
_FOREIGN_NAMES = 3
_FOREIGN_SIMILARITY = 0.5
_FOREIGN_KEY_SHARE = 0.1
# Unrelated: far below the typical paragraph's similarity and almost no key terms.
_UNRELATED_SIMILARITY = 0.2
_UNRELATED_KEY_SHARE = 0.08
# A blurb is kept only when the document's key terms fill a large share of it.
_BLURB_KEEP_KEY_SHARE = 0.25
# A neighbour continuing a blurb's own rare subject, without the document's key terms.
_NEIGHBOUR_KEY_SHARE = 0.15
_RARE_SPREAD = 3

# A capitalised word inside a sentence is a name; names tie a blurb to its neighbours.
_NAME_IN_SENTENCE = re.compile(r"(?<=[a-z,;] )[A-Z][A-Za-z]{2,}")
_STOP_BEFORE_SEAM = r"(?!(?:the|a|an|of|in|on|at|to|by|for|from|with|and|or|but)\b)"
_BLURB_MARKERS = {
    # "...millions of his own The Cultural Revolution was launched": one teaser cut off,
    # the next begins with its title.
    "a sentence cut off by another title": re.compile(
        r"\b" + _STOP_BEFORE_SEAM + r"[a-z]{2,}\s+(?:The|A|An)\s+[A-Z][a-z]+"
    ),
    "a title run into its lead": re.compile(
        r"\b[A-Z][a-z]+\s+(?:After|During|When|While|Under|Before|Since|Following)\s+[a-z]{3,}"
    ),
    "a book listing": re.compile(
        r"\b[A-Z][a-z]+, [A-Z][a-z]+\. [A-Z][^.\n]{2,80}\. [A-Z][A-Za-z .]{1,40}: [A-Z]"
    ),
    "a source credit": re.compile(
        r"\b[A-Z][\w ]{2,60}, [A-Z][\w ]{0,40}(?:Encyclopedia|Encyclopaedia|Wikipedia|Britannica)"
    ),
    "a media caption": re.compile(
        r"\bThe following (?:clip|video|image|photo|picture|map|film|was painted|was drawn)\b|"
        r"\b(?:Watch|Photo|Image|Video|Credit):\s",
    ),
}


# Paragraphs that are apparatus, not content: reference and link lists, credits, "read more".
_DEBRIS = {
    "a reference list entry": re.compile(
        r"\bRetrieved\s+(?:on\s+)?(?:\d|[A-Z][a-z]+\s+\d)|\bArchived from the original\b|"
        r"\bDOI:\s*10\.|\bISBN[\s:-]*\d|^\^\s|^Citation:\s|\baccess-?date\b|\bpp?\.\s?\d+\s?[-–]",
    ),
    "a link to another page": re.compile(r"^(?:Read more|See also|Related|More on this):", re.I),
    "a credit or copyright line": re.compile(
        r"^\(?(?:©|\(c\)|Copyright\b|All photos:|Photos?:|Image:|Credit:|Source:)", re.I
    ),
}
# Sections whose paragraphs list sources or links rather than tell the history.
DEBRIS_SECTION_NAMES = frozenset(
    {
        "references",
        "notes",
        "footnotes",
        "citations",
        "sources",
        "bibliography",
        "further reading",
        "external links",
        "see also",
        "works cited",
        "notes and references",
    }
)


def debris_reason(text: str, section: str = "") -> str:
    """Return why a paragraph is apparatus (a reference, a link, a credit) or "" if content."""
    if section.strip().lower() in DEBRIS_SECTION_NAMES:
        return f"debris: in the {section.strip()!r} section, which lists sources or links"
    for reason, pattern in _DEBRIS.items():
        if pattern.search(text) and (reason != "a reference list entry" or len(text) < 600):
            return f"debris: {reason}"
    return ""


@dataclass(frozen=True)
class Relevance:
    """How closely one paragraph fits the rest of its document, and whether to drop it."""

    similarity: float
    key_term_share: float
    off_topic: bool
    reason: str


def score_paragraphs(
    texts: list[str], *, had_boilerplate: list[bool] | None = None
) -> list[Relevance]:
    """Return a relevance verdict per paragraph, comparing each with all the others."""
    flags = had_boilerplate or [False] * len(texts)
    bags = [Counter(content_terms(text)) for text in texts]
    if len(texts) < _MIN_PARAGRAPHS:
        return [Relevance(1.0, 1.0, False, "") for _ in texts]
    spread = Counter(term for bag in bags for term in bag)
    total: Counter[str] = Counter()
    for bag in bags:
        total.update(bag)
    key_terms = _key_terms(spread, total)
    similarities = _similarities(bags, spread, total)
    if not statistics.median(similarities):
        # Most paragraphs share no vocabulary: too little text to tell on-topic from off.
        return [Relevance(1.0, 1.0, False, "") for _ in texts]
    typical = statistics.median(similarities)
    relative = [s / typical for s in similarities]
    shares = [_key_share(bag, key_terms) for bag in bags]
    foreign = _foreign_names(texts)
    reasons = [
        _first_verdict(text, bag, rel, share, flag, names)
        for text, bag, rel, share, flag, names in zip(
            texts, bags, relative, shares, flags, foreign, strict=True
        )
    ]
    names = {stem(m.group()) for text in texts for m in _NAME_IN_SENTENCE.finditer(text)}
    _spread_to_neighbours(reasons, bags, shares, spread, key_terms, names)
    if sum(1 for reason in reasons if reason) * 2 > len(texts):
        # A document is mostly about its own topic; dropping most of it means the
        # measure failed here, so keep everything and let the editor decide.
        reasons = ["" for _ in reasons]
    return [
        Relevance(round(rel, 3), round(share, 3), bool(reason), reason)
        for rel, share, reason in zip(relative, shares, reasons, strict=True)
    ]


def _foreign_names(texts: list[str]) -> list[list[str] | None]:
    """Per paragraph, its names if none of them occurs in any other paragraph, else None."""
    lowered = [Counter(word.lower() for word in words(text)) for text in texts]
    everywhere: Counter[str] = Counter()
    for counts in lowered:
        everywhere.update(counts)
    found: list[list[str] | None] = []
    for text, counts in zip(texts, lowered, strict=True):
        names = {
            m.group()
            for m in _NAME_IN_SENTENCE.finditer(text)
            if m.group().lower() not in STOPWORDS
        }
        alone = all(everywhere[name.lower()] == counts[name.lower()] for name in names)
        found.append(sorted(names) if len(names) >= _FOREIGN_NAMES and alone else None)
    return found


def _first_verdict(
    text: str,
    bag: Counter[str],
    relative: float,
    share: float,
    flag: bool,
    foreign: list[str] | None,
) -> str:
    if sum(bag.values()) < _MIN_TERMS:
        return ""
    numbers = f"similarity {relative:.2f} of the typical paragraph, key terms {share:.0%}"
    markers = [name for name, pattern in _BLURB_MARKERS.items() if pattern.search(text)]
    if flag:
        markers.append("site boilerplate")
    if markers and share < _BLURB_KEEP_KEY_SHARE:
        return f"reads as a teaser or page furniture ({', '.join(markers)}); {numbers}"
    if relative < _UNRELATED_SIMILARITY and share < _UNRELATED_KEY_SHARE:
        return f"off the document's topic; {numbers}"
    if foreign and relative < _FOREIGN_SIMILARITY and share < _FOREIGN_KEY_SHARE:
        return (
            f"about another subject: {', '.join(foreign[:5])} appear nowhere else in the "
            f"document; {numbers}"
        )
    return ""


def _spread_to_neighbours(
    reasons: list[str],
    bags: list[Counter[str]],
    shares: list[float],
    spread: Counter[str],
    key_terms: set[str],
    names: set[str],
) -> None:
    # Teasers come in runs: a paragraph next to a dropped blurb that carries on the blurb's
    # own rare subject belongs to it.
    changed = True
    while changed:
        changed = False
        for index, reason in enumerate(reasons):
            if reason or shares[index] >= _NEIGHBOUR_KEY_SHARE:
                continue
            if sum(bags[index].values()) < _MIN_TERMS:
                continue
            for neighbour in (index - 1, index + 1):
                if not 0 <= neighbour < len(reasons) or not reasons[neighbour]:
                    continue
                linking = sorted(
                    term
                    for term in bags[index]
                    if term in bags[neighbour]
                    and term not in key_terms
                    and spread[term] <= _RARE_SPREAD
                )
                if len(linking) >= 2 and any(term in names for term in linking):
                    reasons[index] = (
                        "continues the dropped paragraph next to it (shares "
                        f"{', '.join(linking[:4])}); key terms {shares[index]:.0%}"
                    )
                    changed = True
                    break


def _key_terms(spread: Counter[str], total: Counter[str]) -> set[str]:
    # Terms found across many paragraphs name the topic; one paragraph's repetition does not.
    ranked = sorted(
        (term for term in total if spread[term] >= _KEY_TERM_MIN_SPREAD),
        key=lambda term: (-spread[term], -total[term], term),
    )
    return set(ranked[:_KEY_TERMS])


def _key_share(bag: Counter[str], key_terms: set[str]) -> float:
    size = sum(bag.values())
    if not size:
        return 0.0
    return sum(count for term, count in bag.items() if term in key_terms) / size


def _similarities(
    bags: list[Counter[str]], spread: Counter[str], total: Counter[str]
) -> list[float]:
    weights = {
        term: (math.log((1 + len(bags)) / (1 + count)) + 1.0) ** 2 for term, count in spread.items()
    }
    norm = sum((count**2) * weights[term] for term, count in total.items())
    return [_leave_one_out(bag, total, weights, norm) for bag in bags]


def _leave_one_out(
    bag: Counter[str], total: Counter[str], weights: dict[str, float], norm: float
) -> float:
    # Cosine between the paragraph and the rest of the document, without rebuilding the rest.
    dot = own = 0.0
    rest = norm
    for term, count in bag.items():
        weight = weights[term]
        others = total[term] - count
        own += count * count * weight
        dot += count * others * weight
        rest -= (total[term] ** 2 - others**2) * weight
    if own <= 0 or dot <= 0 or rest <= 0:
        return 0.0
    return dot / math.sqrt(own * rest)
