"""The import review: restoring a dropped paragraph moves every span after it with the text,
rejecting an excerpt takes it out of the draft (and back), an excerpt is made from offsets or
words, and a gap's note reaches students in [brackets] without touching the source text."""

import pytest
from django.urls import reverse

from coursework.models import Assignment
from lessons.importing import documents_import
from lessons.models import (
    EditorNote,
    Excerpt,
    Lesson,
    Module,
    Question,
    Reference,
    SourcedFact,
    SourceDocument,
)
from studio import importing
from studio.importing import ReviewRefused, span_from_words
from tests.lessons.conftest import WEB_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(author):
    """The scraped Great Purge page imported by an author: dropped paragraphs, gaps, excerpts."""
    outcome = documents_import(files=[(WEB_FILE.name, WEB_FILE.read_bytes())], user=author)
    return outcome.lesson, outcome.documents[0]


def url(name, lesson, document):
    return reverse(f"studio:{name}", args=[lesson.pk, document.pk])


def spans(document):
    """Every span on the document, as the words it points at."""
    text = SourceDocument.objects.get(pk=document.pk).cleaned_text
    return {
        "excerpts": {
            e.pk: text[e.start : e.end] for e in Excerpt.objects.filter(document=document)
        },
        "facts": {
            f.pk: text[f.start : f.end] for f in SourcedFact.objects.filter(document=document)
        },
        "references": {
            r.pk: text[r.start : r.end] for r in Reference.objects.filter(document=document)
        },
    }


def state(document):
    document = SourceDocument.objects.get(pk=document.pk)
    return (
        document.cleaned_text,
        document.report,
        sorted(Excerpt.objects.filter(document=document).values_list("pk", "start", "end")),
        sorted(EditorNote.objects.filter(document=document).values_list("pk", "offset", "text")),
        Question.objects.count(),
    )


# Restoring a dropped paragraph


