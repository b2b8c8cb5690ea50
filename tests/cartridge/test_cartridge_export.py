"""Downloading a published lesson as an IMS Common Cartridge 1.3 package."""

import html
import io
import re
import zipfile

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cartridge.builder import CartridgeInvalid, cartridge_build, cartridge_filename
from cartridge.selectors import documents_for_export, modules_for_export
from cartridge.validation import cartridge_errors, document_errors
from lessons.models import Excerpt, Lesson, Module
from lessons.passages import text_with_notes
from tests.coursework.conftest import (
    ALL_KINDS,
    COMPARE_QUESTIONS,
    DISCUSSION_PROMPT,
    INSTRUCTIONS,
    STUDY_QUESTIONS,
    build_lesson,
)

from .conftest import CP, NOTE, Cartridge, download, export_url

TAG = re.compile(r"<[^>]+>")
QTI = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
DT = {"dt": "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3"}
LTI = {
    "cc": "http://www.imsglobal.org/xsd/imslticc_v1p3",
    "blti": "http://www.imsglobal.org/xsd/imsbasiclti_v1p0",
    "lticm": "http://www.imsglobal.org/xsd/imslticm_v1p0",
}


def words(markup: str) -> str:
    """Words as a reader sees them: each tag a break, entities decoded, spaces single."""
    return " ".join(html.unescape(TAG.sub(" ", markup)).split())


def page_text(cartridge: Cartridge, path: str) -> str:
    return words(cartridge.text(path))


def shown_for(cartridge: Cartridge, module: Module) -> tuple[str, str]:
    """Everything the module's pages and discussion topic show: (markup, words)."""
    folder = f"m{module.position:02d}-"
    markup = []
    for name in cartridge.package.namelist():
        if name.startswith(folder) and name.endswith(".html"):
            markup.append(cartridge.text(name))
        elif name.startswith(folder) and name.endswith("topic.xml"):
            markup.append(cartridge.xml(name).findtext("dt:text", namespaces=DT))
    return "\n".join(markup), words("\n".join(markup))


def page_of(cartridge: Cartridge, module: Module) -> str:
    return next(
        p for p in cartridge.files("webcontent") if p.startswith(f"m{module.position:02d}-")
    )


# The download itself


def test_a_teacher_downloads_the_lesson_as_a_file_named_after_its_slug(lesson, teacher):
    client = Client()
    client.force_login(teacher)
    response = client.get(export_url(lesson))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/vnd.ims.imsccv1p3"
    assert response["Content-Disposition"] == 'attachment; filename="the-bridge.imscc"'
    data = b"".join(response.streaming_content)
    assert data[:2] == b"PK"


def test_a_later_version_and_a_lesson_without_a_slug_still_get_good_names(lesson):
    assert cartridge_filename(lesson) == "the-bridge.imscc"
    lesson.version = 3
    assert cartridge_filename(lesson) == "the-bridge-v3.imscc"
    lesson.slug = ""
    lesson.title = "Kirov's murder, 1934"
    assert cartridge_filename(lesson) == "kirovs-murder-1934-v3.imscc"


# Validation against IMS's schemas


def test_the_manifest_and_every_resource_pass_the_common_cartridge_schemas(curated, teacher):
    cartridge = download(teacher, curated)
    assert cartridge_errors(cartridge.data) == []
    # And each XML document on its own, so a resource the manifest forgot is caught too.
    xml_files = [n for n in cartridge.package.namelist() if n.endswith(".xml")]
    kinds = {
        cartridge.xml(name).tag.split("}")[1] for name in xml_files if name != "imsmanifest.xml"
    }
    assert kinds == {"questestinterop", "topic", "cartridge_basiclti_link"}
    for name in xml_files:
        assert document_errors(cartridge.package.read(name)) == [], name


def test_the_manifest_declares_common_cartridge_1_3(lesson, teacher):
    metadata = download(teacher, lesson).manifest.find("cp:metadata", CP)
    assert metadata.findtext("cp:schema", namespaces=CP) == "IMS Common Cartridge"
    assert metadata.findtext("cp:schemaversion", namespaces=CP) == "1.3.0"


