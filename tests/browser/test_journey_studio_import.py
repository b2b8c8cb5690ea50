"""An author imports a document from the regression corpus with a second, scraped one,
restores a paragraph the builder left out, makes an excerpt by selecting its words with the
mouse and another with the keyboard alone, and fills a gap the scraped page lost; then the
same without JavaScript."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts.models import User
from lessons.models import EditorNote, Excerpt, Lesson, SourceDocument
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
WATERLOO = CORPUS / "wiki_field_of_waterloo.txt"
SCRAPED = """The first Moscow trial

The first of the show trials took place in August, , of that year. Sixteen defendants \
stood in the dock, among them Zinoviev and Kamenev, and every one of them was sentenced \
to death.

Walter Duranty, the correspondent of the New York Times, wrote that the confessions were \
true: "It is unthinkable that Stalin could have sent them to their deaths without the most \
convincing proof."
"""


@pytest.fixture
def author(transactional_db):
    person = User.objects.create_user(
        "author", password=PASSWORD, role="teacher", first_name="Ada", last_name="Author"
    )
    person.user_permissions.add(Permission.objects.get(codename="author_lessons"))
    return person


def select_with_mouse(page, words: str) -> None:
    """Press the mouse at the first letter of `words` in the document and let go after the
    last, as a person dragging across them would."""
    box = page.evaluate(
        """(words) => {
          for (const span of document.querySelectorAll("#source-text [data-at]")) {
            const node = span.firstChild;
            const at = node ? node.data.indexOf(words) : -1;
            if (at < 0) continue;
            span.scrollIntoView({block: "center"});
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + 1);
            const first = range.getBoundingClientRect();
            range.setStart(node, at + words.length - 1);
            range.setEnd(node, at + words.length);
            const last = range.getBoundingClientRect();
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
          }
          return null;
        }""",
        words,
    )
    assert box is not None, f"{words!r} is not in one run of the document's text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=5)
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_author_imports_restores_selects_excerpts_and_fills_a_gap(visit, author, tmp_path):
    scraped = tmp_path / "first-trial.txt"
    scraped.write_text(SCRAPED, encoding="utf-8")
    tab = visit("author")
    tab.log_in("author")
    page = tab.go("/studio/imports/new/")
    page.get_by_label("Documents").set_input_files([str(WATERLOO), str(scraped)])
    tab.submit("Import files")
    expect(page.locator(".messages")).to_contain_text("Imported 2 documents")
    lesson = Lesson.objects.get()
    waterloo = SourceDocument.objects.get(origin=WATERLOO.name)

    # Restore the first paragraph the builder left out.
    tab.follow("The Field of Waterloo")
    dropped = waterloo.report["dropped"][0]
    page.get_by_role("button", name=f"Restore paragraph {dropped['position'] + 1}").click()
    expect(page.locator("#review .message")).to_contain_text("The paragraph is back")
    tab.check()
    waterloo.refresh_from_db()
    assert dropped["text"] in waterloo.cleaned_text
    expect(page.locator(".restored")).to_contain_text(dropped["text"][:40])
    for excerpt in Excerpt.objects.filter(document=waterloo).select_related("document"):
        assert excerpt.has_source_span

    # An excerpt from a selection made with the mouse.
    words = "Scott travelled to Belgium in August"
    select_with_mouse(page, words)
    expect(page.locator("#selection-status")).to_contain_text(words)
    expect(page.get_by_label("From the words")).to_have_value(words)
    page.get_by_label("Who said or wrote it").fill("The encyclopedia's editors")
    page.get_by_label("Role").select_option(label="Later historian")
    page.get_by_label("When").fill("2015")
    page.get_by_label("Kind of source").fill("encyclopedia article")
    page.get_by_role("button", name="Make the excerpt").click()
    expect(page.locator("#review .message")).to_contain_text("is now an excerpt")
    tab.check()
    made = Excerpt.objects.get(speaker="The encyclopedia's editors")
    assert made.text == words and made.has_source_span
    assert (made.speaker_role, made.date_text) == ("historian", "2015")
    assert made.module.lesson == lesson

    # Another, by the keyboard alone: its first and last words, typed, then Enter.
    page.get_by_label("From the words").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Scott")
    expect(page.locator("#selection-status")).to_contain_text("times; give more of the first words")
    page.keyboard.press("Control+A")
    page.keyboard.type("The profits from Scott's poem")
    page.keyboard.press("Tab")
    page.keyboard.type("widows and orphans of soldiers.")
    # While typing, the page says what the words point to, as the server will find them.
    expect(page.locator("#selection-status")).to_contain_text("These words point to")
    expect(page.locator("#selection-status")).to_contain_text("orphans of soldiers.”")
    page.keyboard.press("Tab")
    page.keyboard.type("Walter Scott")
    page.keyboard.press("Enter")
    expect(page.locator("#review .message")).to_contain_text("“The profits from Scott")
    # The keyboard carries on from the answer, not from the top of the page.
    expect(page.locator("#review .message")).to_be_focused()
    typed = Excerpt.objects.get(speaker="Walter Scott")
    assert typed.text.startswith("The profits from Scott's poem")
    assert typed.text.endswith("widows and orphans of soldiers.") and typed.has_source_span

    # Fill the gap the scraped page lost; the source text stays as it was.
    trial = SourceDocument.objects.get(origin="first-trial.txt")
    text = trial.cleaned_text
    tab.go(f"/studio/imports/lessons/{lesson.pk}/documents/{trial.pk}/")
    expect(page.locator("#gap-0")).to_contain_text("has lost a year")
    page.get_by_label("Missing words for gap 1").fill("1936")
    page.get_by_role("button", name="Fill gap 1").click()
    expect(page.locator("#review .message")).to_contain_text("Students now read [1936]")
    tab.check()
    expect(page.locator("#source-text .editor-note")).to_have_text("[1936]")
    note = EditorNote.objects.get(document=trial)
    assert note.text == "1936" and text[note.offset - 2 : note.offset] == ", "
    trial.refresh_from_db()
    assert trial.cleaned_text == text


def test_the_review_works_without_javascript(visit, author, tmp_path):
    scraped = tmp_path / "first-trial.txt"
    scraped.write_text(SCRAPED, encoding="utf-8")
    tab = visit("author", javascript=False)
    tab.log_in("author")
    page = tab.go("/studio/imports/new/")
    page.get_by_label("Title").fill("The first Moscow trial")
    page.get_by_label("Where it comes from").fill("A scraped news page")
    page.get_by_label("Text", exact=True).fill(SCRAPED)
    tab.submit("Import pasted text")
    expect(page.locator(".messages")).to_contain_text("Imported 1 document")
    page.get_by_label("From the words").fill("Sixteen defendants")
    page.get_by_label("To the words").fill("sentenced to death.")
    tab.submit("Make the excerpt")
    expect(page.locator(".messages")).to_contain_text("is now an excerpt")
    assert Excerpt.objects.get(text__startswith="Sixteen defendants").has_source_span
    page.get_by_label("Missing words for gap 1").fill("1936")
    tab.submit("Fill gap 1")
    expect(page.locator("#source-text .editor-note")).to_have_text("[1936]")
    excerpt = Excerpt.objects.get(text__startswith="It is unthinkable")
    tab.submit(f"Reject excerpt {list(Excerpt.objects.order_by('start')).index(excerpt) + 1}")
    expect(page.locator("#rejected")).to_be_visible()
    assert not Excerpt.objects.filter(pk=excerpt.pk).exists()
    tab.submit("Put it back: “It is unthinkable that …”")
    assert Excerpt.objects.get(text__startswith="It is unthinkable").has_source_span
