"""Importing documents: one transaction, a report, and bad input refused with nothing written."""

import json
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lessons.importing import documents_import
from lessons.models import Excerpt, Lesson, Module, Question, Reference, SourcedFact, SourceDocument
from tests.lessons.conftest import WEB_FILE, WIKI_FILE

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def counts():
    return tuple(
        model.objects.count()
        for model in (SourceDocument, Lesson, Module, Excerpt, Question, Reference, SourcedFact)
    )


def test_the_command_imports_both_documents_into_a_draft_lesson(db, capsys):
    call_command("import_documents", str(WEB_FILE), str(WIKI_FILE))
    out = capsys.readouterr().out
    assert SourceDocument.objects.count() == 2
    lesson = Lesson.objects.get()
    assert lesson.status == "draft"
    kinds = list(lesson.modules.values_list("kind", flat=True))
    assert kinds[0] == "background" and kinds[-1] == "assignment"
    assert {"document_study", "corroboration", "discussion"} <= set(kinds)
    wiki = SourceDocument.objects.get(origin=WIKI_FILE.name)
    assert wiki.references.count() >= 60
    assert "{{" not in wiki.cleaned_text
    for excerpt in Excerpt.objects.select_related("document"):
        assert excerpt.has_source_span
    for fact in SourcedFact.objects.select_related("document"):
        assert fact.document.cleaned_text[fact.start : fact.end]
    for word in ("paragraphs kept", "dropped", "references", "excerpts", "events", "gap:"):
        assert word in out
    assert "states '1936'" in out
    assert "draft" in out


def test_json_writes_the_draft_and_saves_nothing(db, capsys):
    call_command("import_documents", str(WEB_FILE), str(WIKI_FILE), "--json")
    draft = json.loads(capsys.readouterr().out)
    assert draft["is_draft"] is True
    assert len(draft["documents"]) == 2
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_document_already_imported_is_named_and_not_duplicated(db, capsys):
    call_command("import_documents", str(WIKI_FILE))
    before = counts()
    with pytest.raises(CommandError, match="already imported as “The Great Terror”"):
        call_command("import_documents", str(WEB_FILE), str(WIKI_FILE))
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "cannot be read"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"caf\xe9 au lait, a perfectly normal sentence in Latin-1.", "UTF-8"),
        (b"[[File:x.jpg|thumb]] {{sfn|A|2001|p=1}}", "no paragraphs"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_written(db, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("import_documents", str(path), str(WIKI_FILE))
    assert message.lower() in str(raised.value).lower()
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_file_over_2_mb_is_refused(db, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("A sentence about history. " * 90_000)
    with pytest.raises(CommandError, match="larger than 2 MB"):
        call_command("import_documents", str(path))
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_missing_path_is_refused(db):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_documents", "/no/such/file.txt")


IMPORT = reverse("admin:lessons_sourcedocument_import")


def upload(client, *files):
    return client.post(
        IMPORT, {"files": [SimpleUploadedFile(name, data, "text/plain") for name, data in files]}
    )


def test_an_admin_uploads_documents_and_gets_a_draft_lesson(client, admin_user):
    client.force_login(admin_user)
    assert client.get(IMPORT).status_code == 200
    response = upload(
        client, (WEB_FILE.name, WEB_FILE.read_bytes()), (WIKI_FILE.name, WIKI_FILE.read_bytes())
    )
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:lessons_lesson_change", args=[lesson.pk])
    assert SourceDocument.objects.count() == 2
    assert lesson.status == "draft"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("empty.txt", b"")], "The submitted file is empty"),
        ([("pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00")], "cannot be read"),
        ([("big.txt", b"x" * (2 * 1024 * 1024 + 1))], "larger than 2 MB"),
    ],
)
def test_admin_upload_refuses_bad_files_and_writes_nothing(client, admin_user, files, message):
    client.force_login(admin_user)
    response = upload(client, *files)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_admin_upload_names_a_document_already_imported(client, admin_user):
    client.force_login(admin_user)
    upload(client, (WIKI_FILE.name, WIKI_FILE.read_bytes()))
    before = counts()
    response = upload(client, ("copy.txt", WIKI_FILE.read_bytes()))
    assert "already imported as “The Great Terror”" in response.content.decode()
    assert counts() == before


