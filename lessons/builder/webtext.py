"""Clean text scraped from a web page: site furniture out, paragraphs and title kept."""

from __future__ import annotations

import re

from .text import sentence_spans

# Whole lines that are page furniture rather than writing: counters, bullets, share buttons.
_FURNITURE_LINE = re.compile(
    r"^\s*(?:[•·▪●◦‣∙*\-–—]\s*)?(?:"
    r"\d+\s*(?:コメント|comments?|replies|likes?|shares?|views?)|"
    r"\d+\s*/\s*\d+|"
    r"(?:share|tweet|pin|email|print|reply|like|follow|advertisement|read more|sign in|"
    r"log in|sign up|menu|search|home|top|back to top|related|tags?|categories|comments?)"
    r"\s*:?|"
    r"[•·▪●◦‣∙*\-–—|]*"
    r")\s*$",
    re.I,
)

# Sentences a site adds to every page; removed wherever they sit inside a paragraph.
BOILERPLATE_SENTENCE = re.compile(
    r"subscribe (?:for|to|now)|click here|sign up (?:for|to)|follow us on|"
    r"if you see something that doesn'?t look right|all rights reserved|copyright ©|"
    r"this (?:article|story) was originally published|we use cookies|accept (?:all )?cookies|"
    r"share this (?:article|story|page)|you are not logged in|anti-spam check|"
    r"please note that all contributions|editing help|discuss this page|"
    r"your ip address will be|sign up for our newsletter|advertisement",
    re.I,
)

_TITLE_MAX = 150
_DOUBLED_WORD = re.compile(r"\b([a-z]{3,})\s+\1\b")
# Doubled words a writer may mean ("that that", "had had").
_REAL_DOUBLES = frozenset({"that", "had"})


def split_web_text(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """Return the page title and the paragraphs, each with whether boilerplate was cut from it."""
    lines = [line.strip() for line in text.split("\n")]
    paragraphs = _join_wrapped(["" if _FURNITURE_LINE.match(line) else line for line in lines])
    title = ""
    if len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    cleaned = [(remove_boilerplate_sentences(p), p) for p in paragraphs]
    return title, [(_undouble(new), new != old) for new, old in cleaned if new]


def _join_wrapped(lines: list[str]) -> list[str]:
    # A blank line always ends a paragraph; a single newline only joins text wrapped mid-sentence.
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
        elif (
            current
            and not current.endswith((".", "!", "?", ":", '"', "”", ")"))
            and (line[0].islower())
        ):
            current = f"{current} {line}"
        else:
            if current:
                paragraphs.append(current)
            current = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _looks_like_title(line: str) -> bool:
    return len(line) <= _TITLE_MAX and not line.endswith((".", "!", ":", ";", ","))


def remove_boilerplate_sentences(paragraph: str) -> str:
    """Return `paragraph` without the sentences that are site boilerplate."""
    if not BOILERPLATE_SENTENCE.search(paragraph):
        return paragraph
    kept = [
        paragraph[start:end]
        for start, end in sentence_spans(paragraph)
        if not BOILERPLATE_SENTENCE.search(paragraph[start:end])
    ]
    return " ".join(kept)


def _undouble(paragraph: str) -> str:
    def _keep_one(match: re.Match[str]) -> str:
        word = match.group(1)
        return match.group() if word in _REAL_DOUBLES else word

    return _DOUBLED_WORD.sub(_keep_one, paragraph)
