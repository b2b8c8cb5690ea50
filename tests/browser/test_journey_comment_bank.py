"""Grading with the comment bank in a real browser: a teacher keeps a typed comment in the
bank with one click, puts it into another criterion's comment, chooses levels in the rubric
grid with the keyboard, reads the student's answers and posts, saves, and comes back to find
it all kept; then manages the bank on its own page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coursework.grades import Grade
from coursework.models import Answer, BankedComment
from lessons.models import Question
from tests.browser.test_journey_grading import CRITERIA, handed_in

pytestmark = pytest.mark.browser


def test_a_teacher_grades_with_the_comment_bank(visit, school):
    submission = handed_in(school)
    question = Question.objects.filter(module__lesson=school["lesson"]).first()
    Answer.objects.create(
        assignment_id=submission.assignment_id,
        student=school["student"],
        question=question,
        text="Vyshinsky led the prosecution.",
    )
    teacher = visit("teacher")
    teacher.log_in("teacher")
    screen = reverse("coursework:grade", args=[submission.assignment_id, submission.pk])
    page = teacher.go(screen)

    # A comment typed as the overall comment goes in the bank with one click, no reload.
    overall = page.get_by_label("Overall comment")
    overall.fill("Quote the documents you use.")
    page.get_by_role("button", name="Add to my comment bank (the overall comment)").click()
    expect(page.locator("#bank-status-overall")).to_have_text("Added to your comment bank.")
    assert BankedComment.objects.get().text == "Quote the documents you use."

    # It is offered under every box; used in Evidence, it goes in where the cursor was.
    evidence = page.get_by_label("Comment on Evidence from the documents")
    evidence.fill("Two documents.")
    page.get_by_text("Comment bank (1) for the comment on Evidence from the documents").click()
    page.get_by_role("button", name="Use in the comment on Evidence from the documents").click()
    expect(evidence).to_have_value("Two documents. Quote the documents you use.")
    expect(overall).to_have_value("Quote the documents you use.")

    # Levels chosen in the grid with the keyboard: into each row, then along it.
    for criterion in CRITERIA:
        group = page.get_by_role("group", name=criterion)
        first = group.get_by_role("radio").first
        first.focus()
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        expect(group.get_by_role("radio").nth(1)).to_be_checked()
    teacher.check()

    # The student's answers load when their section opens.
    page.get_by_text("Amara Okafor's answers and posts on this lesson").click()
    expect(page.locator(".student-record")).to_contain_text("Vyshinsky led the prosecution.")

    teacher.submit("Save grade")
    expect(page.locator(".message")).to_contain_text("Saved the grade")
    grade = Grade.objects.get(version__submission=submission)
    assert grade.comment == "Quote the documents you use."
    assert grade.scores.get(criterion__title="Evidence from the documents").comment == (
        "Two documents. Quote the documents you use."
    )
    assert all(score.level_id for score in grade.scores.all())

    # Coming back: the choices, the comments and the bank are all there.
    page = teacher.go(screen)
    for criterion in CRITERIA:
        group = page.get_by_role("group", name=criterion)
        expect(group.get_by_role("radio").nth(1)).to_be_checked()
    expect(page.get_by_label("Comment on Evidence from the documents")).to_have_value(
        "Two documents. Quote the documents you use."
    )

    # The bank's page: edit the comment, then delete it.
    page = teacher.follow("Manage my comment bank")
    expect(page.locator("table")).to_contain_text("Quote the documents you use.")
    page = teacher.follow("Edit comment 1")
    page.get_by_label("Comment").fill("Quote the documents, with who wrote them.")
    page = teacher.submit("Save")
    expect(page.locator("table")).to_contain_text("Quote the documents, with who wrote them.")
    page = teacher.submit("Delete comment 1")
    expect(page.get_by_text("Your bank is empty.")).to_be_visible()
    assert not BankedComment.objects.exists()


def test_without_javascript_the_bank_keeps_what_was_typed(visit, school):
    submission = handed_in(school)
    teacher = visit("teacher", javascript=False)
    teacher.log_in("teacher")
    screen = reverse("coursework:grade", args=[submission.assignment_id, submission.pk])
    page = teacher.go(screen)
    page.get_by_label("Comment on Claim").fill("State the claim first.")
    page.get_by_label("Overall comment").fill("Typed, not banked.")
    page = teacher.submit("Add to my comment bank (the comment on Claim)")
    expect(page.locator(".messages")).to_contain_text("Added to your comment bank.")
    expect(page.get_by_label("Overall comment")).to_have_value("Typed, not banked.")
    page.get_by_text("Comment bank (1) for the comment on Claim").click()
    page = teacher.submit("Use in the comment on Claim")
    expect(page.get_by_label("Comment on Claim")).to_have_value(
        "State the claim first.\nState the claim first."
    )
