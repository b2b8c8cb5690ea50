"""Importing in the studio: uploads and pasted text become documents and a draft lesson; bad
input is refused with its reason on the form and nothing saved; only authors import."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lessons import builder
from lessons.models import EditorNote, Excerpt, Lesson, Module, Reference, SourceDocument
from tests.lessons.conftest import WEB_FILE, WIKI_FILE

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
NEW = reverse("studio:import-new")
PASTED = """The Salem witch trials

In February 1692 two girls in Salem Village began to have fits that the village doctor \
could not explain. By the summer more than a hundred people in Salem had been accused.

The magistrate John Hathorne questioned Bridget Bishop in April 1692. Bishop answered him: \
"I am no witch. I am innocent. I know nothing of it and never saw these persons before."
"""


def counts():
    return tuple(
        m.objects.count() for m in (SourceDocument, Lesson, Module, Excerpt, Reference, EditorNote)
    )


def upload(*files: tuple[str, bytes]) -> dict:
    return {
        "source": "files",
        "files": [
            SimpleUploadedFile(name, data, content_type="text/plain") for name, data in files
        ],
    }


def test_author_sees_both_ways_to_import(client, author):
    client.force_login(author)
    page = client.get(NEW).content.decode()
    assert 'type="file"' in page and "multiple" in page
    assert 'name="title"' in page and 'name="origin"' in page and "<textarea" in page


def test_one_uploaded_file_goes_to_its_review(client, author):
    client.force_login(author)
    response = client.post(NEW, upload((WEB_FILE.name, WEB_FILE.read_bytes())))
    document = SourceDocument.objects.get()
    lesson = Lesson.objects.get()
    assert lesson.status == Lesson.Status.DRAFT
    assert document.imported_by == author
    assert response.url == reverse("studio:import-review", args=[lesson.pk, document.pk])
    review = client.get(response.url).content.decode()
    assert "left out because" in review
    assert "Restore paragraph" in review
    assert "Gap 1" in review
    # A report in sentences, never the stored JSON's keys.
    for key in ("paragraphs_kept", "corroborated_by", "&quot;reason&quot;"):
        assert key not in review


def test_several_files_go_to_the_lesson_with_each_document_to_review(client, author):
    client.force_login(author)
    response = client.post(
        NEW,
        upload(
            (WEB_FILE.name, WEB_FILE.read_bytes()),
            (WIKI_FILE.name, WIKI_FILE.read_bytes()),
        ),
    )
    lesson = Lesson.objects.get()
    assert response.url == reverse("studio:import-lesson", args=[lesson.pk])
    page = client.get(response.url).content.decode()
    for document in lesson.documents.all():
        assert reverse("studio:import-review", args=[lesson.pk, document.pk]) in page


def test_pasted_text_becomes_a_document_with_the_title_and_origin_given(client, author):
    client.force_login(author)
    response = client.post(
        NEW,
        {
            "source": "paste",
            "title": "Salem, 1692",
            "origin": "A class handout",
            "text": PASTED.replace("\n", "\r\n"),
        },
    )
    document = SourceDocument.objects.get()
    assert (document.title, document.origin) == ("Salem, 1692", "A class handout")
    assert document.content_hash == builder.content_hash(PASTED)
    assert "I am no witch" in document.cleaned_text
    assert (Lesson.objects.get().title, Lesson.objects.get().slug) == ("Salem, 1692", "salem-1692")
    assert response.url == reverse(
        "studio:import-review", args=[Lesson.objects.get().pk, document.pk]
    )
    assert Excerpt.objects.filter(document=document, text__contains="I am no witch").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"   \n", "empty.txt is empty."),
        ("latin.txt", "Caf\u00e9 au lait".encode("latin-1"), "is not valid UTF-8 text"),
        ("scan.pdf", b"%PDF-1.4 binary", "looks like a PDF"),
        ("big.txt", b"a" * (builder.MAX_UPLOAD_BYTES + 1), "big.txt is larger than 2 MB"),
        (
            "markup.txt",
            b"{{main|Something}} [[File:x.jpg|thumb]] {{sfn|A|2000}}",
            "no paragraphs remain",
        ),
    ],
)
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_saved(
    client, author, name, data, message
):
    client.force_login(author)
    response = client.post(NEW, upload((name, data)))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was imported" in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_document_already_imported_is_refused_by_name_and_nothing_is_added(client, author):
    client.force_login(author)
    client.post(NEW, upload((WEB_FILE.name, WEB_FILE.read_bytes())))
    before = counts()
    response = client.post(NEW, upload(("again.txt", WEB_FILE.read_bytes())))
    assert response.status_code == 400
    assert "again.txt is already imported as" in response.content.decode()
    assert counts() == before


def test_a_paste_of_an_imported_text_is_refused_too(client, author):
    client.force_login(author)
    data = {"source": "paste", "title": "Salem", "origin": "handout", "text": PASTED}
    client.post(NEW, data)
    before = counts()
    response = client.post(NEW, {**data, "title": "Salem again"})
    assert response.status_code == 400
    assert "is already imported as “Salem”" in response.content.decode()
    assert counts() == before


def test_a_paste_larger_than_two_megabytes_is_refused(client, author):
    client.force_login(author)
    text = "The council met. " * (builder.MAX_UPLOAD_BYTES // 17 + 1)
    response = client.post(
        NEW, {"source": "paste", "title": "Huge", "origin": "somewhere", "text": text}
    )
    assert response.status_code == 400
    assert "somewhere is larger than 2 MB" in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "origin": "x", "text": PASTED}, "Give the document a title."),
        ({"title": "T", "origin": "", "text": PASTED}, "Say where the text comes from."),
        ({"title": "T", "origin": "x", "text": ""}, "Paste the document&#x27;s text."),
        ({"title": "T", "origin": "x", "text": "   \n  "}, "The pasted text is empty"),
    ],
)
def test_an_incomplete_paste_is_refused_with_what_is_missing(client, author, fields, message):
    client.force_login(author)
    response = client.post(NEW, {"source": "paste", **fields})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_post_without_files_or_text_is_refused(client, author):
    client.force_login(author)
    response = client.post(NEW, {"source": "files"})
    assert response.status_code == 400
    assert "Choose at least one document to import." in response.content.decode()
    assert client.post(NEW, {}).status_code == 400
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_corpus_document_of_every_shape_imports(client, author):
    client.force_login(author)
    for name in (
        "wiki_field_of_waterloo.txt",
        "md_ballou_letter_1861.md",
        "html_dw_berlin_colonial.html",
    ):
        path = CORPUS / name
        response = client.post(NEW, upload((path.name, path.read_bytes())))
        assert response.status_code == 302, name
    assert set(SourceDocument.objects.values_list("shape", flat=True)) == {
        "wikitext",
        "markdown",
        "html",
    }


@pytest.mark.parametrize("who", ["teacher", "student"])
def test_people_without_the_authoring_permission_cannot_import(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(NEW).status_code == 403
    response = client.post(NEW, upload((WEB_FILE.name, WEB_FILE.read_bytes())))
    assert response.status_code == 403
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/login/" in response.url


def test_admins_import_page_points_to_the_studio(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:lessons_sourcedocument_import")).content.decode()
    assert NEW in page
    changelist = client.get(reverse("admin:lessons_sourcedocument_changelist")).content.decode()
    assert NEW in changelist


def test_the_studio_offers_importing_to_authors_only(client, author, teacher):
    client.force_login(author)
    assert NEW in client.get(reverse("studio:lesson-list")).content.decode()
    client.force_login(teacher)
    assert NEW not in client.get(reverse("studio:lesson-list")).content.decode()


def test_the_lesson_editor_links_each_document_to_its_import_review(client, author, draft_lesson):
    document = draft_lesson.documents.get()
    client.force_login(author)
    page = client.get(reverse("studio:lesson-edit", args=[draft_lesson.pk])).content.decode()
    assert reverse("studio:import-review", args=[draft_lesson.pk, document.pk]) in page
    review = client.get(reverse("studio:import-review", args=[draft_lesson.pk, document.pk]))
    assert reverse("studio:lesson-edit", args=[draft_lesson.pk]) in review.content.decode()
