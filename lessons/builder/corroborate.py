"""Relate documents: who fills whose gaps, and which passages tell the same event."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace

from .text import MONTHS, STOPWORDS, content_terms, sentence_spans, stem
from .types import BuiltDocument, Corroboration, Event, Gap, GapEvidence, Passage

# A gap is filled only when the other sentence shares this many subject words...
_GAP_SHARED_WITH_MONTH = 2
_GAP_SHARED_WITHOUT_MONTH = 3
# ...and two passages tell the same event only above this weight of shared names and words.
_PAIR_MIN_SCORE = 6.0
_PAIR_MIN_SHARED = 2
_MAX_PAIRS = 8
_SAME_MONTH_BONUS = 2.0
# A capitalised word that does not open the sentence is a name (person, place, body).
_NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*")
_DATED = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b")
_MONTH_WORD = re.compile(r"\b(" + "|".join(m.capitalize() for m in MONTHS) + r")\b")


def _subject_terms(sentence: str) -> set[str]:
    return {term for term in content_terms(sentence) if term not in MONTHS}


def corroborate_gaps(*, documents: list[BuiltDocument]) -> list[BuiltDocument]:
    """Return the documents with each missing-year gap pointed at the documents that state it."""
    updated = []
    for document in documents:
        others = [other for other in documents if other.name != document.name]
        gaps = [_corroborate(gap, others) for gap in document.gaps]
        updated.append(replace(document, gaps=gaps))
    return updated


def _corroborate(gap: Gap, others: list[BuiltDocument]) -> Gap:
    if gap.kind != "missing_year":
        return gap
    terms = _subject_terms(gap.sentence)
    needed = _GAP_SHARED_WITH_MONTH if gap.month else _GAP_SHARED_WITHOUT_MONTH
    evidence = []
    for other in others:
        best: tuple[int, Event] | None = None
        for event in other.events:
            if gap.month and event.month != gap.month:
                continue
            shared = len(terms & _subject_terms(event.sentence))
            if shared >= needed and (best is None or shared > best[0]):
                best = (shared, event)
        if best is not None:
            event = best[1]
            evidence.append(
                GapEvidence(
                    document=other.name,
                    text=event.text,
                    start=event.start,
                    end=event.end,
                    sentence=event.sentence,
                    value=str(event.year),
                )
            )
    return replace(gap, corroborated_by=evidence) if evidence else gap


def _sentences(document: BuiltDocument) -> list[tuple[int, int, str]]:
    found = []
    for paragraph in document.paragraphs:
        for start, end in sentence_spans(paragraph.text):
            found.append(
                (paragraph.start + start, paragraph.start + end, paragraph.text[start:end])
            )
    return found


def _features(sentence: str) -> tuple[set[str], dict[str, str], int | None, bool]:
    # Names are compared word by word ("Lev Kamenev" meets "Kamenev"), keyed by the whole run.
    names = {}
    for match in _NAME.finditer(sentence):
        for word in match.group().split():
            if word.lower() not in MONTHS and word.lower() not in STOPWORDS:
                names[word.lower()] = match.group()
    month = _MONTH_WORD.search(sentence)
    dated = bool(month or _DATED.search(sentence))
    return (
        _subject_terms(sentence),
        names,
        MONTHS[month.group().lower()] if month else None,
        dated,
    )


def find_corroborations(*, documents: list[BuiltDocument]) -> list[Corroboration]:
    """Return passages from two different documents that tell the same event, best first."""
    sentences = {doc.name: _sentences(doc) for doc in documents}
    features = {
        name: [_features(text) for _, _, text in found] for name, found in sentences.items()
    }
    spread: Counter[str] = Counter()
    total = 0
    for found in features.values():
        for terms, _, _, _ in found:
            spread.update(terms)
            total += 1
    weights = {term: math.log((1 + total) / (1 + count)) for term, count in spread.items()}
    candidates = []
    for i, first in enumerate(documents):
        for second in documents[i + 1 :]:
            candidates.extend(_pairs(first.name, second.name, sentences, features, weights))
    candidates.sort(key=lambda pair: -pair.score)
    chosen: list[Corroboration] = []
    used: set[tuple[str, int]] = set()
    for pair in candidates:
        keys = {(pair.first.document, pair.first.start), (pair.second.document, pair.second.start)}
        if keys & used:
            continue
        used |= keys
        chosen.append(pair)
        if len(chosen) == _MAX_PAIRS:
            break
    return chosen


def _pairs(
    first: str, second: str, sentences: dict, features: dict, weights: dict[str, float]
) -> list[Corroboration]:
    pairs = []
    for (a_start, a_end, a_text), (a_terms, a_names, a_month, a_dated) in zip(
        sentences[first], features[first], strict=True
    ):
        if not a_names:
            continue
        for (b_start, b_end, b_text), (b_terms, b_names, b_month, b_dated) in zip(
            sentences[second], features[second], strict=True
        ):
            shared_words = a_names.keys() & b_names.keys()
            if not shared_words:
                continue
            shared = a_terms & b_terms
            runs = {a_names[word] for word in shared_words}
            keywords = shared - {stem(word) for word in shared_words}
            same_month = a_month is not None and a_month == b_month
            # Shared names alone are a coincidence: the month must agree, or several names and
            # event words must meet in a passage that dates an event.
            told_together = (
                len(runs) > 1 and len(keywords) >= _PAIR_MIN_SHARED and (a_dated or b_dated)
            )
            if len(shared) < _PAIR_MIN_SHARED or not (same_month or told_together):
                continue
            score = sum(weights.get(term, 0.0) for term in shared | set(shared_words))
            score += _SAME_MONTH_BONUS if same_month else 0.0
            if score < _PAIR_MIN_SCORE:
                continue
            names = sorted(runs)
            pairs.append(
                Corroboration(
                    first=Passage(first, a_text, a_start, a_end),
                    second=Passage(second, b_text, b_start, b_end),
                    shared_terms=names + sorted(keywords),
                    month=a_month if same_month else None,
                    score=round(score, 2),
                )
            )
    return pairs
