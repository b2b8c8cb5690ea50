"""Editor's notes in [brackets]: set in at their offsets, escaped, shown only inside the
excerpts that span them, and read for a module's excerpts in one query whatever their count."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from lessons.models import EditorNote, Excerpt, Module, SourceDocument
from lessons.passages import paragraphs_with_mark, text_with_notes
from lessons.selectors import module_content

pytestmark = pytest.mark.django_db


class Note:
    def __init__(self, offset, text):
        self.offset, self.text = offset, text


def test_notes_go_in_at_their_offsets_with_spaces_where_words_meet():
    text = "It began in , and ended in the mids"
    notes = [Note(text.index(","), "1936"), Note(len(text), "1930s")]
    assert str(text_with_notes(text, 0, notes)) == (
        'It began in <span class="editor-note">[1936]</span>, and ended in the mids'
        '<span class="editor-note"> [1930s]</span>'
    )


def test_a_note_outside_the_excerpt_is_not_shown_and_every_word_is_escaped():
    text = "<b>Tom</b> said , then left."
    start = 100
    inside = Note(start + text.index(","), "<i>1937</i>")
    before = Note(start - 5, "ignored")
    html = str(text_with_notes(text, start, [inside, before]))
    assert "&lt;b&gt;Tom&lt;/b&gt;" in html
    assert "[&lt;i&gt;1937&lt;/i&gt;]" in html
    assert "ignored" not in html


def test_the_passage_page_sets_every_note_into_its_paragraph():
    text = "First part, , here.\n\nSecond part."
    paragraphs = paragraphs_with_mark(text, 0, 5, [Note(text.index(" ,") + 1, "1936")])
    first = paragraphs[0]
    assert [(s.text, s.marked, s.note) for s in first] == [
        ("First", True, False),
        (" part, ", False, False),
        ("[1936]", False, True),
        (", here.", False, False),
    ]
    assert [s.text for s in paragraphs[1]] == ["Second part."]


def _module_with_excerpts(draft_lesson, count: int) -> Module:
    module = Module.objects.create(
        lesson=draft_lesson, position=10 + count, kind="document_study", title=f"Study {count}"
    )
    for number in range(count):
        text = f"Witness {number} said the trial began in , before dawn."
        document = SourceDocument.objects.create(
            title=f"Record {number}",
            origin=f"r{number}.txt",
            content_hash=f"hash-{count}-{number}",
            shape="web",
            raw_text=text,
            cleaned_text=text,
        )
        EditorNote.objects.create(document=document, offset=text.index(" ,") + 1, text="1936")
        Excerpt.objects.create(
            module=module, document=document, text=text, start=0, end=len(text), position=number
        )
    return module


def test_a_modules_excerpts_read_their_notes_in_a_fixed_number_of_queries(draft_lesson):
    counts = []
    for size in (1, 6):
        module = _module_with_excerpts(draft_lesson, size)
        with CaptureQueriesContext(connection) as queries:
            html = render_to_string(
                "lessons/module_content.html", {"module": module_content(module)}
            )
        assert html.count('<span class="editor-note">[1936]</span>') == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
