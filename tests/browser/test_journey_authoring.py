"""Journey 3: an admin imports a document, re-attributes an excerpt, publishes, and the
lesson is offered to teachers."""

import pytest
from playwright.sync_api import expect

from lessons.models import Excerpt, Lesson
from tests.browser.conftest import class_with

DOCUMENT = """The Salem witch trials

In February 1692 two girls in Salem Village began to have fits that the village doctor \
could not explain. By the summer more than a hundred people in Salem had been accused.

The magistrate John Hathorne questioned Bridget Bishop in April 1692. Bishop answered him: \
"I am no witch. I am innocent. I know nothing of it and never saw these persons before."

Cotton Mather, a Boston minister, wrote in 1693 of the Salem accused: "The devil has made \
a dreadful knot of witches in the country, and by the help of witches has dreadfully \
increased that knot."

In May 1693 the governor pardoned those still in prison, and the trials came to an end.
"""

pytestmark = pytest.mark.browser


def test_admin_imports_edits_and_publishes_a_lesson(visit, school, tmp_path):
    source = tmp_path / "salem.txt"
    source.write_text(DOCUMENT, encoding="utf-8")
    admin = visit("admin")
    admin.log_in("admin")
    page = admin.go("/admin/lessons/sourcedocument/import/")
    page.get_by_label("Source documents").set_input_files(str(source))
    admin.submit("Import")
    expect(page.locator(".messagelist")).to_contain_text("draft lesson")
    draft = Lesson.objects.exclude(pk=school["lesson"].pk).get()
    assert draft.status == "draft"

    excerpt = Excerpt.objects.filter(module__lesson=draft).first()
    assert excerpt is not None, "the builder proposed no excerpt to edit"
    page = admin.go(f"/admin/lessons/excerpt/{excerpt.pk}/change/")
    page.get_by_label("Speaker:", exact=True).fill("The encyclopedia's editors")
    admin.submit("Save", exact=True)
    excerpt.refresh_from_db()
    assert excerpt.speaker == "The encyclopedia's editors"
    assert excerpt.has_source_span

    # The publish rules want a grade band, which the builder leaves to the editor.
    page = admin.go(f"/admin/lessons/lesson/{draft.pk}/change/")
    page.get_by_label("Grade band:").fill("Grades 9–12")
    admin.submit("Save", exact=True)

    page = admin.go("/admin/lessons/lesson/")
    page.get_by_role("checkbox", name=f"Select this object for an action - {draft}").check()
    page.get_by_label("Action:").select_option("publish")
    admin.submit("Run")
    expect(page.locator(".messagelist")).to_contain_text("Published")
    draft.refresh_from_db()
    assert draft.status == "published"

    classroom = class_with(school["teacher"])
    teacher = visit("teacher")
    teacher.log_in("teacher")
    page = teacher.go("/lessons/")
    expect(page.get_by_role("link", name=draft.title, exact=True)).to_be_visible()
    page = teacher.go(f"/classes/{classroom.pk}/assignments/")
    options = page.get_by_label("Lesson", exact=True).locator("option").all_inner_texts()
    assert draft.title in options
