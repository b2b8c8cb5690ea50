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

from django.conf import settings
from django.utils.text import slugify

from lessons.models import Lesson, Module, SourceDocument

from .pages import document_anchors, document_page, module_page
from .resources import assessment, lti_link, topic, xml_bytes, xml_child, xml_root
from .validation import CP, LOMM, cartridge_errors

WEBCONTENT = "webcontent"
TOPIC = "imsdt_xmlv1p3"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
LTI_LINK = "imsbasiclti_xmlv1p3"
# Kinds whose module is a page to read, with its questions answered as essays.
READING_KINDS = {Module.Kind.BACKGROUND, Module.Kind.DOCUMENT_STUDY, Module.Kind.CORROBORATION}


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
    links = {pk: piece.href for pk, piece in sources.items()}
    parts = [_part(lesson, module, launch_url, sources, links) for module in modules]
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


def _part(
    lesson: Lesson, module: Module, launch_url: str, sources: dict, links: dict[int, str]
) -> Part:
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
                files={f"{folder}/index.html": module_page(lesson, module, questions, links)},
                dependencies=_cited(module, sources),
            )
        )
        if questions:
            part.pieces.append(
                Piece(
                    identifier=f"RES_{key}_QUESTIONS",
                    title=f"{module.title}: questions",
                    type=ASSESSMENT,
                    files={f"{folder}/questions.xml": assessment(module, questions, key)},
                )
            )
    elif module.kind == Module.Kind.DISCUSSION:
        part.pieces.append(
            Piece(
                identifier=f"RES_{key}_TOPIC",
                title=module.title,
                type=TOPIC,
                files={f"{folder}/topic.xml": topic(lesson, module, questions)},
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
                        f"{folder}/index.html": module_page(
                            lesson, module, [], links, f"{module.title}: documents"
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
                files={f"{folder}/link.xml": lti_link(lesson, module, questions, launch_url)},
            )
        )
    return part


def _manifest(lesson: Lesson, parts: list[Part], documents: list[Piece]) -> bytes:
    lom = f"{{{LOMM}}}"
    root = xml_root("manifest", CP, LOMM, identifier=f"LESSON_{lesson.pk}_V{lesson.version}")
    metadata = xml_child(root, "metadata")
    xml_child(metadata, "schema", "IMS Common Cartridge")
    xml_child(metadata, "schemaversion", "1.3.0")
    general = xml_child(xml_child(metadata, f"{lom}lom"), f"{lom}general")
    language = settings.LANGUAGE_CODE
    xml_child(xml_child(general, f"{lom}title"), f"{lom}string", lesson.title, language=language)
    xml_child(general, f"{lom}language", language)
    description = lesson.central_question
    if lesson.summary:
        description = f"{description}\n\n{lesson.summary}"
    xml_child(
        xml_child(general, f"{lom}description"), f"{lom}string", description, language=language
    )

    organization = xml_child(
        xml_child(root, "organizations"),
        "organization",
        identifier="ORGANIZATION",
        structure="rooted-hierarchy",
    )
    top = xml_child(organization, "item", identifier="LESSON")
    for part in parts:
        item = xml_child(top, "item", identifier=part.identifier)
        xml_child(item, "title", part.title)
        for piece in part.pieces:
            leaf = xml_child(
                item,
                "item",
                identifier=f"ITEM_{piece.identifier}",
                identifierref=piece.identifier,
            )
            xml_child(leaf, "title", piece.title)

    listed = xml_child(root, "resources")
    for piece in [*(p for part in parts for p in part.pieces), *documents]:
        attrs = {"identifier": piece.identifier, "type": piece.type}
        if piece.type == WEBCONTENT:
            attrs["href"] = piece.href
        resource = xml_child(listed, "resource", **attrs)
        for path in piece.files:
            xml_child(resource, "file", href=path)
        for identifier in piece.dependencies:
            xml_child(resource, "dependency", identifierref=identifier)
    return xml_bytes(root)


def _cited(module: Module, sources: dict) -> list[str]:
    """The document resources a module's page links to, in the order it first cites them."""
    cited = [e.document_id for e in module.excerpts.all()] + [
        f.document_id for f in module.facts.all()
    ]
    return [sources[pk].identifier for pk in dict.fromkeys(cited)]


def _document_pieces(
    lesson: Lesson, modules: list[Module], documents: list[SourceDocument]
) -> dict[int, Piece]:
    """A page for each source document, outside the organisation, by the document's pk."""
    anchors = document_anchors(modules)
    pieces = {}
    for document in documents:
        name = f"{slugify(document.title)[:50] or 'document'}-{document.pk}"
        pieces[document.pk] = Piece(
            identifier=f"RES_DOCUMENT_{document.pk}",
            title=document.title,
            type=WEBCONTENT,
            files={
                f"documents/{name}.html": document_page(
                    lesson, document, anchors.get(document.pk, {})
                )
            },
        )
    return pieces