def test_the_manifest_keeps_the_cc13_schematron_rules_xmlschema_does_not_run(curated, teacher):
    """The rules IMS embeds in the manifest schema as Schematron (its rule sets 1-11) for
    the resources this app writes."""
    manifest = download(teacher, curated).manifest
    resources = {r.get("identifier"): r for r in manifest.iterfind("cp:resources/cp:resource", CP)}
    for identifier, resource in resources.items():
        files = [f.get("href") for f in resource.iterfind("cp:file", CP)]
        dependencies = [d.get("identifierref") for d in resource.iterfind("cp:dependency", CP)]
        assert len(files) == len(set(files)) == 1, identifier  # 1a-b, 3a-b, 9a
        if resource.get("type") == "webcontent":
            assert resource.get("href") == files[0], identifier  # 5g, 10a-b
        else:
            assert resource.get("href") is None, identifier  # 1c, 3c
        assert len(dependencies) == len(set(dependencies)), identifier  # 7b
        assert identifier not in dependencies  # 7a
        # Only a page may depend on anything, and only on other pages (1d-h, 3d-h, 5a-f, 11).
        assert all(resources[d].get("type") == "webcontent" for d in dependencies)
        if resource.get("type") != "webcontent":
            assert not dependencies, identifier
    for item in manifest.iter(f"{{{CP['cp']}}}item"):
        if item.get("identifierref"):
            assert item.get("identifierref") in resources
            assert item.find("cp:item", CP) is None  # 8b: a learning object has no children


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("imsmanifest.xml", "<schemaversion>1.3.0</schemaversion>", "<version>1.3.0</version>"),
        ("questions.xml", 'rcardinality="Single"', 'rcardinality="Many"'),
        ("topic.xml", "<title>", "<heading>"),
        ("link.xml", "<blti:vendor>", "<blti:maker>"),
    ],
)
def test_the_schemas_refuse_a_damaged_document(lesson, teacher, path, old, new):
    cartridge = download(teacher, lesson)
    name = next(n for n in cartridge.package.namelist() if n.endswith(path))
    text = cartridge.text(name)
    assert old in text
    damaged = text.replace(old, new, 1).replace(old.replace("<", "</"), new.replace("<", "</"), 1)
    assert document_errors(damaged.encode())


def test_a_package_the_schemas_refuse_is_never_handed_out(lesson, teacher, monkeypatch):
    # A vendor code must be an XML name; one with a space breaks the LTI link's schema.
    monkeypatch.setattr("cartridge.resources.VENDOR_CODE", "history lessons")
    modules = modules_for_export(lesson)
    with pytest.raises(CartridgeInvalid, match="link.xml"):
        cartridge_build(
            lesson=lesson,
            modules=modules,
            documents=documents_for_export(modules),
            launch_url="https://testserver/lti/launch/",
        )


