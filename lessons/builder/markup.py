"""Read Markdown page sources, saved HTML pages and plain transcripts into titled blocks.

Markdown (with Jekyll, Hugo or Astro front matter) is parsed with markdown-it-py and
python-frontmatter; a saved HTML page is reduced to its main content with trafilatura, which
hands back Markdown for the same path; plain text has its entities unescaped and its caption
lines joined into sentences.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import frontmatter
import lxml.html
import trafilatura
import yaml
from lxml import etree
from markdown_it import MarkdownIt

from .speakers import SPEECH_VERB, name_in

_MARKDOWN = MarkdownIt("commonmark")
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)\s*\n")
_HTML_PAGE = re.compile(r"\A\s*(?:<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.I)
# "--Epictetus, _Discourses_" or "— Thoreau": the line that names a blockquote's speaker.
_ATTRIBUTION = re.compile(r"^\s*(?:--|—|–|―)\s*(?P<who>[^,\n]{2,80})(?:,.*)?$")
_TAG = re.compile(r"<[^>\n]{1,300}>")
# "[5]", "[citation needed]", "[edit]": a saved encyclopedia page's footnote and edit marks.
_FOOTNOTE_MARK = re.compile(r"\[(?:\d{1,3}|[a-z]|edit|citation needed|note \d{1,3})\]")
_CAPTION_END = (".", "!", "?", ":", '"', "”", "’")


@dataclass(frozen=True)
class Block:
    """A paragraph of text, its section, and who it quotes when it sits in a blockquote."""

    text: str
    section: str = ""
    quoted_by: str | None = None


@dataclass
class Source:
    """A document's metadata and its blocks, before relevance and extraction."""

    title: str = ""
    author: str = ""
    date: str = ""
    site: str = ""
    url: str = ""
    letter: bool = False
    blocks: list[Block] = field(default_factory=list)


def looks_like_markdown_source(text: str) -> bool:
    """Return whether `text` opens with front matter or carries Markdown structure."""
    if _FRONT_MATTER.match(text):
        return True
    lines = text.split("\n")
    # Inline HTML blocks count too: page sources mix <cite> and <blockquote> into Markdown.
    marks = sum(
        1
        for line in lines
        if re.match(r"^(?:#{1,6} |> |```|\* |- \S|<(?:blockquote|cite|figure|iframe)\b)", line)
    )
    return marks >= 3 and marks * 20 >= len(lines)


def looks_like_html(text: str) -> bool:
    """Return whether `text` is a saved HTML page."""
    return bool(_HTML_PAGE.match(text[:2000]))


def read_markdown(text: str) -> Source:
    """Split off front matter as metadata and read the body's blocks."""
    source = Source()
    body = text
    if _FRONT_MATTER.match(text):
        try:
            post = frontmatter.loads(text)
        except (yaml.YAMLError, ValueError):
            post = None
        if post is not None:
            body = post.content
            _take_metadata(source, post.metadata)
    source.blocks = _blocks(body, drop=str(source_excerpt(text)))
    if not source.title:
        source.title = next((b.section for b in source.blocks if b.section), "")
    return source


def source_excerpt(text: str) -> str:
    """Return the front matter's `excerpt`, which repeats the body and is not content."""
    try:
        value = frontmatter.loads(text).metadata.get("excerpt", "")
    except (yaml.YAMLError, ValueError):
        return ""
    return value if isinstance(value, str) else ""


def read_html(text: str) -> Source:
    """Extract the main content and metadata of a saved web page."""
    markdown = trafilatura.extract(
        text, output_format="markdown", include_formatting=True, include_comments=False
    )
    source = Source(blocks=_blocks(markdown or "", drop=""))
    meta = trafilatura.extract_metadata(text)
    if meta is not None:
        source.author, source.date = meta.author or "", meta.date or ""
        source.site, source.url = meta.sitename or "", meta.url or ""
        source.title = _without_site(meta.title or "", source.site)
    heading = _first_heading(markdown or "")
    if heading:
        # The page's own headline beats a <title> tag that advertises the site.
        source.title = heading
    return source


def _without_site(title: str, site: str) -> str:
    """ "Berlin confronts its past | DW | 19.01.2020" -> "Berlin confronts its past"."""
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+", title) if p.strip()]
    kept = [
        p
        for p in parts
        if p.lower() != site.lower() and not re.fullmatch(r"[\d./\s-]+", p) and len(p) > 3
    ]
    return max(kept, key=len) if len(kept) < len(parts) and kept else title


def read_text(text: str) -> str:
    """Return plain text with entities unescaped and caption lines joined into sentences."""
    text = html.unescape(text)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if len(lines) > 1 and sum(len(line) for line in lines) / len(lines) < 120:
            paragraphs.append(_join_captions(lines))
        else:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(p for p in paragraphs if p)


