"""A lesson as an IMS Common Cartridge 1.3 package (.imscc), built in memory.

What goes in, module by module, in the lesson's order:

| module kind                  | in the cartridge                                              |
|------------------------------|---------------------------------------------------------------|
| background, document study,  | a web page (webcontent): the reading, each excerpt with its   |
| corroboration                | sourcing, the timeline; its questions as QTI essay items      |
| discussion                   | a discussion topic (imsdt): the introduction, any excerpts    |
|                              | with their sourcing, and the prompt                           |
| written assignment           | an LTI link back to this app, where the work is written and  |
|                              | graded ("thin" cartridge: grading stays here); a web page    |
|                              | beside it when the module quotes excerpts                     |

Each source document the modules quote is a page of its own (outside the organisation, a
dependency of the pages that link to it), so an excerpt's "in context" link opens it at the
passage, as the app's document page does.

The organisation has one item per module, holding that module's pieces. XML is written with
ElementTree and checked against the vendored schemas before it leaves (see validation.py);
pages are Django templates.
"""

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, format_html, format_html_join
from django.utils.text import slugify

from lessons.models import Lesson, Module, SourceDocument
from lessons.passages import paragraphs_with_mark

from .validation import BLTI, CP, DT, LOMM, LTICC, LTICM, LTICP, PUBLISHED, QTI, cartridge_errors

XSI = "http://www.w3.org/2001/XMLSchema-instance"
for _prefix, _uri in {
    "lomimscc": LOMM,
    "blti": BLTI,
    "lticm": LTICM,
    "lticp": LTICP,
    "xsi": XSI,
}.items():
    ET.register_namespace(_prefix, _uri)

WEBCONTENT = "webcontent"
TOPIC = "imsdt_xmlv1p3"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
LTI_LINK = "imsbasiclti_xmlv1p3"
# Kinds whose module is a page to read, with its questions answered as essays.
READING_KINDS = {Module.Kind.BACKGROUND, Module.Kind.DOCUMENT_STUDY, Module.Kind.CORROBORATION}
VENDOR_CODE = "historyclass"
VENDOR_NAME = "History Lessons"


class CartridgeInvalid(Exception):
    """The package built does not pass the Common Cartridge schemas: a bug, never shipped."""


@dataclass
class Piece:
    """One resource of the package and the item that shows it in the organisation."""

    identifier: str
    title: str
    type: str
    files: dict[str, bytes]
    # Resources it links to, such as the source documents a page quotes.
    dependencies: list[str] = field(default_factory=list)

    @property
    def href(self) -> str:
        return next(iter(self.files))


@dataclass
class Part:
    """One lesson module: an organisation item holding the module's pieces."""

    identifier: str
    title: str
    pieces: list[Piece] = field(default_factory=list)


def cartridge_filename(lesson: Lesson) -> str:
    slug = lesson.slug or slugify(lesson.title) or f"lesson-{lesson.pk}"
    return f"{slug}-v{lesson.version}.imscc" if lesson.version > 1 else f"{slug}.imscc"


def cartridge_build(
    *,
    lesson: Lesson,
    modules: list[Module],
    documents: list[SourceDocument],
    launch_url: str,
) -> bytes:
    """The zipped cartridge; raises CartridgeInvalid if it would not pass the schemas.

    `documents` are the sources the modules quote, shipped as pages of their own that each
    excerpt's "in context" link opens at its place.
    """
    sources = _document_pieces(lesson, modules, documents)
    parts = [_part(lesson, module, launch_url, sources) for module in modules]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", _manifest(lesson, parts, list(sources.values())))
        for piece in [*(p for part in parts for p in part.pieces), *sources.values()]:
            for path, content in piece.files.items():
                package.writestr(path, content)
    data = buffer.getvalue()
    if problems := cartridge_errors(data):
        raise CartridgeInvalid("; ".join(problems[:5]))
    return data


def _part(lesson: Lesson, module: Module, launch_url: str, sources: dict) -> Part:
    folder = f"m{module.position:02d}-{slugify(module.title)[:40] or module.kind}"
    key = f"M{module.position:02d}"
    part = Part(identifier=f"ITEM_{key}", title=module.title)
    questions = list(module.questions.all())
    if module.kind in READING_KINDS:
        part.pieces.append(
            Piece(
                identifier=f"RES_{key}_PAGE",
                title=module.title,
                type=WEBCONTENT,
                files={f"{folder}/index.html": _page(lesson, module, questions, sources)},
                dependencies=_cited(module, sources),
            )
        )
        if questions:
            part.pieces.append(
                Piece(
                    identifier=f"RES_{key}_QUESTIONS",
                    title=f"{module.title}: questions",
                    type=ASSESSMENT,
                    files={f"{folder}/questions.xml": _assessment(module, questions, key)},
                )
            )
    elif module.kind == Module.Kind.DISCUSSION:
        part.pieces.append(
            Piece(
                identifier=f"RES_{key}_TOPIC",
                title=module.title,
                type=TOPIC,
                files={f"{folder}/topic.xml": _topic(lesson, module, questions)},
            )
        )
    elif module.kind == Module.Kind.ASSIGNMENT:
        if module.excerpts.all() or module.facts.all():
            # The evidence the assignment quotes, to read beside the link.
            part.pieces.append(
                Piece(
                    identifier=f"RES_{key}_PAGE",
                    title=f"{module.title}: documents",
                    type=WEBCONTENT,
                    files={
                        f"{folder}/index.html": _page(
                            lesson, module, [], sources, f"{module.title}: documents"
                        )
                    },
                    dependencies=_cited(module, sources),
                )
            )
        part.pieces.append(
            Piece(
                identifier=f"RES_{key}_LINK",
                title=module.title,
                type=LTI_LINK,
                files={f"{folder}/link.xml": _lti_link(lesson, module, questions, launch_url)},
            )
        )
    return part