def test_teachers_cannot_reach_the_import(client, teacher):
    client.force_login(teacher)
    response = upload(client, (WIKI_FILE.name, WIKI_FILE.read_bytes()))
    assert response.status_code == 302
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


UNATTRIBUTED = (
    b"The harbour froze in the winter of 1777 and the ships stayed in port.\n\n"
    b'"Let it be told to the future world that in the depth of winter hope survived."\n'
)


def test_a_quotation_without_a_speaker_is_saved_unnamed_for_the_editor(db):
    outcome = documents_import(files=[("winter.txt", UNATTRIBUTED)])
    excerpt = Excerpt.objects.get(module__lesson=outcome.lesson)
    assert excerpt.speaker == "unnamed"
    assert not Excerpt.objects.filter(speaker="unknown").exists()
    questions = Question.objects.filter(excerpt=excerpt).values_list("text", flat=True)
    assert questions and not any("unknown" in text for text in questions)


def test_the_sourcing_card_says_an_unnamed_speaker_is_not_given(client, admin_user):
    outcome = documents_import(files=[("winter.txt", UNATTRIBUTED)])
    module = Excerpt.objects.get(module__lesson=outcome.lesson).module
    client.force_login(admin_user)
    page = client.get(reverse("studio:lesson-preview", args=[outcome.lesson.pk, module.position]))
    assert "<dt>Who</dt><dd>Not given in the document" in page.content.decode()


def test_a_quotation_without_a_cue_is_saved_with_its_role_and_kind_not_stated(db):
    outcome = documents_import(files=[("winter.txt", UNATTRIBUTED)])
    excerpt = Excerpt.objects.get(module__lesson=outcome.lesson)
    assert excerpt.speaker_role == Excerpt.Role.UNKNOWN
    assert excerpt.source_kind == ""


ROLES = (
    b"The dock strike of 1889\n\n"
    b"The London dock strike began in August 1889 and lasted a month.\n\n"
    b'The historian John Lovell argued: "The strike was won by the patience of the men and '
    b'the support of the public."\n\n'
    b'Ben Tillett said, "We shall stay out until every man is paid sixpence an hour for his '
    b'work."\n'
)


def test_an_import_saves_only_the_roles_the_text_gives(db):
    outcome = documents_import(files=[("strike.txt", ROLES)])
    saved = {e.speaker: e for e in Excerpt.objects.filter(module__lesson=outcome.lesson)}
    assert saved["John Lovell"].speaker_role == Excerpt.Role.HISTORIAN
    assert saved["John Lovell"].source_kind == "historian's account"
    # Quoted in the past tense with nothing said of him: not a guessed observer.
    assert saved["Ben Tillett"].speaker_role == Excerpt.Role.UNKNOWN
    assert saved["Ben Tillett"].source_kind == ""


def test_the_sourcing_card_says_a_role_and_kind_are_not_stated(client, admin_user):
    outcome = documents_import(files=[("strike.txt", ROLES)])
    tillett = Excerpt.objects.get(module__lesson=outcome.lesson, speaker="Ben Tillett")
    client.force_login(admin_user)
    page = client.get(
        reverse("studio:lesson-preview", args=[outcome.lesson.pk, tillett.module.position])
    ).content.decode()
    assert 'Ben Tillett <span class="muted">(role not stated in the document)</span>' in page
    assert "<dt>Kind of source</dt><dd>Not stated in the document</dd>" in page
    assert 'John Lovell <span class="muted">(Later historian)</span>' in page
    assert "(Unknown)" not in page


