"""Journey 2: autosave under trouble. Offline, back online, reload, and a stale second tab."""

import pytest
from playwright.sync_api import expect

from coursework.models import Answer, Submission
from coursework.services import assignment_create
from tests.browser.conftest import class_with

pytestmark = pytest.mark.browser


def test_autosave_survives_going_offline_and_a_stale_tab(visit, school):
    classroom = class_with(school["teacher"], school["student"])
    assignment = assignment_create(
        classroom=classroom, lesson=school["lesson"], teacher=school["teacher"]
    )
    writing = school["lesson"].modules.get(kind="assignment")
    url = f"/work/{assignment.pk}/{writing.position}/"

    student = visit("student")
    student.log_in("student")
    page = student.go(url)
    response = page.get_by_label("Your response")
    status = page.locator("#draft-status")

    response.fill("Stalin feared enemies everywhere.")
    expect(status).to_contain_text("Saved at", timeout=10_000)

    page.context.set_offline(True)
    response.press_sequentially(" The Observer believed the confessions.")
    expect(status).to_contain_text("Not saved yet", timeout=10_000)
    page.context.set_offline(False)
    expect(status).to_contain_text("Saved at", timeout=40_000)

    page.reload()
    expected = "Stalin feared enemies everywhere. The Observer believed the confessions."
    expect(page.get_by_label("Your response")).to_have_value(expected)
    student.check()

    # A second tab still showing an older copy must not overwrite the newer text.
    stale = page.context.new_page()
    stale.goto(student.base + url)
    page.get_by_label("Your response").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Historians disagree.")
    expect(page.locator("#draft-status")).to_contain_text("Saved at", timeout=10_000)
    stale.get_by_label("Your response").fill("An old draft from another tab.")
    stale.get_by_label("Your response").blur()
    expect(stale.get_by_role("alert")).to_contain_text("this page was out of date", timeout=10_000)
    expect(stale.get_by_role("alert")).to_contain_text("An old draft from another tab.")
    expect(stale.get_by_role("alert")).to_contain_text("Historians disagree.")
    saved = Submission.objects.get(assignment=assignment, student=school["student"])
    assert saved.text == expected + " Historians disagree."


def test_submit_clicked_straight_after_typing_hands_the_work_in(visit, school):
    classroom = class_with(school["teacher"], school["student"])
    assignment = assignment_create(
        classroom=classroom, lesson=school["lesson"], teacher=school["teacher"]
    )
    writing = school["lesson"].modules.get(kind="assignment")
    student = visit("student")
    student.log_in("student")
    page = student.go(f"/work/{assignment.pk}/{writing.position}/")
    response = page.get_by_label("Your response")

    response.fill("Stalin feared rivals.")
    expect(page.locator("#draft-status")).to_contain_text("Saved at", timeout=10_000)
    # More words, and Submit at once: the click moves focus, which starts an autosave
    # of the same words while the submit is on its way.
    response.press_sequentially(" The trials made confessions public.")
    page.once("dialog", lambda dialog: dialog.accept())
    student.submit("Submit", exact=True)

    expect(page.get_by_text("Your work is handed in.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    saved = Submission.objects.get(assignment=assignment, student=school["student"])
    assert saved.status == Submission.Status.SUBMITTED
    expected = "Stalin feared rivals. The trials made confessions public."
    assert list(saved.versions.values_list("text", flat=True)) == [expected]


def test_answers_autosave_and_an_older_tabs_empty_form_keeps_them(visit, school):
    classroom = class_with(school["teacher"], school["student"])
    assignment = assignment_create(
        classroom=classroom, lesson=school["lesson"], teacher=school["teacher"]
    )
    study = school["lesson"].modules.filter(kind="document_study").first()
    first = study.questions.first()
    url = f"/work/{assignment.pk}/{study.position}/"
    student = visit("student")
    student.log_in("student")
    page = student.go(url)
    older = page.context.new_page()
    older.goto(student.base + url)  # loaded before any answer is stored

    box = page.locator(f"#answer-{first.pk}")
    box.fill("Radek confessed in court.")
    expect(page.locator(f"#status-{first.pk}")).to_contain_text("Saved at", timeout=10_000)
    expect(page.locator(f"#revision-{first.pk}")).to_have_value("1")
    box.press_sequentially(" So did Piatakov.")
    expect(page.locator(f"#revision-{first.pk}")).to_have_value("2", timeout=10_000)
    student.submit("Save answers")
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    with older.expect_navigation():
        older.get_by_role("button", name="Save answers").click()
    expect(older.locator(f"#answer-{first.pk}")).to_have_value(
        "Radek confessed in court. So did Piatakov."
    )
    answer = Answer.objects.get(student=school["student"], question=first)
    assert (answer.text, answer.revision) == ("Radek confessed in court. So did Piatakov.", 2)
