"""The teacher's class page in a real browser: its tabs are links that work without
JavaScript, removing a student is confirmed first, and the progress dashboard of a
demo-size class fits a 1280 px screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Enrollment, User
from coursework import services
from tests.browser.conftest import class_with
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

DEMO_CLASS_SIZE = 24


def demo_class(school):
    students = [school["student"], school["classmate"]] + [
        User.objects.create_user(
            f"pupil{i}", password=PASSWORD, first_name="Alexandra", last_name=f"Konstantinova {i}"
        )
        for i in range(DEMO_CLASS_SIZE - 2)
    ]
    classroom = class_with(school["teacher"], *students)
    assignment = services.assignment_create(
        classroom=classroom,
        lesson=school["lesson"],
        teacher=school["teacher"],
        due_at=timezone.now() + timedelta(days=7),
    )
    return classroom, assignment


def test_the_tabs_work_without_javascript_and_removal_is_confirmed(visit, school):
    classroom, _ = demo_class(school)
    teacher = visit("teacher", javascript=False)
    teacher.log_in("teacher")
    page = teacher.go(classroom.get_absolute_url())
    tabs = page.get_by_role("navigation", name="Class sections")
    expect(tabs.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    page = teacher.follow("Roster")
    expect(page).to_have_url(teacher.base + reverse("accounts:class-roster", args=[classroom.pk]))
    expect(tabs.get_by_role("link", name="Roster")).to_have_attribute("aria-current", "page")
    page = teacher.follow("Remove Amara Okafor")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Remove Amara Okafor from {classroom.name}?"
    )
    expect(page.get_by_text("Their work is kept")).to_be_visible()
    assert Enrollment.objects.active().filter(student=school["student"]).exists()
    page = teacher.submit("Remove Amara Okafor")
    expect(page.get_by_text("Removed Amara Okafor from")).to_be_visible()
    assert not Enrollment.objects.active().filter(student=school["student"]).exists()
    page = teacher.follow("Settings")
    expect(page.get_by_role("button", name="Rename")).to_be_visible()


def test_the_dashboard_fits_1280_px_and_shows_the_students_at_390_px(visit, school):
    _, assignment = demo_class(school)
    teacher = visit("teacher")
    teacher.log_in("teacher")
    page = teacher.go(reverse("coursework:dashboard", args=[assignment.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    wrapper = page.locator("#board .table-scroll")
    assert wrapper.evaluate("el => el.scrollWidth <= el.clientWidth"), wrapper.evaluate(
        "el => [el.scrollWidth, el.clientWidth]"
    )
    # A module's full title shows on keyboard focus, not only on hover.
    head = page.locator(".module-head").first
    tip = head.locator(".module-tip")
    expect(tip).to_be_hidden()
    head.focus()
    expect(tip).to_be_visible()
    # The student column stays in view.
    assert page.locator("#board tbody th").first.evaluate(
        "el => getComputedStyle(el).position"
    ) == ("sticky")

    page.set_viewport_size({"width": 390, "height": 800})
    teacher.go(reverse("coursework:dashboard", args=[assignment.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The table becomes a list of students, each with a progress bar.
    expect(page.locator("#board .table-scroll")).to_be_hidden()
    for name in ("Amara Okafor", "Alexandra Konstantinova 21"):
        summary = page.locator(".student-list summary").filter(has_text=name)
        expect(summary).to_be_visible()
        expect(summary.get_by_role("progressbar", name="Modules complete")).to_be_visible()
