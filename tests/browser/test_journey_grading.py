"""The grading screen in a real browser: Return pressed right after choosing levels and
typing comments returns the work with every comment; leaving with unsaved comments asks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coursework import services
from coursework.grades import Grade
from coursework.models import Submission
from tests.browser.conftest import class_with

pytestmark = pytest.mark.browser

CRITERIA = ("Claim", "Evidence from the documents", "Sourcing", "Context")


def handed_in(school) -> Submission:
    classroom = class_with(school["teacher"], school["student"])
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=school["lesson"],
        teacher=school["teacher"],
        due_at=timezone.now() + timedelta(days=7),
    )
    module = school["lesson"].modules.get(kind="assignment")
    draft = services.submission_for(assignment=assignment, student=school["student"], module=module)
    saved = services.draft_save(
        assignment=assignment,
        student=school["student"],
        module=module,
        text="The confessions were forced; the observers believed them.",
        revision=draft.revision,
    )
    return services.submission_submit(submission=saved, revision=saved.revision)


def grading_screen(visit, submission):
    teacher = visit("teacher")
    teacher.log_in("teacher")
    page = teacher.go(reverse("coursework:grade", args=[submission.assignment_id, submission.pk]))
    return teacher, page


def test_return_right_after_choosing_levels_keeps_every_comment(visit, school):
    submission = handed_in(school)
    teacher, page = grading_screen(visit, submission)
    for criterion in CRITERIA:
        page.get_by_role("group", name=criterion).get_by_role("radio").nth(1).check()
    page.get_by_label("Comment on Claim").fill("Name the trial's date.")
    page.get_by_label("Overall comment").fill("Good use of the confessions.")
    teacher.submit("Return to student")  # at once, while levels may still be saving
    expect(page.locator(".message")).to_contain_text("Returned Amara Okafor's work, graded 12")
    grade = Grade.objects.get(version__submission=submission)
    assert grade.returned_at is not None and grade.comment == "Good use of the confessions."
    assert grade.scores.get(criterion__title="Claim").comment == "Name the trial's date."


def test_leaving_with_unsaved_comments_asks_first(visit, school):
    submission = handed_in(school)
    _, page = grading_screen(visit, submission)
    here = page.url
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="Grading queue").click()  # nothing typed: no question
    page.wait_for_url("**/grading/")
    assert asked == []
    page.go_back()
    page.get_by_label("Overall comment").fill("Not saved yet.")
    page.get_by_role("link", name="Grading queue").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == here
