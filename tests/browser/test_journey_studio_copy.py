"""Journey: a teacher makes their own copy of a published lesson, changes a question in the
studio, publishes the copy for their own use and assigns it to one class. A student in that
class reads the changed question; a student of another teacher's class reads the original."""

import pytest
from playwright.sync_api import expect

from accounts.models import Classroom, Enrollment, User
from coursework.models import Assignment
from lessons.models import Lesson
from tests.browser.conftest import class_with
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHANGED = "Which words of the confession sound like the prosecutor's rather than the accused's?"


def test_a_teachers_copy_reaches_only_their_class(visit, school):
    lesson = school["lesson"]
    study = lesson.modules.filter(kind="document_study").order_by("position").first()
    original = study.questions.order_by("position", "pk").first().text
    classroom = class_with(school["teacher"], school["student"])
    other_teacher = User.objects.create_user(
        "teacher2", password=PASSWORD, role="teacher", first_name="David", last_name="Chen"
    )
    other_student = User.objects.create_user(
        "student2", password=PASSWORD, first_name="Zoe", last_name="Kowalski"
    )
    other_class = Classroom.objects.create(name="Modern Europe", join_code="MDRNEU5")
    other_class.teachers.add(other_teacher)
    Enrollment.objects.create(classroom=other_class, student=other_student)

    # The teacher finds the lesson in the catalogue and makes their own copy.
    teacher = visit("teacher")
    teacher.log_in("teacher")
    page = teacher.go("/lessons/")
    teacher.submit(f"Make my own copy of {lesson.title}")
    copy = Lesson.objects.get(owner=school["teacher"])
    assert (copy.status, copy.copied_from_id) == ("draft", lesson.pk)
    expect(page.get_by_role("status").first).to_contain_text("Made your own copy")

    # In the studio, they reword the first guiding question of the first document study.
    copied_study = copy.modules.get(position=study.position)
    question = copied_study.questions.order_by("position", "pk").first()
    page = teacher.go(f"/studio/lessons/{copy.pk}/modules/{copied_study.pk}/")
    item = page.locator(f"#question-{question.pk}")
    item.get_by_label("Question").fill(CHANGED)
    item.get_by_role("button", name="Save question 1").click()
    expect(page.locator(f"#question-{question.pk}").get_by_label("Question")).to_have_value(CHANGED)
    teacher.check()
    question.refresh_from_db()
    assert question.text == CHANGED

    # The preview shows the changed question as students will see it, saving nothing.
    page = teacher.go(f"/studio/lessons/{copy.pk}/preview/{study.position}/")
    expect(page.get_by_text("Preview: answers are not saved.")).to_be_visible()
    expect(page.get_by_label(CHANGED)).to_be_visible()

    # The checklist passes; publishing asks first, then the copy is theirs alone.
    page = teacher.go(f"/studio/lessons/{copy.pk}/checklist/")
    expect(page.get_by_text("Every check passes.")).to_be_visible()
    teacher.follow("What changed from the original")
    expect(page.locator("ins").filter(has_text="prosecutor").first).to_be_visible()
    page = teacher.go(f"/studio/lessons/{copy.pk}/checklist/")
    teacher.follow("Publish…")
    expect(page.get_by_text("in your catalogue only", exact=False)).to_be_visible()
    teacher.submit("Publish", exact=True)
    expect(page.get_by_role("status").first).to_contain_text("for your own classes")
    copy.refresh_from_db()
    assert (copy.status, copy.owner_id) == ("published", school["teacher"].pk)

    # From their catalogue they assign the copy to their class, choosing class and dates.
    page = teacher.go("/lessons/")
    expect(page.get_by_text("Your own copy", exact=True)).to_be_visible()
    page.locator(".card").filter(has_text="Your own copy").get_by_role(
        "link", name=f"Assign {copy.title}"
    ).click()
    page.wait_for_url(f"**/lessons/{copy.pk}/assign/")
    teacher.check()
    page.get_by_label("Class").select_option(label=classroom.name)
    teacher.submit("Assign", exact=True)
    expect(page.get_by_role("status").first).to_contain_text(f"to {classroom.name}")
    mine = Assignment.objects.get(classroom=classroom)
    assert mine.lesson_id == copy.pk

    # The other teacher never sees the copy, and assigns the school's lesson.
    other = visit("teacher2")
    other.log_in("teacher2")
    page = other.go("/lessons/")
    expect(page.get_by_text("Your own copy", exact=True)).to_have_count(0)
    response = page.context.request.get(other.base + f"/lessons/{copy.pk}/")
    assert response.status == 404
    other.go(f"/lessons/{lesson.pk}/assign/")
    page.get_by_label("Class").select_option(label=other_class.name)
    other.submit("Assign", exact=True)
    theirs = Assignment.objects.get(classroom=other_class)
    assert theirs.lesson_id == lesson.pk

    # Each class's student reads their own version of the question.
    student = visit("student")
    student.log_in("student")
    page = student.go(f"/work/{mine.pk}/{study.position}/")
    expect(page.get_by_label(CHANGED)).to_be_visible()
    expect(page.get_by_text(original, exact=True)).to_have_count(0)

    classmate = visit("student2")
    classmate.log_in("student2")
    page = classmate.go(f"/work/{theirs.pk}/{study.position}/")
    expect(page.get_by_label(original, exact=True)).to_be_visible()
    expect(page.get_by_text(CHANGED)).to_have_count(0)

    # Archiving the copy takes it out of the teacher's catalogue; the class keeps reading it.
    page = teacher.go(f"/studio/lessons/{copy.pk}/checklist/")
    teacher.follow("Archive this lesson…")
    expect(page.get_by_text("Classes it is already assigned to keep it")).to_be_visible()
    teacher.submit("Archive", exact=True)
    expect(page.get_by_role("status").first).to_contain_text("Archived")
    page = teacher.go("/lessons/")
    expect(page.get_by_text("Your own copy", exact=True)).to_have_count(0)
    page = student.go(f"/work/{mine.pk}/{study.position}/")
    expect(page.get_by_label(CHANGED)).to_be_visible()