def test_a_question_about_an_unnamed_speaker_says_the_document_does_not_name_them(
    client, admin_user
):
    outcome = documents_import(files=[("winter.txt", UNATTRIBUTED)])
    excerpt = Excerpt.objects.get(module__lesson=outcome.lesson)
    discussion = outcome.lesson.modules.get(kind="discussion")
    discussion.questions.update(excerpt=excerpt)
    client.force_login(admin_user)
    for module in (excerpt.module, discussion):
        page = client.get(
            reverse("studio:lesson-preview", args=[outcome.lesson.pk, module.position])
        ).content.decode()
        assert "About: a speaker the document does not name" in page, module.kind
        assert "About: unnamed" not in page


def test_excerpts_saved_with_an_unknown_kind_of_source_now_say_it_is_not_stated(db):
    migration = import_module("lessons.migrations.0004_excerpt_role_not_stated")
    outcome = documents_import(files=[("winter.txt", UNATTRIBUTED)])
    Excerpt.objects.filter(module__lesson=outcome.lesson).update(source_kind="unknown")
    migration.unknown_kind_to_not_stated(apps, None)
    assert list(Excerpt.objects.values_list("source_kind", flat=True)) == [""]


def test_a_documents_author_date_site_and_address_come_from_its_source(db):
    ballou = (CORPUS / "md_ballou_letter_1861.md").read_bytes()
    dw = (CORPUS / "html_dw_berlin_colonial.html").read_bytes()
    documents_import(files=[("ballou.md", ballou), ("dw-page.html", dw)])
    letter = SourceDocument.objects.get(origin="ballou.md")
    assert letter.author == "Sullivan Ballou"
    assert "1861" in letter.published
    page = SourceDocument.objects.get(origin="dw-page.html")
    assert page.title == "Berlin confronts Germany's colonial past with new initiative"
    assert page.site == "DW.COM"
    assert page.published == "2020-01-19"
    assert page.url.startswith("https://www.dw.com/en/berlin-confronts")


def test_a_document_without_a_title_is_untitled_not_its_file_name(db):
    outcome = documents_import(files=[("0042_scan.txt", UNATTRIBUTED)])
    [document] = outcome.documents
    assert document.title == "Untitled document"
    assert document.origin == "0042_scan.txt"


def test_an_address_that_is_not_a_web_address_is_not_kept(db):
    page = (
        b'---\ntitle: "A letter home"\nurl: "javascript:alert(1)"\n---\n\nDear Anne, we marched.\n'
    )
    documents_import(files=[("letter.md", page)])
    assert SourceDocument.objects.get().url == ""


def described(document):
    document.origin = "0007_minutes_export.txt"
    document.author = "Town clerk Edith Rowe"
    document.published = "June 1901"
    document.site = "Millbrook Gazette"
    document.url = "https://example.org/minutes-1901"
    document.save()
    return document


def test_a_teacher_sees_the_metadata_and_never_the_file_name(client, teacher, published_lesson):
    document = described(published_lesson.documents.get())
    client.force_login(teacher)
    pages = [
        client.get(reverse("lessons:document-detail", args=[document.pk])),
        client.get(reverse("lessons:lesson-detail", args=[published_lesson.pk])),
        client.get(reverse("studio:lesson-preview", args=[published_lesson.pk, 2])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "0007_minutes_export" not in response.content.decode()
    for page in (pages[0], pages[2]):
        text = page.content.decode()
        for value in ("Town clerk Edith Rowe", "June 1901", "Millbrook Gazette"):
            assert value in text
        assert 'href="https://example.org/minutes-1901"' in text


def test_a_student_sees_the_sourcing_card_and_never_the_file_name(
    client, teacher, classroom, student, published_lesson
):
    from coursework.services import assignment_create

    document = described(published_lesson.documents.get())
    assignment = assignment_create(
        classroom=classroom,
        lesson=published_lesson,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=7),
    )
    client.force_login(student)
    study = client.get(reverse("coursework:player-module", args=[assignment.pk, 2]))
    source = client.get(reverse("lessons:document-detail", args=[document.pk]))
    for response in (study, source):
        assert response.status_code == 200
        text = response.content.decode()
        assert "0007_minutes_export" not in text
        assert "Millbrook Gazette" in text and "Town clerk Edith Rowe" in text
