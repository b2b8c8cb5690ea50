"""A student's own dates in a real browser: the teacher gives one student more time on the
students' dates page, the class's due date passes, and on the progress dashboard (at 1280 px
and as a phone's list of students at 390 px) that student is not late while a classmate
is; the gradebook shows the student's own due date, the grading screen their accommodation
note, and the student sees their own due date."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Enrollment
from coursework import services
from coursework.models import Assignment, StudentDates
from tests.browser.conftest import class_with

pytestmark = pytest.mark.browser


def shown(value) -> str:
    """A time as the pages' date filter "D j M, H:i" writes it."""
    return timezone.localtime(value).strftime("%a %-d %b, %H:%M")


def hand_in(assignment, student, text: str) -> None:
    module = assignment.lesson.modules.get(kind="assignment")
    draft = services.draft_save(
        assignment=assignment, student=student, module=module, text=text, revision=0
    )
    services.submission_submit(submission=draft, revision=draft.revision)


def test_one_student_given_more_time_is_not_late_when_the_class_is(visit, school):
    amara, ben = school["student"], school["classmate"]
    classroom = class_with(school["teacher"], amara, ben)
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=school["lesson"],
        teacher=school["teacher"],
        due_at=timezone.now() + timedelta(days=2),
    )
    own_due = (timezone.localtime() + timedelta(days=5)).replace(second=0, microsecond=0)

    # The teacher opens the students' dates page from the class's Assignments tab.
    teacher = visit("teacher")
    teacher.log_in("teacher")
    teacher.go(reverse("accounts:class-assignments", args=[classroom.pk]))
    page = teacher.follow("Students' dates")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Students' dates: {school['lesson'].title}"
    )
    # Nobody ticked: refused, said at the top and by the list, and nothing is given.
    page.get_by_label("Due", exact=True).fill(own_due.strftime("%Y-%m-%dT%H:%M"))
    teacher.submit("Give these dates")
    expect(page.locator(".errorlist").first).to_contain_text(
        "Tick the students these dates are for."
    )
    assert not StudentDates.objects.exists()
    # Amara gets her own due date.
    page.locator("#student-dates-form").get_by_label("Amara Okafor").check()
    page.get_by_label("Due", exact=True).fill(own_due.strftime("%Y-%m-%dT%H:%M"))
    teacher.submit("Give these dates")
    expect(page.locator(".message")).to_contain_text("Gave 1 student their own dates.")
    amara_row = page.get_by_role("row").filter(has_text="Amara Okafor")
    expect(amara_row).to_contain_text(shown(own_due))
    expect(amara_row.get_by_text("Own").first).to_be_visible()
    assert StudentDates.objects.get(student=amara).due_at == own_due

    # The class's due date passes; Amara hands in her essay in her own time.
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=2))
    hand_in(assignment, amara, "The trials were staged; the confessions were forced.")
    Enrollment.objects.filter(classroom=classroom, student=amara).update(accommodation="Extra time")

    # The dashboard at 1280 px: Ben is late, Amara is not.
    dashboard = reverse("coursework:dashboard", args=[assignment.pk])
    page = teacher.go(dashboard)
    rows = page.locator("#board tbody tr")
    expect(rows.filter(has_text="Ben Schmidt").locator(".flag-late")).to_be_visible()
    expect(rows.filter(has_text="Amara Okafor").locator(".flag-late")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page = teacher.go(dashboard + "?show=late")
    expect(page.locator("#board tbody tr")).to_have_count(1)
    expect(page.locator("#board tbody tr")).to_contain_text("Ben Schmidt")

    # At 390 px the board is a list of students with progress bars; each opens to its modules.
    page.set_viewport_size({"width": 390, "height": 800})
    page = teacher.go(dashboard)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#board .table-scroll")).to_be_hidden()
    summaries = page.locator(".student-list summary")
    expect(summaries).to_have_count(2)
    for name in ("Amara Okafor", "Ben Schmidt"):
        bar = summaries.filter(has_text=name).get_by_role("progressbar", name="Modules complete")
        expect(bar).to_be_visible()
    expect(summaries.filter(has_text="Ben Schmidt").locator(".flag-late")).to_be_visible()
    expect(summaries.filter(has_text="Amara Okafor").locator(".flag-late")).to_have_count(0)
    amara_item = page.locator(".student-list > li").filter(has_text="Amara Okafor")
    modules = amara_item.locator(".module-states li")
    expect(modules.first).to_be_hidden()
    summaries.filter(has_text="Amara Okafor").click()
    expect(modules).to_have_count(school["lesson"].modules.count())
    expect(modules.first).to_be_visible()
    expect(amara_item.get_by_role("link", name="Amara Okafor’s work")).to_be_visible()
    teacher.check()  # the list opened, checked again
    page.set_viewport_size({"width": 1280, "height": 900})

    # The gradebook gives Amara's own due date; the grading screen her accommodation note.
    page = teacher.go(reverse("coursework:gradebook", args=[classroom.pk]))
    amara_cells = page.get_by_role("row").filter(has_text="Amara Okafor")
    expect(amara_cells.locator(".own-due")).to_have_text(
        f"own due {own_due.day} {own_due.strftime('%b')}"
    )
    expect(
        page.get_by_role("row").filter(has_text="Ben Schmidt").locator(".own-due")
    ).to_have_count(0)
    submission = assignment.submissions.get(student=amara)
    page = teacher.go(reverse("coursework:grade", args=[assignment.pk, submission.pk]))
    expect(page.locator(".accommodation-note")).to_have_text("Accommodation: Extra time")
    expect(page.get_by_role("heading", name="Response")).to_be_visible()
    assert not submission.late

    # Amara sees her own due date, never the class's.
    student = visit("student")
    student.log_in("student")
    page = student.page
    expect(page.get_by_text(f"Due {shown(own_due)}").first).to_be_visible()
    class_due = Assignment.objects.get(pk=assignment.pk).due_at
    expect(page.get_by_text(shown(class_due))).to_have_count(0)