def test_restoring_a_dropped_paragraph_puts_it_back_and_every_later_span_moves(
    client, author, imported
):
    lesson, document = imported
    dropped = document.report["dropped"][0]
    at = dropped["at"]
    assert Excerpt.objects.filter(document=document, start__gt=at).exists()
    gap = next(g for g in document.report["gaps"] if g["start"] > at)
    note = importing.gap_fill(
        document=document,
        gap_index=document.report["gaps"].index(gap),
        text="1937",
        user=author,
    )
    before = spans(document)
    gap_words = [g["text"] for g in document.report["gaps"]]
    figure_words = [f["value"] for f in document.report["figures"]]
    others = {d["position"]: d["at"] for d in document.report["dropped"][1:]}
    client.force_login(author)
    response = client.post(
        url("import-restore", lesson, document), {"paragraph": dropped["position"]}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    text, shift = document.cleaned_text, len(dropped["text"]) + 2
    assert text[at : at + len(dropped["text"])] == dropped["text"]
    assert spans(document) == before
    for excerpt in Excerpt.objects.filter(document=document).select_related("document"):
        assert excerpt.has_source_span
    assert [text[g["start"] : g["end"]] for g in document.report["gaps"]] == gap_words
    assert [text[f["start"] : f["end"]] for f in document.report["figures"]] == figure_words
    assert EditorNote.objects.get(pk=note.pk).offset == note.offset + shift
    assert dropped["position"] not in {d["position"] for d in document.report["dropped"]}
    # Paragraphs dropped from the same place stay after the restored one.
    for item in document.report["dropped"]:
        expected = others[item["position"]]
        assert item["at"] == (expected + shift if expected >= at else expected)
    assert document.report["restored"][0]["start"] == at
    review = client.get(url("import-review", lesson, document)).content.decode()
    assert "Restored" in review and f'id="at-{at}"' in review


def test_restored_paragraphs_from_one_place_come_back_in_their_order(author, imported):
    _, document = imported
    first, second = document.report["dropped"][0], document.report["dropped"][1]
    assert first["at"] == second["at"]
    importing.dropped_paragraph_restore(document=document, position=second["position"], user=author)
    document.refresh_from_db()
    importing.dropped_paragraph_restore(document=document, position=first["position"], user=author)
    document.refresh_from_db()
    text = document.cleaned_text
    assert text.index(first["text"]) < text.index(second["text"])
    for excerpt in Excerpt.objects.filter(document=document).select_related("document"):
        assert excerpt.has_source_span


def test_a_restored_paragraph_keeps_its_citations_and_later_ones_renumber(author, document):
    text = document.cleaned_text
    document.cleaned_text = text + "\n\nSecond paragraph, cited."
    document.report = {
        "paragraphs_kept": 2,
        "dropped": [
            {
                "text": "A blurb, cited too.",
                "reason": "off the document's topic; similarity 0.10",
                "score": 0.1,
                "position": 1,
                "at": len(text) + 2,
                "references": [
                    {"author": "Smith", "year": "2001", "pages": "4", "start": 0, "end": 19}
                ],
            }
        ],
        "gaps": [],
    }
    document.save()
    later = Reference.objects.create(
        document=document, author="Jones", paragraph=1, start=len(text) + 2, end=len(text) + 27
    )
    importing.dropped_paragraph_restore(document=document, position=1, user=author)
    document.refresh_from_db()
    restored = Reference.objects.get(author="Smith")
    assert document.cleaned_text[restored.start : restored.end] == "A blurb, cited too."
    assert restored.paragraph == 1
    later.refresh_from_db()
    assert later.paragraph == 2
    assert document.cleaned_text[later.start : later.end] == "Second paragraph, cited."


def test_a_paragraph_cannot_be_restored_inside_an_excerpt_that_spans_its_place(
    author, draft_lesson, document
):
    text = document.cleaned_text + "\n\nA second paragraph."
    document.cleaned_text = text
    at = text.index("A second")
    document.report = {
        "dropped": [{"text": "Teaser.", "reason": "x", "score": 0, "position": 1, "at": at}]
    }
    document.save()
    module = draft_lesson.modules.get(kind="document_study")
    Excerpt.objects.create(module=module, document=document, text=text, start=0, end=len(text))
    before = state(document)
    with pytest.raises(ReviewRefused, match="runs across the place"):
        importing.dropped_paragraph_restore(document=document, position=1, user=author)
    assert state(document) == before


def test_restoring_an_unknown_paragraph_is_refused_with_nothing_changed(client, author, imported):
    lesson, document = imported
    before = state(document)
    client.force_login(author)
    for data in ({"paragraph": 999}, {"paragraph": "x"}, {}):
        response = client.post(url("import-restore", lesson, document), data)
        assert response.status_code == 400
        assert "nothing was changed" in response.content.decode() or "Choose a dropped" in (
            response.content.decode()
        )
    assert state(document) == before


# Rejecting excerpts


def test_rejecting_an_excerpt_takes_it_and_its_questions_out_and_undo_puts_them_back(
    client, author, imported
):
    lesson, document = imported
    excerpt = Excerpt.objects.filter(module__lesson=lesson, questions__isnull=False).first()
    questions = sorted(excerpt.questions.values_list("text", flat=True))
    module = excerpt.module
    client.force_login(author)
    response = client.post(url("import-reject", lesson, document), {"excerpt": excerpt.pk})
    assert response.status_code == 302
    assert not Excerpt.objects.filter(pk=excerpt.pk).exists()
    assert not Question.objects.filter(text__in=questions, module=module).exists()
    assert Module.objects.get(pk=module.pk).revision == module.revision + 1
    review = client.get(url("import-review", lesson, document)).content.decode()
    assert "Rejected excerpts" in review and "<del>" in review and "found-rejected" in review
    key = SourceDocument.objects.get(pk=document.pk).report["rejected_excerpts"][0]["key"]
    response = client.post(url("import-unreject", lesson, document), {"rejected": key})
    assert response.status_code == 302
    back = Excerpt.objects.get(module=module, text=excerpt.text)
    assert back.has_source_span and back.speaker == excerpt.speaker
    assert sorted(back.questions.values_list("text", flat=True)) == questions
    assert SourceDocument.objects.get(pk=document.pk).report["rejected_excerpts"] == []


def test_a_rejected_excerpt_moves_with_a_restored_paragraph_and_comes_back_matching(
    author, imported
):
    lesson, document = imported
    at = document.report["dropped"][0]["at"]
    excerpt = Excerpt.objects.filter(module__lesson=lesson, start__gt=at).first()
    entry = importing.excerpt_reject(lesson=lesson, excerpt=excerpt, user=author)
    document.refresh_from_db()
    importing.dropped_paragraph_restore(
        document=document, position=document.report["dropped"][0]["position"], user=author
    )
    document.refresh_from_db()
    back = importing.excerpt_unreject(lesson=lesson, document=document, key=entry["key"])
    assert back.has_source_span and back.start > excerpt.start


def test_rejecting_an_excerpt_of_another_lesson_is_refused(client, author, imported, draft_lesson):
    lesson, document = imported
    other = Excerpt.objects.filter(module__lesson=draft_lesson).first()
    before = state(document)
    client.force_login(author)
    response = client.post(url("import-reject", lesson, document), {"excerpt": other.pk})
    assert response.status_code == 400
    assert Excerpt.objects.filter(pk=other.pk).exists()
    assert state(document) == before


def test_undoing_an_unknown_rejection_is_refused(client, author, imported):
    lesson, document = imported
    client.force_login(author)
    for key in ("0" * 32, "not-a-key"):
        response = client.post(url("import-unreject", lesson, document), {"rejected": key})
        assert response.status_code == 400


# Making excerpts


def excerpt_data(module, **fields):
    return {
        "speaker": "Nikolai Bukharin",
        "speaker_role": "participant",
        "date_text": "March 1938",
        "source_kind": "testimony",
        "module": module.pk,
        **fields,
    }


def test_an_excerpt_is_made_from_the_selections_offsets(client, author, imported):
    lesson, document = imported
    module = lesson.modules.get(position=2)
    text = document.cleaned_text
    start = text.index("\n\n") + 2
    words = text[start : start + 80]
    client.force_login(author)
    # A selection often takes in the spaces around it; they are left out.
    response = client.post(
        url("import-excerpt-create", lesson, document),
        excerpt_data(module, start=start - 1, end=start + len(words)),
    )
    assert response.status_code == 302
    excerpt = Excerpt.objects.get(module=module, speaker="Nikolai Bukharin")
    assert excerpt.has_source_span
    assert excerpt.text == words.strip() and excerpt.start == start
    assert (excerpt.speaker_role, excerpt.date_text, excerpt.source_kind) == (
        "participant",
        "March 1938",
        "testimony",
    )
    assert excerpt.position == module.excerpts.count()
    assert f'id="x{excerpt.pk}"' in client.get(response.url).content.decode()


def test_an_excerpt_is_made_from_its_first_and_last_words_without_javascript(
    client, author, draft_lesson, document
):
    module = draft_lesson.modules.get(kind="background")
    client.force_login(author)
    response = client.post(
        url("import-excerpt-create", draft_lesson, document),
        excerpt_data(module, first_words="the COUNCIL met", last_words="bridge  this year."),
    )
    assert response.status_code == 302
    excerpt = Excerpt.objects.get(module=module)
    assert (
        excerpt.text
        == 'The council met in May 1901. Its leader said: "We shall build the bridge this year.'
    )
    assert excerpt.has_source_span


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("The council", "the dam", "“the dam” does not come after"),
        ("The senate", "this year", "“The senate” is not in the document"),
        ("e", "year", "“e” is in the document"),
        ("The council", "e", "times after the first words; give more of the last words"),
        ("", "", "Select the passage in the document, or give its first and last words."),
    ],
)
def test_missing_or_ambiguous_words_are_refused_and_no_excerpt_is_made(
    client, author, draft_lesson, document, first, last, message
):
    module = draft_lesson.modules.get(kind="background")
    before = Excerpt.objects.count()
    client.force_login(author)
    response = client.post(
        url("import-excerpt-create", draft_lesson, document),
        excerpt_data(module, first_words=first, last_words=last),
    )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert Excerpt.objects.count() == before


