"""Turn MediaWiki wikitext into plain blocks, keeping citations as markers where they sat."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import REF_CLOSE, REF_OPEN

HEADING_OPEN = "\x02"
HEADING_CLOSE = "\x03"


@dataclass(frozen=True)
class Citation:
    """What a citation template or <ref> says, before it is tied to a paragraph."""

    author: str
    year: str
    pages: str
    note: str = ""


@dataclass
class RenderedWiki:
    """Rendered text with heading and citation markers, the citations, and the page title."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    page_title: str = ""


# Sentences the MediaWiki edit page wraps around the source text.
_EDIT_PREAMBLE = re.compile(
    r"(?:Warning:\s*)?You are not logged in\.|"
    r"Your IP address will be (?:publicly visible|recorded)[^.!\n]{0,200}[.!]|"
    r"If you (?:log in|create an account)[^.!\n]{0,200}[.!]|"
    r"Anti-spam check\.\s*Do not fill this in!|"
    r"You are (?:editing|not logged in)[^.!\n]{0,200}[.!]|"
    r"This page is (?:semi-|extended-)?protected[^.!\n]{0,200}[.!]|"
    r"Content that violates any copyrights will be deleted\.",
    re.I,
)
_EDIT_POSTAMBLE = re.compile(
    r"Summary:\s*Please note|Please note that all contributions to|"
    r"By (?:saving|publishing) changes, you agree|Cancel\s+Editing help|"
    r"Editing help \(opens in new window\)|Save (?:page|changes)\s+Show preview",
    re.I,
)
_FIRST_MARKUP = re.compile(r"\{\{|\[\[|==")

