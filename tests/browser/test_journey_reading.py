"""A student reading and writing on a phone (390 × 844): a module's first screen is the
module, the module list opens from its toggle, the writing page has the evidence beside the
response, a live word count, and Submit asks before handing in."""

import pytest
from playwright.sync_api import expect

from coursework.models import Submission
from coursework.services import assignment_create
from tests.browser.conftest import class_with

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def within_the_first_screen(box) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= PHONE["width"]
        and box["y"] >= 0
        and box["y"] < PHONE["height"]
    )


def test_reading_and_writing_on_a_phone(visit, school):
    classroom = class_with(school["teacher"], school["student"])
    lesson = school["lesson"]
    assignment = assignment_create(classroom=classroom, lesson=lesson, teacher=school["teacher"])
    modules = lesson.modules.count()
    student = visit("student")
    page = student.page
    page.set_viewport_size(PHONE)
    student.log_in("student")

    # The first screen of a document study is the module: its heading and its first excerpt.
    study = lesson.modules.filter(kind="document_study").first()
    student.go(f"/work/{assignment.pk}/{study.position}/")
    heading = page.get_by_role("heading", level=1, name=study.title)
    box = heading.bounding_box()
    assert within_the_first_screen(box) and box["y"] + box["height"] <= PHONE["height"]
    assert within_the_first_screen(page.locator("figure.excerpt").first.bounding_box())
    expect(page.locator(".lesson-name")).to_have_text(lesson.title)
    # Each excerpt's questions follow it.
    first_pair = page.locator(".study-pair").first
    expect(first_pair.locator(".excerpt-questions textarea").first).to_be_attached()

    # The module list is folded behind its toggle until opened.
    toggle = page.get_by_text(f"Modules (0 of {modules} complete)")
    expect(toggle).to_be_visible()
    first_module = page.locator(".player-nav").get_by_role("link").first
    expect(first_module).to_be_hidden()
    toggle.click()
    expect(first_module).to_be_visible()
    student.check()

    # The writing page: evidence in a section that opens, a live word count, and Submit asks.
    writing = lesson.modules.get(kind="assignment")
    student.go(f"/work/{assignment.pk}/{writing.position}/")
    expect(page.locator("#word-count")).to_have_text("0 words")
    evidence = page.get_by_text("Evidence to quote")
    expect(evidence).to_be_visible()
    first_quote = page.locator(".evidence-excerpts blockquote").first
    expect(first_quote).to_be_hidden()
    evidence.click()
    expect(first_quote).to_be_visible()
    student.check()

    response = page.get_by_label("Your response")
    response.fill("Stalin feared rivals in the party.")
    expect(page.locator("#word-count")).to_have_text("6 words")
    expect(page.locator("#word-count")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#draft-status")).to_contain_text("Saved at", timeout=10_000)

    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    # Without the dialog (as without a script) Submit asks on a page of its own.
    with page.expect_navigation():
        page.evaluate(
            "() => { const form = document.getElementById('draft-form');"
            " form.requestSubmit(form.querySelector('[data-confirm-submit]')); }"
        )
    student.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand in your work?")
    student.submit("No, save it as a draft and keep writing")
    expect(page.locator("#word-count")).to_have_text("6 words")

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Submit", exact=True).click()
    assert asked and "Hand in your work now (6 words)?" in asked[0]
    submission = Submission.objects.get(assignment=assignment, student=school["student"])
    assert submission.status == Submission.Status.DRAFT

    page.once("dialog", lambda dialog: dialog.accept())
    student.submit("Submit", exact=True)
    expect(page.get_by_text("Your work is handed in.")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.text == "Stalin feared rivals in the party."


def test_submit_without_javascript_asks_on_a_page_of_its_own(visit, school):
    classroom = class_with(school["teacher"], school["student"])
    lesson = school["lesson"]
    assignment = assignment_create(classroom=classroom, lesson=lesson, teacher=school["teacher"])
    writing = lesson.modules.get(kind="assignment")
    student = visit("student", javascript=False)
    student.page.set_viewport_size(PHONE)
    student.log_in("student")
    page = student.go(f"/work/{assignment.pk}/{writing.position}/")
    page.get_by_label("Your response").fill("Confessions prove nothing.")
    # The page that asks is a POST's answer, which the checks can't fetch again.
    with page.expect_navigation():
        page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand in your work?")
    expect(page.get_by_text("(3 words)", exact=False)).to_be_visible()
    submission = Submission.objects.get(assignment=assignment, student=school["student"])
    assert submission.status == Submission.Status.DRAFT
    student.submit("No, save it as a draft and keep writing")
    expect(page.locator("#word-count")).to_have_text("3 words")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit", exact=True).click()
    student.submit("Yes, hand it in")
    expect(page.get_by_text("Your work is handed in.")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