def test_span_from_words_matches_across_line_breaks_and_case():
    text = "One two three.\n\nFour five six. One more."
    assert span_from_words(text, "three. four", "SIX.") == (8, 30)
    with pytest.raises(ReviewRefused, match="2 times"):
        span_from_words(text, "one", "six")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (50, 10, "not inside the document"),
        (0, 10_000, "not inside the document"),
        (4, 4, "not inside the document"),
    ],
)
def test_bad_offsets_are_refused(client, author, draft_lesson, document, start, end, message):
    module = draft_lesson.modules.get(kind="background")
    client.force_login(author)
    response = client.post(
        url("import-excerpt-create", draft_lesson, document),
        excerpt_data(module, start=start, end=end),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not module.excerpts.exists()


def test_a_module_of_another_lesson_and_a_duplicate_are_refused(
    client, author, draft_lesson, imported, document
):
    lesson, _ = imported
    foreign = lesson.modules.first()
    client.force_login(author)
    target = url("import-excerpt-create", draft_lesson, document)
    response = client.post(target, excerpt_data(foreign, start=0, end=10))
    assert response.status_code == 400
    assert "Choose one of this lesson" in response.content.decode()
    existing = Excerpt.objects.get(module__lesson=draft_lesson)
    response = client.post(
        target, excerpt_data(existing.module, start=existing.start, end=existing.end)
    )
    assert response.status_code == 400
    assert "already an excerpt" in response.content.decode()
    assert Excerpt.objects.filter(module__lesson=draft_lesson).count() == 1


# Gaps and the editor's notes


def test_a_filled_gap_reaches_students_in_brackets_and_the_source_text_stays(
    client, author, draft_lesson, document, teacher, classroom, student
):
    text = 'The trial took place in August, , of that year. Vyshinsky said: "Shoot the mad dogs".'
    document.cleaned_text = document.raw_text = text
    start = text.index("in August, ,")
    document.report = {
        "gaps": [
            {
                "text": "in August, ,",
                "sentence": "The trial took place in August, , of that year.",
                "start": start,
                "end": start + len("in August, ,"),
                "kind": "missing_year",
                "corroborated_by": [],
            }
        ]
    }
    document.save()
    module = draft_lesson.modules.get(kind="document_study")
    excerpt = module.excerpts.get()
    excerpt.text, excerpt.start, excerpt.end = text[:47], 0, 47
    excerpt.save()
    client.force_login(author)
    response = client.post(
        url("import-gap-fill", draft_lesson, document), {"gap": 0, "text": "[1936]"}
    )
    assert response.status_code == 302
    note = EditorNote.objects.get()
    assert (note.text, note.created_by, text[note.offset - 2 : note.offset + 4]) == (
        "1936",
        author,
        ", , of",
    )
    assert SourceDocument.objects.get(pk=document.pk).cleaned_text == text
    assert Excerpt.objects.get(pk=excerpt.pk).text == text[:47]

    draft_lesson.status = Lesson.Status.PUBLISHED
    draft_lesson.save()
    assignment = Assignment.objects.create(
        classroom=classroom, lesson=draft_lesson, assigned_by=teacher
    )
    client.force_login(student)
    page = client.get(
        reverse("coursework:player-module", args=[assignment.pk, module.position])
    ).content.decode()
    assert 'took place in August, <span class="editor-note">[1936]</span>, of that year.' in page
    passage = client.get(
        reverse("lessons:document-detail", args=[document.pk]) + f"?excerpt={excerpt.pk}"
    ).content.decode()
    assert '<span class="editor-note">[1936]</span>' in passage
    client.force_login(author)
    preview = client.get(
        reverse("lessons:lesson-preview", args=[draft_lesson.pk, module.position]), follow=True
    )
    assert preview.status_code == 200
    assert "[1936]" in preview.content.decode()


def test_a_gap_filled_again_changes_its_note_and_removing_it_leaves_none(client, author, imported):
    lesson, document = imported
    client.force_login(author)
    client.post(url("import-gap-fill", lesson, document), {"gap": 0, "text": "1936"})
    client.post(url("import-gap-fill", lesson, document), {"gap": 0, "text": "1937"})
    note = EditorNote.objects.get()
    assert note.text == "1937"
    response = client.post(url("import-note-delete", lesson, document), {"note": note.pk})
    assert response.status_code == 302
    assert not EditorNote.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"gap": 0, "text": "  "}, "Write the missing words"),
        ({"gap": 0, "text": "[]"}, "Write the missing words"),
        ({"gap": 999, "text": "1936"}, "no such gap"),
        ({"gap": 0, "text": "19[3]6"}, "Leave out the brackets"),
        ({"gap": 0, "text": "x" * 301}, "at most 300 characters"),
    ],
)
def test_a_bad_note_is_refused_and_nothing_is_written(client, author, imported, data, message):
    lesson, document = imported
    client.force_login(author)
    response = client.post(url("import-gap-fill", lesson, document), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EditorNote.objects.exists()


def test_the_document_of_a_published_lesson_keeps_its_text_and_notes(client, author, imported):
    lesson, document = imported
    draft_copy = Lesson.objects.create(title="Copy", central_question="?")
    draft_copy.documents.add(document)
    lesson.status = Lesson.Status.PUBLISHED
    lesson.save()
    before = state(document)
    client.force_login(author)
    for name, data in (
        ("import-restore", {"paragraph": document.report["dropped"][0]["position"]}),
        ("import-gap-fill", {"gap": 0, "text": "1936"}),
    ):
        response = client.post(url(name, draft_copy, document), data)
        assert response.status_code == 400
        assert "can&#x27;t change" in response.content.decode()
    # The published lesson itself is read-only, and its review says so.
    response = client.post(url("import-restore", lesson, document), {"paragraph": 2})
    assert response.status_code == 403
    assert "so it is read-only and nothing was changed" in response.content.decode()
    assert state(document) == before


# htmx


def test_htmx_gets_the_review_part_alone_and_a_refusal_in_place(client, author, imported):
    lesson, document = imported
    client.force_login(author)
    response = client.post(
        url("import-gap-fill", lesson, document),
        {"gap": 0, "text": "1936"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="review"') and "<html" not in body
    assert "Students now read [1936]" in body
    response = client.post(
        url("import-gap-fill", lesson, document),
        {"gap": 0, "text": " "},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert response.content.decode().lstrip().startswith('<div id="review"')


def test_the_review_takes_a_fixed_number_of_queries(
    client, author, imported, django_assert_max_num_queries
):
    lesson, document = imported
    client.force_login(author)
    target = url("import-review", lesson, document)
    with django_assert_max_num_queries(16):
        assert client.get(target).status_code == 200


# Access


@pytest.mark.parametrize("who", ["teacher", "student", "other_teacher"])
def test_people_without_the_permission_can_neither_review_nor_change_anything(
    client, request, imported, who
):
    lesson, document = imported
    excerpt = Excerpt.objects.filter(module__lesson=lesson).first()
    before = state(document)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("import-review", lesson, document)).status_code == 403
    assert client.get(reverse("studio:import-lesson", args=[lesson.pk])).status_code == 403
    for name, data in (
        ("import-restore", {"paragraph": document.report["dropped"][0]["position"]}),
        ("import-reject", {"excerpt": excerpt.pk}),
        ("import-excerpt-create", excerpt_data(lesson.modules.first(), start=0, end=20)),
        ("import-gap-fill", {"gap": 0, "text": "1936"}),
    ):
        assert client.post(url(name, lesson, document), data).status_code == 403
    assert state(document) == before


def test_a_document_not_in_the_lesson_is_not_found(client, author, imported, draft_lesson):
    lesson, document = imported
    client.force_login(author)
    assert client.get(url("import-review", draft_lesson, document)).status_code == 404


def test_wrong_methods_are_refused(client, author, imported):
    lesson, document = imported
    client.force_login(author)
    assert client.post(url("import-review", lesson, document)).status_code == 405
    assert client.get(url("import-restore", lesson, document)).status_code == 405