_TOKEN = re.compile(
    r"\{\{|\}\}|\[\[|\]\]|\||<ref\b[^<>]{0,300}?/>|<ref\b[^<>]{0,300}>|</ref\s*>", re.I
)
_HEADING = re.compile(r"(={2,6})([^=\n]{1,200})\1")
_EXTERNAL_LINK = re.compile(r"\[(?:https?:)?//[^\s\]]{1,500}\s?([^\]\n]{0,300})\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_EMPHASIS = re.compile(r"'{2,5}")
_STRAY = re.compile(r"={2,}|\{\{|\}\}|\[\[|\]\]|__[A-Z]{2,30}__")
_LIST_BULLET = re.compile(r"(?m)^[*#:;]+\s*")
_YEAR = re.compile(r"^(?:\d{3,4}[a-z]?|n\.d\.|nd|c\.\s?\d{4})$", re.I)

_DROP_LINK_PREFIXES = ("file:", "image:", "media:", "category:")
# Templates that show their last argument as running text; every other template is dropped.
_INLINE_TEMPLATES = frozenset({"nowrap", "lang", "small", "nobr", "script", "transl"})
_SHORT_CITES = frozenset({"sfn", "sfnp", "harvnb", "harv", "harvp", "rp"})


def render_wikitext(raw: str) -> RenderedWiki:
    """Render wikitext to plain text with markers; edit-page boilerplate is cut off."""
    body, page_title = _strip_edit_page(_strip_comments(raw))
    rendered = RenderedWiki(text="", page_title=page_title)
    text = _Renderer(body, rendered.citations).render()
    text = _HEADING.sub(
        lambda m: f"\n\n{HEADING_OPEN}{m.group(2).strip()}{HEADING_CLOSE}\n\n", text
    )
    text = _EXTERNAL_LINK.sub(lambda m: m.group(1), text)
    text = _HTML_TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = _STRAY.sub(" ", text)
    rendered.text = _LIST_BULLET.sub("", text)
    return rendered


def _strip_comments(raw: str) -> str:
    # A find loop rather than a regex: an unclosed "<!--" must not rescan the rest each time.
    pieces = []
    position = 0
    while (start := raw.find("<!--", position)) >= 0:
        end = raw.find("-->", start + 4)
        pieces.append(raw[position:start])
        if end < 0:
            position = len(raw)
            break
        position = end + 3
    pieces.append(raw[position:])
    return " ".join(pieces)


def _strip_edit_page(raw: str) -> tuple[str, str]:
    first_markup = _FIRST_MARKUP.search(raw)
    limit = first_markup.start() if first_markup else len(raw)
    start = 0
    page_title = ""
    for match in _EDIT_PREAMBLE.finditer(raw, 0, limit):
        if start == 0:
            page_title = _page_title(raw[: match.start()])
        start = match.end()
    end = len(raw)
    tail = _EDIT_POSTAMBLE.search(raw, start)
    if tail is not None:
        end = tail.start()
    return raw[start:end], page_title


def _page_title(before: str) -> str:
    title = " ".join(before.split())
    title = re.sub(r"^Editing\s+", "", title)
    if 0 < len(title) <= 120 and not _FIRST_MARKUP.search(title):
        return title
    return ""


class _Frame:
    __slots__ = ("kind", "parts", "source_start")

    def __init__(self, kind: str, source_start: int) -> None:
        self.kind = kind
        self.parts: list[list[str]] = [[]]
        self.source_start = source_start

    def add(self, piece: str) -> None:
        self.parts[-1].append(piece)

    def flat(self, separator: str = " ") -> str:
        return separator.join("".join(part) for part in self.parts)


class _Renderer:
    """A single left-to-right pass with an explicit stack, so nesting depth cannot overflow."""

    def __init__(self, source: str, citations: list[Citation]) -> None:
        self.source = source
        self.citations = citations

    def render(self) -> str:
        stack = [_Frame("root", 0)]
        position = 0
        for token in _TOKEN.finditer(self.source):
            stack[-1].add(self.source[position : token.start()])
            position = token.end()
            self._handle(token, stack)
        stack[-1].add(self.source[position:])
        while len(stack) > 1:
            # An opener that never closed is stray markup; keep what it held.
            unclosed = stack.pop()
            stack[-1].add(" " + unclosed.flat() + " ")
        return stack[0].flat("|")

    def _handle(self, token: re.Match[str], stack: list[_Frame]) -> None:
        value = token.group()
        lowered = value.lower()
        top = stack[-1]
        if value == "{{":
            stack.append(_Frame("template", token.end()))
        elif value == "[[":
            stack.append(_Frame("link", token.end()))
        elif lowered.startswith("<ref") and value.endswith("/>"):
            return
        elif lowered.startswith("<ref"):
            stack.append(_Frame("ref", token.end()))
        elif value == "|":
            if top.kind in ("template", "link"):
                top.parts.append([])
            else:
                top.add("|" if top.kind == "root" else " ")
        elif value == "}}" and top.kind == "template":
            stack.pop()
            self._emit(stack[-1], self._template(top))
        elif value == "]]" and top.kind == "link":
            stack.pop()
            stack[-1].add(self._link(top))
        elif lowered.startswith("</ref") and top.kind == "ref":
            stack.pop()
            raw = self.source[top.source_start : token.start()]
            self._emit(stack[-1], self._cite(_citation_from_ref(raw, top.flat())))
        else:
            # A closer with no matching opener is stray markup.
            top.add(" ")

    @staticmethod
    def _emit(frame: _Frame, piece: str) -> None:
        if piece.startswith(REF_OPEN) and frame.parts[-1]:
            # A citation belongs to the words before it, even when a space separates them.
            frame.parts[-1][-1] = frame.parts[-1][-1].rstrip(" \t")
        frame.add(piece)

    def _cite(self, citation: Citation | None) -> str:
        if citation is None:
            return ""
        self.citations.append(citation)
        return f"{REF_OPEN}{len(self.citations) - 1}{REF_CLOSE}"

    def _template(self, frame: _Frame) -> str:
        params = ["".join(part) for part in frame.parts]
        name = params[0].strip().lower().removeprefix("template:").strip()
        if name in _SHORT_CITES:
            return self._cite(_short_citation(params[1:]))
        if name == "sfnm":
            return "".join(self._cite(c) for c in _multi_citations(params[1:]))
        if name in _INLINE_TEMPLATES and len(params) > 1:
            return params[-1]
        return ""

    @staticmethod
    def _link(frame: _Frame) -> str:
        target = "".join(frame.parts[0]).strip()
        if target.lower().lstrip(":").startswith(_DROP_LINK_PREFIXES):
            return ""
        label = "".join(frame.parts[-1])
        if len(frame.parts) == 1:
            label = label.lstrip(":")
        return label


def _named_and_positional(params: list[str]) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    positional: list[str] = []
    for param in params:
        clean = _plain(param)
        key, sep, value = clean.partition("=")
        if sep and re.fullmatch(r"\s*[A-Za-z0-9_-]{1,20}\s*", key):
            named[key.strip().lower()] = value.strip()
        elif clean.strip():
            positional.append(clean.strip())
    return named, positional


def _plain(value: str) -> str:
    return re.sub(REF_OPEN + r"\d+" + REF_CLOSE, "", value)


def _pages(named: dict[str, str], prefix: str = "") -> str:
    for key in ("p", "pp", "page", "pages", "loc", "at"):
        if named.get(prefix + key):
            return named[prefix + key]
    return ""


def _short_citation(params: list[str]) -> Citation | None:
    named, positional = _named_and_positional(params)
    authors: list[str] = []
    year = ""
    for value in positional:
        if _YEAR.match(value) and not year:
            year = value
        elif not year:
            authors.append(value)
    if not authors and not year:
        return None
    return Citation(author=" & ".join(authors), year=year, pages=_pages(named))


def _multi_citations(params: list[str]) -> list[Citation]:
    named, _ = _named_and_positional(params)
    numbers = sorted({int(m.group(1)) for k in named if (m := re.match(r"(\d{1,2})a1$", k))})
    citations = []
    for n in numbers:
        authors = [named[f"{n}a{i}"] for i in range(1, 5) if named.get(f"{n}a{i}")]
        citations.append(
            Citation(
                author=" & ".join(authors),
                year=named.get(f"{n}y", ""),
                pages=_pages(named, f"{n}"),
            )
        )
    return citations


def _citation_from_ref(raw: str, rendered: str) -> Citation | None:
    fields = {
        m.group(1).lower(): m.group(2).strip()
        for m in re.finditer(r"\|\s*([A-Za-z0-9-]{1,20})\s*=\s*([^|}]{0,300})", raw)
    }
    author = fields.get("last") or fields.get("last1") or fields.get("author") or ""
    year = fields.get("year") or _year_in(fields.get("date", ""))
    note = " ".join(_plain(rendered).split())
    if not (author or year or note):
        return None
    title = fields.get("title", "")
    return Citation(author=author, year=year, pages=_pages(fields), note=note or title)


def _year_in(value: str) -> str:
    match = re.search(r"\b\d{4}\b", value)
    return match.group() if match else ""
