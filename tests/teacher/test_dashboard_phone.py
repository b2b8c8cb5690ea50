"""The progress dashboard on a phone: a list of the shown students, each a summary with a
progress bar and flags opening to their modules' states (the table's times are on each
student's own page); and the students' own dates in its Late and Stuck filters."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coursework import dates
from coursework.models import Assignment
from tests.conftest import enroll, make_user
from tests.teacher.conftest import hand_in, make_overdue, page
from tests.teacher.test_teacher_dashboard import idle, open_first, shown_names, url


def items(html: str) -> dict[str, str]:
    """The phone list's items by the student's name as the page writes it."""
    listed = re.search(r'<ul class="student-list"[^>]*>(.*?)</ul>\s*</div>', html, re.S).group(1)
    found = re.findall(
        r'<li><details><summary><span class="student-name">(.*?)</span>(.*?)</details></li>',
        listed,
        re.S,
    )
    return dict(found)


def test_each_student_is_a_summary_with_a_progress_bar_opening_to_their_modules(
    as_teacher, assignment, student, classmate
):
    open_first(assignment, student)
    make_overdue(assignment)
    html = page(as_teacher.get(url(assignment)))
    listed = items(html)
    assert list(listed) == ["Amara Okafor", "Bruno Silva"]
    amara, bruno = listed["Amara Okafor"], listed["Bruno Silva"]
    assert (
        '<progress max="3" value="1" aria-label="Modules complete">33%</progress> 1 of 3 modules'
    ) in amara
    assert '<progress max="3" value="0" aria-label="Modules complete">0%</progress>' in bruno
    # Both unfinished after the due date: late, said in words beside the symbol.
    assert "Late</span></summary>" in amara and "Late</span></summary>" in bruno
    modules = [m.title for m in assignment.lesson.modules.order_by("position")]
    lines = re.findall(r'<li><span class="module-name">(.*?)</span> (.*?)</li>', amara, re.S)
    assert [name for name, _state in lines] == [f"{i}. {t}" for i, t in enumerate(modules, 1)]
    assert lines[0][1].strip().endswith("Complete</span>")
    assert lines[1][1].strip().endswith("Not started</span>")
    work = reverse("coursework:student-work", args=[assignment.pk, student.pk])
    assert f'<a href="{work}">Amara Okafor’s work</a>' in amara


def test_the_list_follows_the_filter_and_says_when_nobody_matches(
    as_teacher, assignment, student, classmate
):
    open_first(assignment, student)
    response = as_teacher.get(url(assignment, show="not-started"), headers={"HX-Request": "true"})
    assert list(items(page(response))) == ["Bruno Silva"]
    html = page(as_teacher.get(url(assignment, show="late")))
    assert '<p class="student-list">No students match this filter.</p>' in html


def test_the_list_escapes_names(as_teacher, classroom, assignment):
    enroll(classroom, make_user("sly", first_name="<img src=x>", last_name="Q"))
    html = page(as_teacher.get(url(assignment)))
    assert "&lt;img src=x&gt; Q" in items(html)
    assert "<img src=x>" not in html


def test_a_student_whose_own_due_date_passed_is_late_while_the_class_is_not(
    as_teacher, teacher, assignment, student, classmate
):
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=timezone.now() - timedelta(days=3),
        due_at=timezone.now() - timedelta(hours=1),
    )
    response = as_teacher.get(url(assignment, show="late"))
    assert shown_names(response) == ["Amara Okafor"]
    dates_page = reverse("coursework:student-dates", args=[assignment.pk])
    link = f'<a href="{dates_page}">Students\' dates</a>'
    assert f"1 student with their own dates. {link}" in page(response)
    hand_in(assignment, classmate)
    assert shown_names(as_teacher.get(url(assignment, show="late"))) == ["Amara Okafor"]


def test_a_student_never_started_is_stuck_from_their_own_open_date(
    as_teacher, teacher, assignment, student, classmate
):
    long_ago = timezone.now() - timedelta(days=10)
    Assignment.objects.filter(pk=assignment.pk).update(opens_at=long_ago, created_at=long_ago)
    # Amara's lesson opened for her yesterday only; Bruno has had it for ten days.
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=timezone.now() - timedelta(days=1),
        due_at=None,
    )
    assert shown_names(as_teacher.get(url(assignment, show="stuck"))) == ["Bruno Silva"]
    open_first(assignment, student)
    idle(assignment, student, days=5)
    assert shown_names(as_teacher.get(url(assignment, show="stuck"))) == [
        "Amara Okafor",
        "Bruno Silva",
    ]
