"""Journey: two authors edit the same module of a draft in the lesson studio. The stale save
is refused with both versions shown and nothing overwritten; a module moves with the keyboard
buttons; a rubric cell is edited in the grid. Every action here is taken with the keyboard."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts.models import User
from lessons.models import Module
from lessons.services import lesson_new_version
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(school):
    return lesson_new_version(lesson=school["lesson"])


@pytest.fixture
def author(school):
    person = User.objects.create_user(
        "author", password=PASSWORD, role="teacher", first_name="Ada", last_name="Author"
    )
    person.user_permissions.add(Permission.objects.get(codename="author_lessons"))
    return person


def press(page, name: str, key: str = "Enter", **options):
    """Focus a button by its name and press it from the keyboard, once htmx has finished
    swapping in the last answer (a button replaced meanwhile would take the key press away)."""
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    expect(busy).to_have_count(0)
    button = page.get_by_role("button", name=name, **options)
    button.focus()
    button.press(key)


def test_two_authors_a_stale_save_keyboard_moves_and_a_rubric_cell(visit, school, draft, author):
    study = draft.modules.filter(kind="document_study").first()
    module_path = f"/studio/lessons/{draft.pk}/modules/{study.pk}/"

    # Both open the same module; the admin's tab runs no scripts, the author's does.
    admin = visit("admin", javascript=False)
    admin.log_in("admin")
    admin_page = admin.go(module_path)
    writer = visit("author")
    writer.log_in("author")
    author_page = writer.go(module_path)

    author_page.get_by_label("Introduction").fill("Read the two accounts of the trials.")
    press(author_page, "Save module")
    expect(author_page.get_by_role("status").filter(has_text="Module saved.")).to_be_visible()
    writer.check()
    study.refresh_from_db()
    assert study.body == "Read the two accounts of the trials."

    # The admin's page still shows the first revision: the save is refused, both versions shown.
    admin_page.get_by_label("Introduction").fill("Start with the foreign observers.")
    with admin_page.expect_navigation():
        press(admin_page, "Save module")
    admin.check()
    problem = admin_page.locator("#problem")
    expect(problem).to_contain_text("Not saved: this page was out of date")
    expect(problem).to_contain_text("Read the two accounts of the trials.")
    expect(problem).to_contain_text("Start with the foreign observers.")
    study.refresh_from_db()
    assert study.body == "Read the two accounts of the trials."

    # The author's page is up to date after its save, so a second save goes through in place.
    author_page.get_by_label("Title", exact=True).fill("Reading the trials")
    press(author_page, "Save module")
    expect(author_page.get_by_role("heading", level=1)).to_have_text("Reading the trials")
    # A stale save with scripts on is refused in place too.
    admin_stale = visit("author-second")
    admin_stale.log_in("admin")
    second = admin_stale.go(module_path)
    author_page.get_by_label("Title", exact=True).fill("Reading the Moscow trials")
    press(author_page, "Save module")
    expect(author_page.get_by_role("heading", level=1)).to_have_text("Reading the Moscow trials")
    second.get_by_label("Title", exact=True).fill("A title typed on a stale page")
    press(second, "Save module")
    expect(second.locator("#problem")).to_contain_text("out of date")
    expect(second.locator("#problem")).to_contain_text("A title typed on a stale page")
    expect(second.locator("#problem")).to_be_focused()
    admin_stale.check()
    study.refresh_from_db()
    assert study.title == "Reading the Moscow trials"

    # Move the first module down with the keyboard; focus stays on a move button.
    first = draft.modules.get(position=1)
    lesson_page = writer.go(f"/studio/lessons/{draft.pk}/")
    move_down = lesson_page.locator(f"#move-down-{first.pk}")
    expect(move_down).to_have_accessible_name(f"Move down: {first.title}")
    move_down.focus()
    move_down.press("Enter")
    expect(lesson_page.get_by_role("status").filter(has_text="moved down")).to_be_visible()
    expect(lesson_page.locator(f"#move-down-{first.pk}")).to_be_focused()
    writer.check()
    assert Module.objects.get(pk=first.pk).position == 2
    move_up = lesson_page.locator(f"#move-up-{first.pk}")
    move_up.focus()
    move_up.press("Enter")
    expect(lesson_page.get_by_role("status").filter(has_text="moved up")).to_be_visible()
    assert Module.objects.get(pk=first.pk).position == 1

    # With a mouse, dragging the second module above the first does the same.
    second = draft.modules.get(position=2)
    lesson_page.locator(f"#module-{second.pk}").drag_to(
        lesson_page.locator(f"#module-{first.pk}"), target_position={"x": 20, "y": 5}
    )
    expect(lesson_page.get_by_role("status").filter(has_text="Modules reordered.")).to_be_visible()
    assert Module.objects.get(pk=second.pk).position == 1
    assert Module.objects.get(pk=first.pk).position == 2

    # Removing asks first; "Keep it" leaves the module where it is.
    writer.follow(f"Remove: {first.title}")
    writer.follow("Keep it")
    assert draft.modules.count() == school["lesson"].modules.count()
    listing = writer.go("/studio/lessons/")
    expect(listing.get_by_role("link", name=draft.title).first).to_be_visible()

    # Edit one cell of the rubric grid: its points and description.
    writing = draft.modules.get(kind="assignment")
    rubric_page = writer.go(f"/studio/lessons/{draft.pk}/modules/{writing.pk}/rubric/")
    # The new version shares the published lesson's rubric, which is frozen: copy it first.
    expect(rubric_page.locator(".notice")).to_contain_text("copy it to edit")
    press(rubric_page, "Copy to edit")
    expect(rubric_page.get_by_role("status")).to_contain_text("its own copy")
    writer.check()
    writing.refresh_from_db()
    assert writing.rubric_id != school["lesson"].modules.get(kind="assignment").rubric_id
    criterion = writing.rubric.criteria.first()
    # Every criterion is tagged with a skill; the curated one for the claim is not yet.
    press(rubric_page, "Save rubric")
    expect(rubric_page.locator("#problem")).to_contain_text(
        "Claim, skill: Tag this criterion with the skill it measures."
    )
    expect(rubric_page.locator("#problem")).to_be_focused()
    writer.check()
    skill = rubric_page.locator("#id_criteria-0-skill")
    skill.focus()
    skill.select_option("close_reading")
    top = criterion.levels.first()
    rubric_page.get_by_label(f"Description of level 1 of {criterion.title}").fill(
        "Makes a claim and defends it from two documents."
    )
    points = rubric_page.get_by_label(f"Points for level 1 of {criterion.title}")
    points.fill("6")
    points.press("Enter")  # Enter in a cell saves the grid; it never removes a level
    expect(rubric_page.get_by_role("status").filter(has_text="Rubric saved.")).to_be_visible()
    writer.check()
    top.refresh_from_db()
    assert (top.points, top.description) == (6, "Makes a claim and defends it from two documents.")
    assert criterion.levels.count() == 4


def test_a_published_lesson_opens_read_only_in_the_studio(visit, school, author):
    published = school["lesson"]
    writer = visit("author")
    writer.log_in("author")
    page = writer.go(f"/studio/lessons/{published.pk}/")
    expect(page.get_by_text("so it is read-only here")).to_be_visible()
    expect(page.get_by_role("button", name="Save lesson")).to_have_count(0)
    for module in published.modules.all():
        page = writer.go(f"/studio/lessons/{published.pk}/modules/{module.pk}/")
        expect(page.get_by_role("button", name="Save module")).to_have_count(0)
        if module.kind == "assignment":
            page = writer.go(f"/studio/lessons/{published.pk}/modules/{module.pk}/rubric/")
            expect(page.get_by_role("table")).to_be_visible()
            expect(page.get_by_role("button", name="Copy to edit")).to_have_count(0)


def test_saving_one_section_keeps_what_is_typed_in_another(visit, school, draft, author):
    study = draft.modules.filter(kind="document_study").first()
    first, second = list(study.questions.order_by("position", "pk"))[:2]
    writer = visit("author")
    writer.log_in("author")

    # The module page: a question reworded but not saved, then the module's text saved.
    page = writer.go(f"/studio/lessons/{draft.pk}/modules/{study.pk}/")
    typed = "Whose words are these, and who wrote them down?"
    page.locator(f"#question-{first.pk}").get_by_label("Question").fill(typed)
    page.get_by_label("Introduction").fill("Read both accounts before you answer.")
    press(page, "Save module")
    expect(page.get_by_role("status").filter(has_text="Module saved.")).to_be_visible()
    writer.check()
    expect(page.locator(f"#question-{first.pk}").get_by_label("Question")).to_have_value(typed)
    # Its form now carries the revision that save made, so saving it goes through.
    study.refresh_from_db()
    expect(page.locator(f"input[name='q{first.pk}-revision']")).to_have_value(str(study.revision))
    press(page, "Save question 1")
    expect(page.get_by_role("status").filter(has_text="Question saved.")).to_be_visible()
    expect(page.locator("#problem")).to_have_count(0)
    first.refresh_from_db()
    assert first.text == typed
    study.refresh_from_db()
    assert study.body == "Read both accounts before you answer."

    # Moving the second question up keeps the module's text as typed, unsaved.
    page.get_by_label("Introduction").fill("Typed after the last save.")
    move_up = page.locator(f"#question-up-{second.pk}")
    move_up.focus()
    move_up.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Question moved up.")).to_be_visible()
    expect(page.get_by_label("Introduction")).to_have_value("Typed after the last save.")
    press(page, "Save module")
    expect(page.get_by_role("status").filter(has_text="Module saved.")).to_be_visible()
    study.refresh_from_db()
    assert study.body == "Typed after the last save."
    assert list(study.questions.values_list("pk", flat=True))[:2] == [second.pk, first.pk]

    # The lesson page: the summary typed, a module added, then the summary saved.
    page = writer.go(f"/studio/lessons/{draft.pk}/")
    page.get_by_label("Summary").fill("Two weeks of the Great Terror, read from its documents.")
    page.get_by_label("Kind of module").select_option(label="Discussion")
    page.get_by_label("Title of the new module").fill("What did the world believe?")
    press(page, "Add module")
    expect(page.get_by_role("status")).to_contain_text("added")
    expect(page.get_by_label("Summary")).to_have_value(
        "Two weeks of the Great Terror, read from its documents."
    )
    press(page, "Save lesson")
    expect(page.get_by_role("status").filter(has_text="Lesson saved.")).to_be_visible()
    expect(page.locator("#problem")).to_have_count(0)
    writer.check()
    draft.refresh_from_db()
    assert draft.summary == "Two weeks of the Great Terror, read from its documents."
    assert draft.modules.filter(title="What did the world believe?").exists()


def test_removing_a_question_or_a_level_asks_first(visit, school, draft, author):
    study = draft.modules.filter(kind="document_study").first()
    question = study.questions.order_by("position", "pk").first()
    count = study.questions.count()
    writer = visit("author")
    writer.log_in("author")
    page = writer.go(f"/studio/lessons/{draft.pk}/modules/{study.pk}/")
    writer.follow("Delete… question 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this question?")
    writer.follow("Keep it")
    assert study.questions.count() == count
    writer.follow("Delete… question 1")
    writer.submit("Delete the question")
    expect(page.get_by_role("status").first).to_contain_text("Question deleted.")
    assert not study.questions.filter(pk=question.pk).exists()

    writing = draft.modules.get(kind="assignment")
    page = writer.go(f"/studio/lessons/{draft.pk}/modules/{writing.pk}/rubric/")
    press(page, "Copy to edit")
    expect(page.get_by_role("status")).to_contain_text("its own copy")
    writing.refresh_from_db()
    page.locator("#id_criteria-0-skill").select_option("close_reading")
    page.get_by_label("Description of level 1 of Claim").fill("Typed before removing a level.")
    press(page, "Remove level 4… from every criterion")
    confirm = page.locator("#confirm")
    expect(confirm).to_contain_text("Remove level 4 from every criterion?")
    expect(confirm).to_be_focused()
    writer.check()
    assert all(c.levels.count() == 4 for c in writing.rubric.criteria.all())
    press(page, "Keep the level: back to the grid")
    expect(page.get_by_role("status")).to_contain_text("Nothing removed")
    expect(page.get_by_label("Description of level 1 of Claim")).to_have_value(
        "Typed before removing a level."
    )
    press(page, "Remove level 4… from every criterion")
    expect(confirm).to_contain_text("Remove level 4 from every criterion?")
    press(page, "Remove level 4 and save the grid")
    expect(page.get_by_role("status").filter(has_text="without level 4")).to_be_visible()
    assert all(c.levels.count() == 3 for c in writing.rubric.criteria.all())
    assert writing.rubric.criteria.first().levels.first().description == (
        "Typed before removing a level."
    )
