"""Repair dashes and quotes damaged by decoding UTF-8 with a Windows code page."""

from __future__ import annotations

import re

# UTF-8 punctuation read as cp1252 ("â€”") still carries every byte, so it can be re-decoded.
_CP1252_RUN = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u2122]{1,3}")

# Read as cp1253 the lead byte 0xE2 becomes Greek beta; often the following bytes are lost and
# a lone beta is left where a dash was.  A real beta sits next to other Greek letters.
_CP1253_FULL = re.compile("β€[“”]")
_GREEK = "\u0370-\u03ff"
_BETA_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s?β\s?(?=\d)")
_BETA_SPACED = re.compile(r"(?<=[^\s" + _GREEK + r"]) β (?=[^\s" + _GREEK + r"])")
_BETA_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z0-9,;)\"”])β(?=[A-Za-z(\"“])")


def repair_mojibake(text: str) -> tuple[str, int]:
    """Return `text` with damaged dashes and quotes restored, and how many were repaired."""
    count = 0

    def _redecode(match: re.Match[str]) -> str:
        nonlocal count
        run = match.group()
        try:
            fixed = run.encode("cp1252").decode("utf-8")
        except UnicodeError:
            return run
        count += 1
        return fixed

    text = _CP1252_RUN.sub(_redecode, text)
    for pattern, replacement in (
        (_CP1253_FULL, None),
        (_BETA_BETWEEN_DIGITS, "–"),
        (_BETA_SPACED, " – "),
        (_BETA_BETWEEN_WORDS, "—"),
    ):
        text, n = pattern.subn(replacement or _full_dash, text)
        count += n
    return text, count


def _full_dash(match: re.Match[str]) -> str:
    return "–" if match.group().endswith("“") else "—"