def _root(tag: str, namespace: str, *located: str, **attrs) -> ET.Element:
    """A document's root in `namespace` as the default one, so its own elements go unprefixed.

    ElementTree's default_namespace option refuses unprefixed attributes, so the declaration is
    written as an attribute and the document's own elements are built with local names.
    """
    root = ET.Element(tag, {"xmlns": namespace, **attrs})
    locations = [namespace, *located]
    root.set(f"{{{XSI}}}schemaLocation", " ".join(f"{ns} {PUBLISHED[ns]}" for ns in locations))
    return root


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _manifest(lesson: Lesson, parts: list[Part], documents: list[Piece]) -> bytes:
    lom = f"{{{LOMM}}}"
    root = _root("manifest", CP, LOMM, identifier=f"LESSON_{lesson.pk}_V{lesson.version}")
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Common Cartridge")
    _sub(metadata, "schemaversion", "1.3.0")
    general = _sub(_sub(metadata, f"{lom}lom"), f"{lom}general")
    language = settings.LANGUAGE_CODE
    _sub(_sub(general, f"{lom}title"), f"{lom}string", lesson.title, language=language)
    _sub(general, f"{lom}language", language)
    description = lesson.central_question
    if lesson.summary:
        description = f"{description}\n\n{lesson.summary}"
    _sub(_sub(general, f"{lom}description"), f"{lom}string", description, language=language)

    organization = _sub(
        _sub(root, "organizations"),
        "organization",
        identifier="ORGANIZATION",
        structure="rooted-hierarchy",
    )
    top = _sub(organization, "item", identifier="LESSON")
    for part in parts:
        item = _sub(top, "item", identifier=part.identifier)
        _sub(item, "title", part.title)
        for piece in part.pieces:
            leaf = _sub(
                item,
                "item",
                identifier=f"ITEM_{piece.identifier}",
                identifierref=piece.identifier,
            )
            _sub(leaf, "title", piece.title)

    resources = _sub(root, "resources")
    for piece in [*(p for part in parts for p in part.pieces), *documents]:
        attrs = {"identifier": piece.identifier, "type": piece.type}
        if piece.type == WEBCONTENT:
            attrs["href"] = piece.href
        resource = _sub(resources, "resource", **attrs)
        for path in piece.files:
            _sub(resource, "file", href=path)
        for identifier in piece.dependencies:
            _sub(resource, "dependency", identifierref=identifier)
    return _xml(root)


def _content(lesson: Lesson, module: Module, questions: list, sources: dict | None) -> dict:
    """What a module shows around its questions: reading, excerpts with sourcing, facts.

    With `sources` (on a page of the package) each excerpt and fact links to its place in its
    document's page; a discussion topic's text has no such links.
    """
    excerpts = list(module.excerpts.all())
    facts = list(module.facts.all())
    asked: dict[int, list] = {}
    for question in questions:
        if question.excerpt_id is not None:
            asked.setdefault(question.excerpt_id, []).append(question)
    for excerpt in excerpts:
        excerpt.asked = asked.get(excerpt.pk, [])
        excerpt.context_href = _context_href(sources, excerpt, "excerpt")
    for fact in facts:
        fact.context_href = _context_href(sources, fact, "fact")
    return {
        "lesson": lesson,
        "module": module,
        "excerpts": excerpts,
        "sources": list({e.document_id: e.document for e in excerpts}.values()),
        "facts": facts,
        "questions": questions,
        "language": settings.LANGUAGE_CODE,
    }


def _context_href(sources: dict | None, quoted, kind: str) -> str | None:
    """The link from a module's page to an excerpt's or fact's place in its document's page."""
    if sources is None:
        return None
    href = f"../{sources[quoted.document_id].href}"
    return href if quoted.start is None else f"{href}#{kind}-{quoted.pk}"


def _cited(module: Module, sources: dict) -> list[str]:
    """The document resources a module's page links to, in the order it first cites them."""
    cited = [e.document_id for e in module.excerpts.all()] + [
        f.document_id for f in module.facts.all()
    ]
    return [sources[pk].identifier for pk in dict.fromkeys(cited)]


def _page(
    lesson: Lesson, module: Module, questions: list, sources: dict, title: str | None = None
) -> bytes:
    ctx = {**_content(lesson, module, questions, sources), "title": title or module.title}
    return render_to_string("cartridge/module_page.html", ctx).encode()


