"""The cartridge's web pages: a module's reading with its excerpts and their sourcing, and
each source document with its passages marked, rendered from templates/cartridge/."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, format_html, format_html_join

from lessons.models import Lesson, Module, SourceDocument
from lessons.passages import paragraphs_with_mark


def module_content(
    lesson: Lesson, module: Module, questions: list, links: dict[int, str] | None
) -> dict:
    """What a module shows around its questions: reading, excerpts with sourcing, facts.

    With `links` (each document's page in the package, on a page of the package) each excerpt
    and fact links to its place in its document's page; a discussion topic's text has none.
    """
    excerpts = list(module.excerpts.all())
    facts = list(module.facts.all())
    asked: dict[int, list] = {}
    for question in questions:
        if question.excerpt_id is not None:
            asked.setdefault(question.excerpt_id, []).append(question)
    for excerpt in excerpts:
        excerpt.asked = asked.get(excerpt.pk, [])
        excerpt.context_href = _context_href(links, excerpt, "excerpt")
    for fact in facts:
        fact.context_href = _context_href(links, fact, "fact")
    return {
        "lesson": lesson,
        "module": module,
        "excerpts": excerpts,
        "sources": list({e.document_id: e.document for e in excerpts}.values()),
        "facts": facts,
        "questions": questions,
        "language": settings.LANGUAGE_CODE,
    }


def _context_href(links: dict[int, str] | None, quoted, kind: str) -> str | None:
    """The link from a module's page to an excerpt's or fact's place in its document's page."""
    if links is None:
        return None
    href = f"../{links[quoted.document_id]}"
    return href if quoted.start is None else f"{href}#{kind}-{quoted.pk}"


def module_page(
    lesson: Lesson, module: Module, questions: list, links: dict[int, str], title: str = ""
) -> bytes:
    """A module's web page: its reading, excerpts with their sourcing, facts and questions."""
    ctx = {**module_content(lesson, module, questions, links), "title": title or module.title}
    return render_to_string("cartridge/module_page.html", ctx).encode()


def document_anchors(modules: list[Module]) -> dict[int, dict[int, list[str]]]:
    """For each document, the ids to set at the offsets where its quoted passages start."""
    anchors: dict[int, dict[int, list[str]]] = {}
    for module in modules:
        quoted = [("excerpt", e) for e in module.excerpts.all()]
        quoted += [("fact", f) for f in module.facts.all()]
        for kind, item in quoted:
            if item.start is not None:
                spots = anchors.setdefault(item.document_id, {})
                spots.setdefault(item.start, []).append(f"{kind}-{item.pk}")
    return anchors


def document_page(lesson: Lesson, document: SourceDocument, anchors: dict[int, list[str]]) -> bytes:
    """A source document's page, with an anchor where each quoted passage starts."""
    ctx = {
        "lesson": lesson,
        "document": document,
        "paragraphs": _document_paragraphs(document, anchors),
        "references": list(document.references.all()),
        "language": settings.LANGUAGE_CODE,
    }
    return render_to_string("cartridge/document_page.html", ctx).encode()


def _document_paragraphs(document: SourceDocument, anchors: dict[int, list[str]]) -> list:
    """The cleaned text's paragraphs as HTML: the editors' notes in [brackets] as the lesson
    pages show them, and an empty element with each id in `anchors` at its offset."""
    text = document.cleaned_text
    starts, offset = [], 0
    # The same blank-line blocks paragraphs_with_mark keeps, to know where each begins.
    for block in text.split("\n\n"):
        if block.strip():
            starts.append(offset)
        offset += len(block) + 2
    notes = list(document.editor_notes.all())
    paragraphs = []
    for start, segments in zip(starts, paragraphs_with_mark(text, None, None, notes), strict=True):
        html, position = [], start
        for segment in segments:
            if segment.note:
                html.append(format_html('<span class="editor-note">{}</span>', segment.text))
                continue
            end = position + len(segment.text)
            for at in sorted(o for o in anchors if position <= o < end):
                html.append(escape(text[position:at]))
                html += [format_html('<span id="{}"></span>', ident) for ident in anchors[at]]
                position = at
            html.append(escape(text[position:end]))
            position = end
        paragraphs.append(format_html_join("", "{}", ((piece,) for piece in html)))
    return paragraphs
