"""The cartridge's XML resources: a module's questions as a QTI assessment, the discussion as
a discussion topic and the written assignment as an LTI link, and the ElementTree helpers
the manifest uses too."""

from xml.etree import ElementTree as ET

from django.template.loader import render_to_string

from lessons.models import Lesson, Module

from .pages import module_content
from .validation import BLTI, DT, LOMM, LTICC, LTICM, LTICP, PUBLISHED, QTI

XSI = "http://www.w3.org/2001/XMLSchema-instance"
for _prefix, _uri in {
    "lomimscc": LOMM,
    "blti": BLTI,
    "lticm": LTICM,
    "lticp": LTICP,
    "xsi": XSI,
}.items():
    ET.register_namespace(_prefix, _uri)

VENDOR_CODE = "historyclass"
VENDOR_NAME = "History Lessons"


def xml_root(tag: str, namespace: str, *located: str, **attrs) -> ET.Element:
    """A document's root in `namespace` as the default one, so its own elements go unprefixed.

    ElementTree's default_namespace option refuses unprefixed attributes, so the declaration is
    written as an attribute and the document's own elements are built with local names.
    """
    root = ET.Element(tag, {"xmlns": namespace, **attrs})
    locations = [namespace, *located]
    root.set(f"{{{XSI}}}schemaLocation", " ".join(f"{ns} {PUBLISHED[ns]}" for ns in locations))
    return root


def xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def xml_child(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def assessment(module: Module, questions: list, key: str) -> bytes:
    """The module's questions as a QTI assessment of essay items (cc.essay.v0p1)."""
    root = xml_root("questestinterop", QTI)
    exam = xml_child(root, "assessment", ident=f"{key}_ASSESSMENT", title=module.title)
    meta = xml_child(exam, "qtimetadata")
    for label, entry in [
        ("cc_profile", "cc.exam.v0p1"),
        ("qmd_assessmenttype", "Examination"),
        ("cc_maxattempts", "unlimited"),
    ]:
        _metadata_field(meta, label, entry)
    section = xml_child(exam, "section", ident=f"{key}_SECTION")
    for number, question in enumerate(questions, start=1):
        ident = f"{key}_Q{number:02d}"
        item = xml_child(section, "item", ident=ident, title=f"Question {number}")
        item_meta = xml_child(xml_child(item, "itemmetadata"), "qtimetadata")
        _metadata_field(item_meta, "cc_profile", "cc.essay.v0p1")
        _metadata_field(item_meta, "qmd_computerscored", "No")
        presentation = xml_child(item, "presentation")
        text = render_to_string("cartridge/question_text.html", {"question": question}).strip()
        xml_child(xml_child(presentation, "material"), "mattext", text, texttype="text/html")
        response = xml_child(
            presentation, "response_str", ident=f"{ident}_RESPONSE", rcardinality="Single"
        )
        xml_child(
            xml_child(response, "render_fib"),
            "response_label",
            ident=f"{ident}_ANSWER",
            rshuffle="No",
        )
        processing = xml_child(item, "resprocessing")
        xml_child(
            xml_child(processing, "outcomes"),
            "decvar",
            varname="SCORE",
            vartype="Decimal",
            minvalue="0",
            maxvalue="100",
        )
        condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
        xml_child(xml_child(condition, "conditionvar"), "other")
    return xml_bytes(root)


def _metadata_field(parent: ET.Element, label: str, entry: str) -> None:
    field_element = xml_child(parent, "qtimetadatafield")
    xml_child(field_element, "fieldlabel", label)
    xml_child(field_element, "fieldentry", entry)


def topic(lesson: Lesson, module: Module, questions: list) -> bytes:
    """The discussion as a discussion topic: introduction, excerpts and the prompt."""
    root = xml_root("topic", DT)
    xml_child(root, "title", module.title)
    text = render_to_string(
        "cartridge/discussion_text.html", module_content(lesson, module, questions, None)
    ).strip()
    xml_child(root, "text", text, texttype="text/html")
    return xml_bytes(root)


def lti_link(lesson: Lesson, module: Module, questions: list, launch_url: str) -> bytes:
    """The written assignment as an LTI link that launches this app with custom `lesson`."""
    b, m, p = f"{{{BLTI}}}", f"{{{LTICM}}}", f"{{{LTICP}}}"
    root = xml_root("cartridge_basiclti_link", LTICC, BLTI, LTICM, LTICP)
    xml_child(root, f"{b}title", module.title)
    description = _assignment_description(lesson, module, questions)
    xml_child(root, f"{b}description", description)
    xml_child(xml_child(root, f"{b}custom"), f"{m}property", str(lesson.pk), name="lesson")
    xml_child(root, f"{b}launch_url", launch_url)
    if launch_url.startswith("https://"):
        xml_child(root, f"{b}secure_launch_url", launch_url)
    vendor = xml_child(root, f"{b}vendor")
    xml_child(vendor, f"{p}code", VENDOR_CODE)
    xml_child(vendor, f"{p}name", VENDOR_NAME)
    return xml_bytes(root)


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
