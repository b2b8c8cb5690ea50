"""Journey 1, the whole classroom, and its student part without JavaScript and by keyboard.

A teacher creates a class and assigns the Great Purge lesson; a student joins with the code,
works through every module, posts, writes and submits; the teacher sees the student complete,
grades with the rubric and returns the work; the student reads the grade and comments.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Classroom, Enrollment
from coursework.models import Assignment, Post, Progress, Submission
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

ESSAY = (
    "The Terror happened because Stalin feared enemies inside the party and abroad. "
    "Kamenev's confession says the opposition planned to kill Stalin, but the web article "
    "explains that prisoners were broken by interrogation, so the confession is weak evidence."
)
CLASSMATE_POST = "The Observer trusted the court, but it had no independent witnesses."


def teacher_creates_class_and_assigns(teacher: Visitor, lesson_title: str) -> str:
    teacher.log_in("teacher")
    teacher.follow("New class")
    teacher.page.get_by_label("Class name").fill("History 10")
    page = teacher.submit("Create class")
    code = page.locator(".join-code").inner_text().strip()
    expect(page.get_by_role("heading", name="Join code")).to_be_visible()
    page = teacher.follow("Assignments", exact=True)
    page.get_by_label("Lesson", exact=True).select_option(label=lesson_title)
    due = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Due", exact=True).fill(due)
    teacher.submit("Assign")
    expect(page.locator(".message")).to_contain_text("Assigned")
    return code


def student_joins(student: Visitor, code: str) -> None:
    student.log_in("student")
    student.follow("Join a class")
    student.page.get_by_label("Class code").fill(code)
    page = student.submit("Join")
    expect(page.locator(".message")).to_contain_text("You joined History 10")


def classmate_posts_first(school) -> None:
    classroom = Classroom.objects.get(name="History 10")
    Enrollment.objects.create(classroom=classroom, student=school["classmate"])
    assignment = Assignment.objects.get(classroom=classroom)
    discussion = school["lesson"].modules.get(kind="discussion")
    Post.objects.create(
        assignment=assignment, module=discussion, author=school["classmate"], text=CLASSMATE_POST
    )


def student_works_through_the_lesson(student: Visitor, lesson_title: str, *, js: bool) -> None:
    page = student.go("/")
    student.follow(lesson_title)
    while True:
        kind = page.locator(".kind-label").inner_text().strip().lower()
        if page.locator("form.answers").count():  # guiding questions, background's too
            fields = page.locator("form.answers textarea")
            for index in range(fields.count()):
                fields.nth(index).fill(f"My answer, with evidence from the excerpt ({index + 1}).")
            student.submit("Save answers")
            expect(page.locator(".message")).to_contain_text("Your answers are saved")
        elif "discussion" in kind:
            expect(page.get_by_text(CLASSMATE_POST)).to_have_count(0)
            page.get_by_label("Your post").fill("Confessions under threat prove nothing.")
            student.submit("Post", exact=True)
            expect(page.get_by_text(CLASSMATE_POST)).to_be_visible()
        elif "written assignment" in kind:
            page.get_by_label("Your response").fill(ESSAY)
            if js:
                page.get_by_label("Your response").blur()
                expect(page.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)
                student.check()
            else:
                student.submit("Save draft")
                expect(page.locator(".message")).to_contain_text("Draft saved")
            if js:  # Submit asks in a dialog first
                page.once("dialog", lambda dialog: dialog.accept())
                student.submit("Submit", exact=True)
            else:  # or on a page of its own, a POST's answer the checks can't fetch again
                with page.expect_navigation():
                    page.get_by_role("button", name="Submit", exact=True).click()
                expect(page.get_by_role("heading", name="Hand in your work?")).to_be_visible()
                student.submit("Yes, hand it in")
            expect(page.locator(".message")).to_contain_text("Your work is handed in")
            return
        student.follow("Next", exact=True)


def teacher_grades_and_returns(teacher: Visitor, lesson_title: str) -> None:
    page = teacher.go("/")
    teacher.follow("History 10")
    teacher.follow("Progress")
    row = page.locator("#board").get_by_role("row", name="Amara Okafor")
    expect(row.get_by_text("Not started")).to_have_count(0)
    modules = Assignment.objects.get().lesson.modules.count()
    expect(row.locator("td.cell-complete")).to_have_count(modules)
    expect(row.locator("td.cell-complete").first).to_contain_text("Complete")
    expect(row).to_contain_text("100%")
    teacher.follow("Grading")
    teacher.follow("Amara Okafor")
    for criterion in ("Claim", "Evidence from the documents", "Sourcing", "Context"):
        page.get_by_role("group", name=criterion).get_by_role("radio").nth(1).check()
    page.get_by_label("Comment on Claim").fill("A clear claim; name the trial's date.")
    teacher.submit("Save grade")
    expect(page.locator(".message")).to_contain_text("Saved the grade: 12 of 16")
    # Typed after the last save and returned at once: Return saves the form first.
    page.get_by_label("Overall comment").fill("Good use of the confessions.")
    teacher.submit("Return to student")
    expect(page.locator(".message")).to_contain_text("Returned Amara Okafor's work, graded 12")


def student_reads_the_grade(student: Visitor, school) -> None:
    assignment = Assignment.objects.get()
    writing = school["lesson"].modules.get(kind="assignment")
    page = student.go(f"/work/{assignment.pk}/{writing.position}/")
    expect(page.get_by_role("heading", name="Your grade: 12 of 16")).to_be_visible()
    expect(page.get_by_text("A clear claim; name the trial's date.")).to_be_visible()
    expect(page.get_by_text("Good use of the confessions.")).to_be_visible()


def assert_student_finished(school) -> None:
    student = school["student"]
    modules = school["lesson"].modules.count()
    assert Progress.objects.filter(student=student, state="complete").count() == modules
    assert Submission.objects.get(student=student).status == "submitted"


def test_the_whole_classroom(visit, school):
    title = school["lesson"].title
    teacher = visit("teacher")
    code = teacher_creates_class_and_assigns(teacher, title)
    student = visit("student")
    student_joins(student, code)
    classmate_posts_first(school)
    student_works_through_the_lesson(student, title, js=True)
    assert_student_finished(school)
    teacher_grades_and_returns(teacher, title)
    student_reads_the_grade(student, school)


def test_the_students_part_works_without_javascript(visit, school):
    title = school["lesson"].title
    teacher = visit("teacher")
    code = teacher_creates_class_and_assigns(teacher, title)
    student = visit("student", javascript=False)
    student_joins(student, code)
    classmate_posts_first(school)
    student_works_through_the_lesson(student, title, js=False)
    assert_student_finished(school)


# Keyboard only: Tab and Shift+Tab move, Enter and Space press, typing fills the field.


def focus_visible(page: Page) -> bool:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            return el.matches(':focus-visible') && style.outlineStyle !== 'none'
                && parseFloat(style.outlineWidth) > 0;
        }"""
    )


