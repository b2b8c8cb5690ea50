"""Journey: an author imports a document from the regression corpus with a scraped page,
restores a paragraph the builder left out, makes an excerpt by selecting its words, fills a
gap the scraped page lost, writes two compare questions, edits the rubric grid, previews,
passes the checklist and publishes after confirming. A teacher then finds the lesson in the
catalogue by searching and assigns it to a class. Buttons are pressed from the keyboard."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts.models import User
from coursework.models import Assignment
from lessons.models import EditorNote, Excerpt, Lesson, SourceDocument
from tests.browser.conftest import class_with
from tests.browser.test_journey_studio_import import SCRAPED, select_with_mouse
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WATERLOO = (
    Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "wiki_field_of_waterloo.txt"
)
SELECTED = "Scott travelled to Belgium in August"
FIRST = "How does the review of the poem differ from Scott's own reason for the journey?"
SECOND = "Which of the two sources was written closer to the battle, and does that matter?"


@pytest.fixture
def author(school):
    person = User.objects.create_user(
        "author", password=PASSWORD, role="teacher", first_name="Ada", last_name="Author"
    )
    person.user_permissions.add(Permission.objects.get(codename="author_lessons"))
    return person


def press(page, name: str, **options):
    """Focus a button by its name and press Enter on it."""
    button = page.get_by_role("button", name=name, **options)
    button.focus()
    button.press("Enter")


def press_and_load(tab, name: str, **options):
    """Press a button from the keyboard that loads a new page, then check that page."""
    with tab.page.expect_navigation():
        press(tab.page, name, **options)
    tab.check()
    return tab.page


def option_value(page, select: str, text: str) -> str:
    return page.locator(f"{select} option", has_text=text).first.get_attribute("value")


def test_author_builds_and_publishes_a_lesson_that_a_teacher_assigns(
    visit, school, author, tmp_path
):
    scraped = tmp_path / "first-trial.txt"
    scraped.write_text(SCRAPED, encoding="utf-8")
    tab = visit("author")
    tab.log_in("author")

    # Import: a wiki page from the corpus and a scraped page, into one draft lesson.
    page = tab.go("/studio/imports/new/")
    page.get_by_label("Documents").set_input_files([str(WATERLOO), str(scraped)])
    press_and_load(tab, "Import files")
    expect(page.locator(".messages")).to_contain_text("Imported 2 documents")
    lesson = Lesson.objects.exclude(pk=school["lesson"].pk).get()
    assert lesson.status == "draft"
    waterloo = SourceDocument.objects.get(origin=WATERLOO.name)

    # Restore a paragraph the builder dropped.
    tab.follow("The Field of Waterloo")
    dropped = waterloo.report["dropped"][0]
    press(page, f"Restore paragraph {dropped['position'] + 1}")
    expect(page.locator("#review .message")).to_contain_text("The paragraph is back")
    tab.check()
    waterloo.refresh_from_db()
    assert dropped["text"] in waterloo.cleaned_text

    # Make an excerpt by selecting its words in the document.
    select_with_mouse(page, SELECTED)
    expect(page.get_by_label("From the words")).to_have_value(SELECTED)
    page.get_by_label("Who said or wrote it").fill("The encyclopedia's editors")
    page.get_by_label("Role").select_option(label="Later historian")
    page.get_by_label("When").fill("2015")
    page.get_by_label("Kind of source").fill("encyclopedia article")
    press(page, "Make the excerpt")
    expect(page.locator("#review .message")).to_contain_text("is now an excerpt")
    tab.check()
    made = Excerpt.objects.get(module__lesson=lesson, speaker="The encyclopedia's editors")
    assert made.text == SELECTED and made.has_source_span

    # Fill the gap the scraped page lost: an editor's note, the source text unchanged.
    trial = SourceDocument.objects.get(origin="first-trial.txt")
    text = trial.cleaned_text
    page = tab.go(f"/studio/imports/lessons/{lesson.pk}/documents/{trial.pk}/")
    page.get_by_label("Missing words for gap 1").fill("1936")
    press(page, "Fill gap 1")
    expect(page.locator("#review .message")).to_contain_text("Students now read [1936]")
    tab.check()
    assert EditorNote.objects.get(document=trial).text == "1936"
    trial.refresh_from_db()
    assert trial.cleaned_text == text

    # The lesson's own fields: the grade band the builder leaves to the editor.
    page = tab.go(f"/studio/lessons/{lesson.pk}/")
    page.get_by_label("Grade band").fill("Grades 9–12")
    press(page, "Save lesson")
    expect(page.get_by_role("status").filter(has_text="Lesson saved.")).to_be_visible()
    tab.check()

    # The corroboration module: two excerpts side by side and two compare questions.
    tab.follow("Corroboration: comparing the documents")
    picker = "#id_pick_excerpt"
    for words in (SELECTED, "poorest, dullest"):
        page.locator(picker).select_option(option_value(page, picker, words))
        press(page, "Add excerpt")
        expect(page.get_by_role("status").filter(has_text="Excerpt added.")).to_be_visible()
    tab.check()
    for question, words in ((FIRST, "poorest, dullest"), (SECOND, SELECTED)):
        page.locator("#id_new-text").fill(question)
        page.locator("#id_new-skill").select_option("corroboration")
        page.locator("#id_new-excerpt").select_option(
            option_value(page, "#id_new-excerpt", words[:20])
        )
        press(page, "Add question")
        expect(page.get_by_role("status").filter(has_text="Question added.")).to_be_visible()
    tab.check()
    corroboration = lesson.modules.get(kind="corroboration")
    texts = list(corroboration.questions.values_list("text", flat=True))
    assert texts[-2:] == [FIRST, SECOND]
    assert corroboration.excerpts.count() == 2

    # The preview shows the module as students get it, with answer boxes that save nothing.
    tab.follow("Preview this module as a student")
    expect(page.get_by_text("Preview: answers are not saved.")).to_be_visible()
    expect(page.get_by_label(FIRST)).to_be_visible()

    # The rubric grid: every criterion tagged with a skill, the top cell described.
    writing = lesson.modules.get(kind="assignment")
    page = tab.go(f"/studio/lessons/{lesson.pk}/modules/{writing.pk}/")
    tab.follow("Edit the rubric grid")
    for skill in page.locator("select[id$='-skill']").all():
        if not skill.input_value():
            skill.select_option("corroboration")
    criterion = writing.rubric.criteria.first()
    page.get_by_label(f"Description of level 1 of {criterion.title}").fill(
        "Weighs the review against the editors' account, quoting both."
    )
    points = page.get_by_label(f"Points for level 1 of {criterion.title}")
    points.press("Enter")  # Enter in a cell saves the grid
    expect(page.get_by_role("status").filter(has_text="Rubric saved.")).to_be_visible()
    tab.check()
    top = criterion.levels.first()
    top.refresh_from_db()
    assert top.description == "Weighs the review against the editors' account, quoting both."

    # The checklist passes; publishing asks first.
    page = tab.go(f"/studio/lessons/{lesson.pk}/checklist/")
    expect(page.get_by_text("Every check passes.")).to_be_visible()
    tab.follow("Publish…")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publish “{lesson.title}”?")
    lesson.refresh_from_db()
    assert lesson.status == "draft"
    press_and_load(tab, "Publish", exact=True)
    expect(page.get_by_role("status").first).to_contain_text("for every teacher")
    lesson.refresh_from_db()
    assert lesson.status == "published"

    # A teacher finds it in the catalogue by searching, and assigns it to a class.
    classroom = class_with(school["teacher"])
    teacher = visit("teacher")
    teacher.log_in("teacher")
    page = teacher.go("/lessons/")
    page.get_by_label("Title").fill("Waterloo")
    page.get_by_label("Title").press("Enter")
    page.wait_for_url("**/lessons/?*")
    teacher.check()
    expect(page.get_by_text("1 lesson found.")).to_be_visible()
    expect(page.get_by_role("link", name=lesson.title, exact=True)).to_be_visible()
    teacher.follow(f"Assign {lesson.title}")
    page.get_by_label("Class").select_option(label=classroom.name)
    press_and_load(teacher, "Assign", exact=True)
    expect(page.get_by_role("status").first).to_contain_text(f"to {classroom.name}")
    assert Assignment.objects.get(classroom=classroom).lesson_id == lesson.pk