def _join_captions(lines: list[str]) -> str:
    joined = lines[0]
    for line in lines[1:]:
        joined += (" " if not joined.endswith(_CAPTION_END) or line[:1].islower() else " ") + line
    return joined


def _take_metadata(source: Source, meta: dict) -> None:
    source.title = _plain(meta.get("title"))
    author = meta.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    source.author = _plain(author)
    source.date = _plain(meta.get("date"))
    source.url = _plain(meta.get("url") or meta.get("permalink"))
    # A page that names who the text was sent to, or how it was signed, transcribes a letter.
    source.letter = bool(meta.get("recipient") or meta.get("signature"))


def _plain(value: object) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _first_heading(markdown: str) -> str:
    match = re.search(r"(?m)^# (.+)$", markdown)
    return match.group(1).strip() if match else ""


def _blocks(body: str, *, drop: str) -> list[Block]:
    tokens = _MARKDOWN.parse(body)
    blocks: list[Block] = []
    section = ""
    quote_depth = 0
    quote_start = 0
    last_quote: tuple[int, int] | None = None
    heading = False
    for token in tokens:
        if token.type == "blockquote_open":
            quote_depth += 1
            quote_start = len(blocks)
        elif token.type == "blockquote_close":
            quote_depth -= 1
            _attribute_quote(blocks, quote_start)
            last_quote = (quote_start, len(blocks))
        elif token.type == "html_block":
            # Raw HTML inside Markdown: a <blockquote> is a quotation, a <cite> after it names
            # who is quoted, anything else is prose.
            for tag, text in _html_parts(token.content):
                if tag == "cite" and last_quote and last_quote[1] == len(blocks):
                    _name_quote(blocks, *last_quote, who=text.strip(" —–-"))
                elif tag == "blockquote":
                    last_quote = (len(blocks), len(blocks) + 1)
                    blocks.append(Block(text=text, section=section, quoted_by=""))
                elif tag not in ("script", "style", "iframe", "cite"):
                    blocks.append(Block(text=text, section=section, quoted_by=None))
        elif token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type == "inline":
            text = _inline_text(token)
            if not text:
                continue
            if _is_cite(token) and last_quote and last_quote[1] == len(blocks) and not quote_depth:
                # <cite>Name</cite> right after a blockquote names who is quoted.
                _name_quote(blocks, *last_quote, who=text.strip(" —–-"))
                continue
            if heading:
                section = text
                continue
            if drop and " ".join(drop.split()) == text:
                continue
            blocks.append(Block(text=text, section=section, quoted_by="" if quote_depth else None))
    return blocks


def _attribute_quote(blocks: list[Block], start: int) -> None:
    quoted = blocks[start:]
    if not quoted:
        return
    match = _ATTRIBUTION.match(quoted[-1].text)
    who = ""
    if match and len(quoted) > 1:
        who = match.group("who").strip(" _*")
        blocks.pop()
        quoted = quoted[:-1]
    if not who and start > 0:
        who = _speaker_of_colon_line(blocks[start - 1].text)
    _name_quote(blocks, start, start + len(quoted), who=who)


def _name_quote(blocks: list[Block], start: int, end: int, *, who: str) -> None:
    for index in range(start, end):
        blocks[index] = Block(blocks[index].text, blocks[index].section, who)


def _speaker_of_colon_line(line: str) -> str:
    """Return X from "X wrote:" on the line before a blockquote, or ""."""
    if not line.rstrip().endswith(":"):
        return ""
    verbs = list(SPEECH_VERB.finditer(line))
    if not verbs:
        return ""
    name = name_in(line[: verbs[-1].start()])
    return "" if name[:1].islower() else name


def _html_parts(markup: str) -> list[tuple[str, str]]:
    """(tag, text) for each top-level element of an HTML block, its text unescaped."""
    try:
        fragments = lxml.html.fragments_fromstring(markup)
    except (etree.ParserError, ValueError):
        return []
    parts = []
    for fragment in fragments:
        if isinstance(fragment, str):
            tag, text = "p", fragment
        elif isinstance(fragment.tag, str):
            tag, text = fragment.tag.lower(), fragment.text_content()
        else:
            continue
        text = " ".join(text.split())
        if text:
            parts.append((tag, text))
    return parts


def _is_cite(token) -> bool:
    children = token.children or []
    return (
        bool(children)
        and children[0].type == "html_inline"
        and (children[0].content.lower().startswith("<cite"))
    )


def _inline_text(token) -> str:
    pieces = []
    for child in token.children or []:
        if child.type == "text":
            pieces.append(child.content)
        elif child.type == "code_inline":
            # Code shown in prose is markup about markup, not the document's words.
            pieces.append(" ")
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif child.type == "html_inline" or child.type == "image":
            continue
    text = _TAG.sub(" ", "".join(pieces))
    text = _FOOTNOTE_MARK.sub("", html.unescape(text))
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))