def tab_to(page: Page, role: str, name: str, *, limit: int = 400) -> None:
    """Press Tab until the element with this role and name has focus, checking focus shows."""
    target = page.get_by_role(role, name=name, exact=True).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            assert focus_visible(page), f"focus on {role} {name!r} is not visible"
            return
    raise AssertionError(f"Tab never reached the {role} {name!r}")


def key_press(student: Visitor, key: str = "Enter") -> None:
    with student.page.expect_navigation():
        student.page.keyboard.press(key)
    student.check()


def test_the_students_part_works_with_the_keyboard_alone(visit, school):
    title = school["lesson"].title
    teacher = visit("teacher")
    code = teacher_creates_class_and_assigns(teacher, title)
    classroom = Classroom.objects.get(name="History 10")
    student = visit("student")
    page = student.go("/login/")
    tab_to(page, "textbox", "Username")
    page.keyboard.type("student")
    tab_to(page, "textbox", "Password")
    page.keyboard.type("correct-horse-battery")
    key_press(student)
    tab_to(page, "link", "Join a class")
    key_press(student)
    tab_to(page, "textbox", "Class code")
    page.keyboard.type(code)
    key_press(student)
    assert Enrollment.objects.filter(classroom=classroom).count() == 1
    classmate_posts_first(school)
    tab_to(page, "link", title)
    key_press(student)
    while True:
        kind = page.locator(".kind-label").inner_text().strip().lower()
        if page.locator("form.answers").count():  # guiding questions, background's too
            labels = page.locator("form.answers label").all_inner_texts()
            for label in labels:
                tab_to(page, "textbox", label.strip())
                page.keyboard.type("An answer typed at the keyboard.")
            tab_to(page, "button", "Save answers")
            key_press(student, "Space")
        elif "discussion" in kind:
            tab_to(page, "textbox", "Your post")
            page.keyboard.type("Typed with the keyboard alone.")
            tab_to(page, "button", "Post")
            key_press(student)
            expect(page.get_by_text(CLASSMATE_POST)).to_be_visible()
        elif "written assignment" in kind:
            tab_to(page, "textbox", "Your response")
            page.keyboard.type(ESSAY)
            page.keyboard.press("Shift+Tab")
            expect(page.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)
            tab_to(page, "button", "Submit")
            page.once("dialog", lambda dialog: dialog.accept())
            key_press(student)
            expect(page.locator(".message")).to_contain_text("Your work is handed in")
            break
        tab_to(page, "link", "Next")
        key_press(student)
    assert_student_finished(school)
