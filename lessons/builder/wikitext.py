"""Turn MediaWiki wikitext into plain blocks, keeping citations as markers where they sat.

The markup is parsed with mwparserfromhell; this module decides what each node shows as
text, and which templates and <ref>s are citations.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

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
    # The bold term that opens an encyclopedia article names its subject.
    lead_term: str = ""


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

# A heading the parser cannot see, because a flattened page put it mid-line.
_INLINE_HEADING = re.compile(r"(={2,6})([^=\n]{1,200})\1")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_STRAY = re.compile(r"={2,}|\{\{|\}\}|\[\[|\]\]|__[A-Z]{2,30}__|'{2,5}")
_LIST_BULLET = re.compile(r"(?m)^[*#:;]+\s*")
_YEAR = re.compile(r"^(?:\d{3,4}[a-z]?|n\.d\.|nd|c\.\s?\d{4})$", re.I)

_DROP_LINK_PREFIXES = ("file:", "image:", "media:", "category:")
# Templates whose last positional argument is running text.
_TEXT_TEMPLATES = frozenset(
    {"nowrap", "nobr", "small", "smaller", "big", "lang", "transl", "script", "noitalic", "em"}
)
_SHORT_CITES = frozenset(
    {"sfn", "sfnp", "harvnb", "harv", "harvp", "harvcol", "harvcolnb", "rp", "harvtxt"}
)
_FULL_CITES = frozenset({"citation", "cite", "vcite", "wikicite"})
_NOTES = frozenset({"efn", "efn-ua", "efn-lr", "efn-lg", "refn", "notetag", "notelist-ua"})
_SYMBOLS = {"ndash": "–", "mdash": "—", "snd": " – ", "spaced ndash": " – ", "nbsp": " "}
# Tags whose contents are not prose.
_SILENT_TAGS = frozenset(
    {"references", "gallery", "math", "score", "timeline", "syntaxhighlight", "table", "imagemap"}
)


def render_wikitext(raw: str) -> RenderedWiki:
    """Render wikitext to plain text with markers; edit-page boilerplate is cut off."""
    body, page_title = _strip_edit_page(_strip_comments(raw))
    rendered = RenderedWiki(text="", page_title=page_title)
    renderer = _Renderer(rendered.citations)
    text = renderer.render(mwparserfromhell.parse(body))
    rendered.lead_term = renderer.lead_term
    text = _INLINE_HEADING.sub(
        lambda m: f"\n\n{HEADING_OPEN}{m.group(2).strip()}{HEADING_CLOSE}\n\n", text
    )
    text = _HTML_TAG.sub(" ", text)
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


class _Renderer:
    """Walks the parsed page once, turning each node into text or a citation marker."""

    def __init__(self, citations: list[Citation]) -> None:
        self.citations = citations
        self.named: dict[str, int] = {}
        self.lead_term = ""
        self.seen_heading = False

    def render(self, code: Wikicode) -> str:
        pieces: list[str] = []
        for node in code.nodes:
            piece = self._node(node)
            if piece.startswith(REF_OPEN) and pieces:
                # A citation belongs to the words before it, even when a space separates them.
                pieces[-1] = pieces[-1].rstrip(" \t")
            pieces.append(piece)
        return "".join(pieces)

    def _node(self, node: object) -> str:
        if isinstance(node, Text):
            return str(node.value)
        if isinstance(node, HTMLEntity):
            return node.normalize()
        if isinstance(node, Comment):
            return ""
        if isinstance(node, Heading):
            self.seen_heading = True
            return f"\n\n{HEADING_OPEN}{self.render(node.title).strip()}{HEADING_CLOSE}\n\n"
        if isinstance(node, Wikilink):
            return self._link(node)
        if isinstance(node, ExternalLink):
            return self.render(node.title) if node.title else ""
        if isinstance(node, Template):
            return self._template(node)
        if isinstance(node, Tag):
            return self._tag(node)
        return ""

    def _link(self, link: Wikilink) -> str:
        target = str(link.title).strip()
        if target.lower().lstrip(":").startswith(_DROP_LINK_PREFIXES):
            return ""
        if link.text is not None:
            return self.render(link.text)
        return self.render(link.title).lstrip(":")

    def _tag(self, tag: Tag) -> str:
        name = str(tag.tag).strip().lower()
        if name == "ref":
            return self._ref(tag)
        if name in _SILENT_TAGS:
            return ""
        if name == "br":
            return " "
        if tag.contents is None:
            return ""
        text = self.render(tag.contents)
        if name == "b" and not self.lead_term and not self.seen_heading:
            self.lead_term = " ".join(text.split())
        return text

    def _ref(self, tag: Tag) -> str:
        name = _attribute(tag, "name")
        if tag.self_closing or tag.contents is None or not str(tag.contents).strip():
            # A reused <ref name="x" /> cites the same source again.
            return self._mark(self.named[name]) if name in self.named else ""
        citations = [c for c in _citations_in(tag.contents) if c is not None]
        if not citations:
            note = _plain(self._quiet(tag.contents))
            citations = [Citation(author="", year="", pages="", note=note)] if note else []
        marks = "".join(self._cite(c) for c in citations)
        if name and citations:
            self.named[name] = len(self.citations) - len(citations)
        return marks

    def _quiet(self, code: Wikicode) -> str:
        # Text inside a reference is only a note; its own citations are not counted twice.
        return _Renderer([]).render(code)

    def _cite(self, citation: Citation | None) -> str:
        if citation is None:
            return ""
        self.citations.append(citation)
        return self._mark(len(self.citations) - 1)

    @staticmethod
    def _mark(index: int) -> str:
        return f"{REF_OPEN}{index}{REF_CLOSE}"

    def _template(self, template: Template) -> str:
        name = _template_name(template)
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if (
            name in _SHORT_CITES
            or name == "sfnm"
            or name in _FULL_CITES
            or name.startswith("cite ")
        ):
            marks = "".join(self._cite(c) for c in _template_citations(template))
            if name == "harvtxt":
                # {{harvtxt|Smith|2001}} is read as "Smith (2001)" in the sentence itself.
                named, positional = _arguments(template)
                year = next((p for p in positional if _YEAR.match(p)), "")
                authors = [p for p in positional if p != year][:2]
                return f"{' & '.join(authors)} ({year})" + marks
            return marks
        if name in _NOTES:
            named, positional = _arguments(template)
            note = named.get("text") or (positional[0] if positional else "")
            return self._cite(Citation(author="", year="", pages="", note=note)) if note else ""
        if name in ("circa", "c.", "ca."):
            _, positional = _arguments(template)
            return f"c. {positional[0]}" if positional else "c."
        if name == "convert":
            return self._convert(template)
        if name.startswith("lang-"):
            _, positional = _arguments(template)
            return positional[0] if positional else ""
        if name in _TEXT_TEMPLATES:
            values = [p.value for p in template.params if not p.showkey]
            return self.render(values[-1]).strip() if values else ""
        # Infoboxes, navigation and maintenance tags ("citation needed", "verify source")
        # carry no prose, and their dates are about the page, not the history.
        return ""

    @staticmethod
    def _convert(template: Template) -> str:
        _, positional = _arguments(template)
        if len(positional) >= 4 and positional[1] in ("-", "–", "to", "and", "or", "by"):
            return " ".join(positional[:4])
        return " ".join(positional[:2])


def _template_name(template: Template) -> str:
    name = str(template.name).strip().lower().replace("_", " ")
    return " ".join(name.removeprefix("template:").split())


def _attribute(tag: Tag, name: str) -> str:
    for attribute in tag.attributes:
        if str(attribute.name).strip().lower() == name and attribute.value is not None:
            return str(attribute.value).strip().strip("\"'")
    return ""


def _plain(value: str) -> str:
    value = re.sub(REF_OPEN + r"\d+" + REF_CLOSE, "", value)
    return " ".join(html.unescape(value).split())


def _arguments(template: Template) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    positional: list[str] = []
    for param in template.params:
        value = _plain(_Renderer([]).render(param.value)).strip()
        if param.showkey:
            named[str(param.name).strip().lower()] = value
        elif value:
            positional.append(value)
    return named, positional


def _citations_in(code: Wikicode) -> list[Citation | None]:
    found: list[Citation | None] = []
    for template in code.filter_templates(recursive=False):
        found.extend(_template_citations(template))
    return found


def _template_citations(template: Template) -> list[Citation | None]:
    name = _template_name(template)
    named, positional = _arguments(template)
    if name in _SHORT_CITES:
        return [_short_citation(named, positional)]
    if name == "sfnm":
        return list(_multi_citations(named))
    if name in _FULL_CITES or name.startswith("cite "):
        return [_full_citation(named)]
    return []


def _pages(named: dict[str, str], prefix: str = "") -> str:
    for key in ("p", "pp", "page", "pages", "loc", "at"):
        if named.get(prefix + key):
            return named[prefix + key]
    return ""


def _short_citation(named: dict[str, str], positional: list[str]) -> Citation | None:
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


def _multi_citations(named: dict[str, str]) -> list[Citation]:
    numbers = sorted({int(m.group(1)) for k in named if (m := re.match(r"(\d{1,2})a1$", k))})
    return [
        Citation(
            author=" & ".join(named[f"{n}a{i}"] for i in range(1, 5) if named.get(f"{n}a{i}")),
            year=named.get(f"{n}y", ""),
            pages=_pages(named, f"{n}"),
        )
        for n in numbers
    ]


def _full_citation(named: dict[str, str]) -> Citation | None:
    author = (
        named.get("last")
        or named.get("last1")
        or named.get("surname")
        or named.get("author")
        or named.get("author1")
        or named.get("editor-last")
        or ""
    )
    # Only the publication's own date; access and archive dates say when a page was read.
    year = named.get("year") or _year_in(named.get("date", ""))
    title = named.get("title") or named.get("work") or named.get("journal") or ""
    if not (author or year or title):
        return None
    return Citation(author=author, year=year, pages=_pages(named), note=title)


def _year_in(value: str) -> str:
    match = re.search(r"\b\d{4}\b", value)
    return match.group() if match else ""