def _document_pieces(
    lesson: Lesson, modules: list[Module], documents: list[SourceDocument]
) -> dict[int, Piece]:
    """A page for each source document, with an anchor where each quoted passage starts."""
    anchors: dict[int, dict[int, list[str]]] = {document.pk: {} for document in documents}
    for module in modules:
        quoted = [("excerpt", e) for e in module.excerpts.all()]
        quoted += [("fact", f) for f in module.facts.all()]
        for kind, item in quoted:
            if item.start is not None:
                anchors[item.document_id].setdefault(item.start, []).append(f"{kind}-{item.pk}")
    pieces = {}
    for document in documents:
        ctx = {
            "lesson": lesson,
            "document": document,
            "paragraphs": _document_paragraphs(document, anchors[document.pk]),
            "references": list(document.references.all()),
            "language": settings.LANGUAGE_CODE,
        }
        name = f"{slugify(document.title)[:50] or 'document'}-{document.pk}"
        pieces[document.pk] = Piece(
            identifier=f"RES_DOCUMENT_{document.pk}",
            title=document.title,
            type=WEBCONTENT,
            files={
                f"documents/{name}.html": render_to_string(
                    "cartridge/document_page.html", ctx
                ).encode()
            },
        )
    return pieces


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


def _assessment(module: Module, questions: list, key: str) -> bytes:
    root = _root("questestinterop", QTI)
    assessment = _sub(root, "assessment", ident=f"{key}_ASSESSMENT", title=module.title)
    meta = _sub(assessment, "qtimetadata")
    for label, entry in [
        ("cc_profile", "cc.exam.v0p1"),
        ("qmd_assessmenttype", "Examination"),
        ("cc_maxattempts", "unlimited"),
    ]:
        _metadata_field(meta, label, entry)
    section = _sub(assessment, "section", ident=f"{key}_SECTION")
    for number, question in enumerate(questions, start=1):
        ident = f"{key}_Q{number:02d}"
        item = _sub(section, "item", ident=ident, title=f"Question {number}")
        item_meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
        _metadata_field(item_meta, "cc_profile", "cc.essay.v0p1")
        _metadata_field(item_meta, "qmd_computerscored", "No")
        presentation = _sub(item, "presentation")
        text = render_to_string("cartridge/question_text.html", {"question": question}).strip()
        _sub(_sub(presentation, "material"), "mattext", text, texttype="text/html")
        response = _sub(
            presentation, "response_str", ident=f"{ident}_RESPONSE", rcardinality="Single"
        )
        _sub(
            _sub(response, "render_fib"),
            "response_label",
            ident=f"{ident}_ANSWER",
            rshuffle="No",
        )
        processing = _sub(item, "resprocessing")
        _sub(
            _sub(processing, "outcomes"),
            "decvar",
            varname="SCORE",
            vartype="Decimal",
            minvalue="0",
            maxvalue="100",
        )
        condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
        _sub(_sub(condition, "conditionvar"), "other")
    return _xml(root)


def _metadata_field(parent: ET.Element, label: str, entry: str) -> None:
    field_element = _sub(parent, "qtimetadatafield")
    _sub(field_element, "fieldlabel", label)
    _sub(field_element, "fieldentry", entry)


def _topic(lesson: Lesson, module: Module, questions: list) -> bytes:
    root = _root("topic", DT)
    _sub(root, "title", module.title)
    text = render_to_string(
        "cartridge/discussion_text.html", _content(lesson, module, questions, None)
    ).strip()
    _sub(root, "text", text, texttype="text/html")
    return _xml(root)


def _lti_link(lesson: Lesson, module: Module, questions: list, launch_url: str) -> bytes:
    b, m, p = f"{{{BLTI}}}", f"{{{LTICM}}}", f"{{{LTICP}}}"
    root = _root("cartridge_basiclti_link", LTICC, BLTI, LTICM, LTICP)
    _sub(root, f"{b}title", module.title)
    description = _assignment_description(lesson, module, questions)
    _sub(root, f"{b}description", description)
    _sub(_sub(root, f"{b}custom"), f"{m}property", str(lesson.pk), name="lesson")
    _sub(root, f"{b}launch_url", launch_url)
    if launch_url.startswith("https://"):
        _sub(root, f"{b}secure_launch_url", launch_url)
    vendor = _sub(root, f"{b}vendor")
    _sub(vendor, f"{p}code", VENDOR_CODE)
    _sub(vendor, f"{p}name", VENDOR_NAME)
    return _xml(root)


def _assignment_description(lesson: Lesson, module: Module, questions: list) -> str:
    """The written assignment's instructions as plain text, as the LTI link carries them."""
    parts = [module.body.strip()] if module.body.strip() else []
    if questions:
        parts.append("\n".join(f"- {question.text}" for question in questions))
    if module.points:
        parts.append(f"Points: {module.points}.")
    parts.append(
        f"Written, submitted and graded in {VENDOR_NAME}, in the lesson “{lesson.title}”: "
        "the grade comes back to this course."
    )
    return "\n\n".join(parts)