def repacked(cartridge: Cartridge, *, leave_out: str = "", add: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in cartridge.package.namelist():
            if not (leave_out and name.endswith(leave_out)):
                copy.writestr(name, cartridge.package.read(name))
        if add:
            copy.writestr(add, b"stray")
    return buffer.getvalue()


def test_a_file_named_in_the_manifest_must_be_in_the_package(lesson, teacher):
    problems = cartridge_errors(repacked(download(teacher, lesson), leave_out="topic.xml"))
    assert len(problems) == 1 and "topic.xml" in problems[0]


def test_every_file_in_the_package_is_named_in_the_manifest(lesson, teacher):
    problems = cartridge_errors(repacked(download(teacher, lesson), add="extra/notes.txt"))
    assert problems == ["extra/notes.txt: in the package but in no resource of the manifest"]


# What the package holds


def test_the_organisation_lists_the_modules_in_order_each_with_its_pieces(lesson, teacher):
    cartridge = download(teacher, lesson)
    manifest = cartridge.manifest
    top = manifest.find("cp:organizations/cp:organization/cp:item", CP)
    modules = list(lesson.modules.order_by("position"))
    items = top.findall("cp:item", CP)
    assert [i.findtext("cp:title", namespaces=CP) for i in items] == [m.title for m in modules]
    resources = {
        r.get("identifier"): r.get("type")
        for r in manifest.iterfind("cp:resources/cp:resource", CP)
    }
    pieces = [
        [resources[leaf.get("identifierref")] for leaf in i.findall("cp:item", CP)] for i in items
    ]
    assert pieces == [
        ["webcontent"],
        ["webcontent", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"],
        ["webcontent", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"],
        ["imsdt_xmlv1p3"],
        ["imsbasiclti_xmlv1p3"],
    ]


def test_every_excerpt_appears_with_its_words_and_its_sourcing(curated, teacher):
    cartridge = download(teacher, curated)
    excerpts = (
        Excerpt.objects.filter(module__lesson=curated)
        .select_related("document", "module")
        .prefetch_related("document__editor_notes")
    )
    assert excerpts.count() > 10
    for excerpt in excerpts:
        markup, text = shown_for(cartridge, excerpt.module)
        shown = words(
            text_with_notes(excerpt.text, excerpt.start, excerpt.document.editor_notes.all())
        )
        assert shown in text, excerpt.text[:60]
        speaker = "Not given in the document" if excerpt.speaker == "unnamed" else excerpt.speaker
        role = (
            "role not stated in the document"
            if excerpt.speaker_role == "unknown"
            else excerpt.get_speaker_role_display()
        )
        assert f"Who {speaker} ({role})" in text
        assert f"When {excerpt.date_text or 'Not given in the document'}" in text
        assert f"Kind of source {excerpt.source_kind or 'Not stated in the document'}" in text
        assert f"Where {words(excerpt.document.title)}" in text
        for detail in (excerpt.document.author, excerpt.document.site, excerpt.document.published):
            assert words(detail) in text
        if excerpt.document.url:
            assert f'href="{html.escape(excerpt.document.url)}"' in markup


def test_each_excerpt_links_to_its_place_in_its_documents_page(curated, teacher):
    cartridge = download(teacher, curated)
    resources = {
        r.get("identifier"): r for r in cartridge.manifest.iterfind("cp:resources/cp:resource", CP)
    }
    # A discussion topic's text is the LMS's to show: it names the document without a link.
    excerpts = Excerpt.objects.filter(module__lesson=curated, start__isnull=False).exclude(
        module__kind="discussion"
    )
    excerpts = excerpts.select_related("document", "module").prefetch_related(
        "document__editor_notes"
    )
    assert excerpts.exists()
    for excerpt in excerpts:
        markup, _ = shown_for(cartridge, excerpt.module)
        link = re.search(rf'<a href="\.\./([^"#]+)#excerpt-{excerpt.pk}">([^<]+)</a>', markup)
        assert link, excerpt.text[:60]
        page, label = link.groups()
        assert html.unescape(label) == f"{excerpt.document.title}, in context"
        after = cartridge.text(page).split(f'<span id="excerpt-{excerpt.pk}"></span>', 1)[1]
        shown = words(
            text_with_notes(excerpt.text, excerpt.start, excerpt.document.editor_notes.all())
        )
        assert words(after).startswith(shown[:80]), excerpt.text[:60]
        # The page that links to the document depends on it, so an LMS imports both.
        [document] = [r for r in resources.values() if r.find("cp:file", CP).get("href") == page]
        module_page = resources[f"RES_M{excerpt.module.position:02d}_PAGE"]
        assert document.get("identifier") in [
            d.get("identifierref") for d in module_page.iterfind("cp:dependency", CP)
        ]


def test_an_editors_note_shows_in_brackets_inside_the_quoted_words(lesson, teacher):
    cartridge = download(teacher, lesson)
    study = lesson.modules.get(kind="document_study")
    page = cartridge.text(page_of(cartridge, study))
    assert f'We shall build the bridge<span class="editor-note"> [{NOTE}]</span> this year.' in page
    assert "Words in [square brackets] were supplied by an editor" in page


def test_the_background_reading_keeps_its_text_and_sourced_timeline(lesson, teacher):
    cartridge = download(teacher, lesson)
    reading = lesson.modules.get(kind="background")
    text = page_text(cartridge, page_of(cartridge, reading))
    assert "The town had no bridge until 1902." in text
    assert "May 1901 The council met. Council minutes" in text


def test_each_guiding_question_is_an_essay_item(lesson, teacher):
    cartridge = download(teacher, lesson)
    questions = {}
    for path in cartridge.files("imsqti_xmlv1p2/imscc_xmlv1p3/assessment"):
        root = cartridge.xml(path)
        assessment = root.find("q:assessment", QTI)
        assert _fields(assessment.find("q:qtimetadata", QTI))["cc_profile"] == "cc.exam.v0p1"
        for item in assessment.iterfind("q:section/q:item", QTI):
            fields = _fields(item.find("q:itemmetadata/q:qtimetadata", QTI))
            # The CC 1.3 rules for an essay (its Schematron rule set 8).
            assert fields == {"cc_profile": "cc.essay.v0p1", "qmd_computerscored": "No"}
            presentation = item.find("q:presentation", QTI)
            assert presentation.find("q:response_lid", QTI) is None
            assert presentation.find("q:response_str/q:render_fib", QTI) is not None
            assert item.find(".//q:varequal", QTI) is None
            mattext = presentation.findtext("q:material/q:mattext", namespaces=QTI)
            questions[words(mattext).split(" Skill:")[0]] = path
    assert sorted(questions) == sorted(STUDY_QUESTIONS + COMPARE_QUESTIONS)


def _fields(qtimetadata) -> dict:
    return {
        f.findtext("q:fieldlabel", namespaces=QTI): f.findtext("q:fieldentry", namespaces=QTI)
        for f in qtimetadata.iterfind("q:qtimetadatafield", QTI)
    }


def test_the_discussion_is_a_topic_with_its_prompt(lesson, teacher):
    cartridge = download(teacher, lesson)
    [path] = cartridge.files("imsdt_xmlv1p3")
    topic = cartridge.xml(path)
    discussion = lesson.modules.get(kind="discussion")
    assert topic.findtext("dt:title", namespaces=DT) == discussion.title
    text = topic.find("dt:text", DT)
    assert text.get("texttype") == "text/html"
    assert f"<p>{DISCUSSION_PROMPT}</p>" in text.text


def test_the_written_assignment_is_an_lti_link_back_to_this_app(lesson, teacher):
    cartridge = download(teacher, lesson)
    [path] = cartridge.files("imsbasiclti_xmlv1p3")
    link = cartridge.xml(path)
    assert link.tag == f"{{{LTI['cc']}}}cartridge_basiclti_link"
    writing = lesson.modules.get(kind="assignment")
    assert link.findtext("blti:title", namespaces=LTI) == writing.title
    assert link.findtext("blti:launch_url", namespaces=LTI) == "https://testserver/lti/launch/"
    assert (
        link.findtext("blti:secure_launch_url", namespaces=LTI) == "https://testserver/lti/launch/"
    )
    [custom] = link.findall("blti:custom/lticm:property", LTI)
    assert (custom.get("name"), custom.text) == ("lesson", str(lesson.pk))
    description = link.findtext("blti:description", namespaces=LTI)
    assert INSTRUCTIONS in description
    assert "Points: 16." in description
    # Nothing of the assignment is left for the LMS to grade on its own.
    folder = f"m{writing.position:02d}-"
    assert [p for p in cartridge.package.namelist() if p.startswith(folder)] == [path]


def test_the_export_reads_a_fixed_number_of_queries_however_big_the_lesson(document, teacher):
    small = build_lesson(document, ALL_KINDS, title="Small")
    big = build_lesson(document, ALL_KINDS * 3, title="Big")
    client = Client()
    client.force_login(teacher)
    counts = []
    for lesson in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(export_url(lesson))
            b"".join(response.streaming_content)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # session, user, lesson, then modules, excerpts, editors' notes, questions, facts, and
    # the documents quoted with their notes and references
    assert counts[0] == 11 - settings.SESSION_ENGINE.endswith("cached_db")


# Who may download


def test_staff_download_a_school_lesson(lesson, admin_user):
    assert download(admin_user, lesson).manifest is not None


def test_a_teacher_downloads_their_own_published_copy(lesson, other_teacher):
    Lesson.objects.filter(pk=lesson.pk).update(owner=other_teacher)
    assert download(other_teacher, lesson).manifest is not None


@pytest.mark.parametrize("change", ["draft", "archived", "another teacher's copy"])
@pytest.mark.parametrize("person", ["teacher", "admin_user"])
def test_a_draft_an_archived_lesson_or_another_teachers_copy_is_not_found(
    lesson, change, person, other_teacher, request
):
    if change == "another teacher's copy":
        Lesson.objects.filter(pk=lesson.pk).update(owner=other_teacher)
    else:
        Lesson.objects.filter(pk=lesson.pk).update(status=change)
    client = Client()
    client.force_login(request.getfixturevalue(person))
    assert client.get(export_url(lesson)).status_code == 404


def test_an_unknown_lesson_is_not_found(lesson, teacher):
    client = Client()
    client.force_login(teacher)
    assert client.get(f"/lessons/{lesson.pk + 1000}/cartridge/").status_code == 404


def test_a_student_is_refused(lesson, student):
    client = Client()
    client.force_login(student)
    assert client.get(export_url(lesson)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(lesson):
    response = Client().get(export_url(lesson))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{resolve_url(settings.LOGIN_URL)}?next=")


def test_only_get_is_answered_and_nothing_changes(lesson, teacher):
    client = Client()
    client.force_login(teacher)
    before = list(Lesson.objects.values())
    assert client.post(export_url(lesson)).status_code == 405
    assert list(Lesson.objects.values()) == before
