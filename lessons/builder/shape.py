"""Tell MediaWiki wikitext from text scraped off a web page, by the markup it carries."""

from __future__ import annotations

import re

from .types import Shape

_HEADING = re.compile(r"(?:^|\s)={2,6}[^=\n]{1,200}={2,6}(?=\s|$)")
_MIN_FEATURES = 3
# Markup features per 1,000 characters; scraped prose has almost none, a wiki source dozens.
_MIN_DENSITY = 1.5


def detect_shape(text: str) -> Shape:
    """Return "wikitext" when the text is dense with wiki markup, otherwise "web"."""
    features = (
        text.count("{{")
        + text.count("[[")
        + 3 * text.count("{{sfn")
        + 2 * len(_HEADING.findall(text))
        + text.count("<ref")
        + text.count("'''")
    )
    if features < _MIN_FEATURES:
        return "web"
    density = features * 1000 / max(len(text), 1)
    return "wikitext" if density >= _MIN_DENSITY else "web"
