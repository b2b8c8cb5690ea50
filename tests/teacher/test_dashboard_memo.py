"""The progress dashboard is remembered between requests (coursework.pages) and is sent
again only while nothing it shows has changed: any student's work, the roster, the
assignment, or the time at which a student turns late or stuck."""

import re
from datetime import timedelta
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from coursework import pages, services
from lessons.models import Criterion, Module
from tests.conftest import enroll, make_user, memo_hit_queries
from tests.teacher.conftest import grade, hand_in, page


def url(assignment, **query) -> str:
    base = reverse("coursework:dashboard", args=[assignment.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def without_token(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")\w+', r"\1", html)


def row_of(html: str, name: str) -> str:
    return re.search(rf"{name}</a></th>(.*?)</tr>", html, re.S).group(1)


def remembered(as_teacher, assignment, **query) -> str:
    """Load the dashboard so it is remembered; its HTML."""
    html = page(as_teacher.get(url(assignment, **query)))
    assert len(pages.memo) >= 1
    return html


def test_a_second_load_is_sent_from_memory_with_three_queries(
    as_teacher, assignment, student, django_assert_num_queries
):
    first = remembered(as_teacher, assignment)
    with django_assert_num_queries(memo_hit_queries()):
        second = page(as_teacher.get(url(assignment)))
    assert without_token(second) == without_token(first)
    assert "Amara Okafor" in second


def test_a_students_progress_shows_on_the_next_load(as_teacher, assignment, student):
    before = row_of(remembered(as_teacher, assignment), "Amara Okafor")
    assert before.count("Not started") == 3
    first = assignment.lesson.modules.get(position=1)
    services.module_open(assignment=assignment, student=student, module=first)
    after = row_of(page(as_teacher.get(url(assignment))), "Amara Okafor")
    assert "✓</span> Complete" in after
    assert after.count("Not started") == 2


def test_handed_in_and_graded_work_shows_on_the_next_load(as_teacher, assignment, student, teacher):
    rubric = assignment.lesson.modules.get(kind=Module.Kind.ASSIGNMENT).rubric
    Criterion.objects.filter(rubric=rubric, title="Context").update(skill="contextualization")
    remembered(as_teacher, assignment)
    submission = hand_in(assignment, student)
    handed_in = page(as_teacher.get(url(assignment)))
    assert "✓</span> Complete" in row_of(handed_in, "Amara Okafor")
    assert "Contextualization: 4.0 of 4." not in handed_in
    grade(submission, teacher, [4, 3, 1, 4])  # the fourth criterion is context
    graded = page(as_teacher.get(url(assignment)))
    assert "Contextualization: 4.0 of 4." in graded


def test_joining_and_leaving_the_class_show_on_the_next_load(
    as_teacher, assignment, classroom, student
):
    assert "Bruno Silva" not in remembered(as_teacher, assignment)
    newcomer = make_user("bruno", first_name="Bruno", last_name="Silva")
    enroll(classroom, newcomer)
    assert "Bruno Silva" in page(as_teacher.get(url(assignment)))
    accounts_services.class_remove_student(classroom=classroom, student=newcomer)
    assert "Bruno Silva" not in page(as_teacher.get(url(assignment)))


def test_each_filter_and_the_htmx_table_are_remembered_apart(as_teacher, assignment, student):
    full = remembered(as_teacher, assignment)
    partial = page(as_teacher.get(url(assignment), headers={"HX-Request": "true"}))
    late = page(as_teacher.get(url(assignment, show="late")))
    assert "<html" in full and "<html" not in partial and "Amara Okafor" in partial
    assert "Amara Okafor" not in row_or_empty(late)
    # Each again, now from memory, is still its own page.
    assert "<html" not in page(as_teacher.get(url(assignment), headers={"HX-Request": "true"}))
    assert "<html" in page(as_teacher.get(url(assignment)))
    assert without_token(page(as_teacher.get(url(assignment, show="late")))) == without_token(late)


def row_or_empty(html: str) -> str:
    table = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return table.group(1) if table else ""


def test_a_removed_co_teacher_loses_the_remembered_dashboard_at_once(
    client, assignment, classroom, student
):
    coteacher = make_user("coteacher", role="teacher")
    classroom.teachers.add(coteacher)
    client.force_login(coteacher)
    assert client.get(url(assignment)).status_code == 200
    assert client.get(url(assignment)).status_code == 200  # from memory
    classroom.teachers.remove(coteacher)
    assert client.get(url(assignment)).status_code == 404


def test_others_get_the_ordinary_answer_while_the_page_is_remembered(
    as_teacher, assignment, student, other_teacher
):
    remembered(as_teacher, assignment)
    outsider = Client()
    outsider.force_login(other_teacher)
    assert outsider.get(url(assignment)).status_code == 404
    pupil = Client()
    pupil.force_login(student)
    assert pupil.get(url(assignment)).status_code == 403
    assert Client().get(url(assignment)).status_code == 302


def test_a_withdrawn_assignment_is_not_sent_from_memory(as_teacher, assignment, student):
    remembered(as_teacher, assignment)
    services.assignment_withdraw(assignment=assignment)
    assert as_teacher.get(url(assignment)).status_code == 404


def test_the_due_date_passing_turns_unfinished_students_late(as_teacher, assignment, student):
    assert "Late</span>" not in row_of(remembered(as_teacher, assignment), "Amara Okafor")
    later = assignment.due_at + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = page(as_teacher.get(url(assignment)))
    assert "Late</span>" in row_of(html, "Amara Okafor")


def test_a_student_turns_stuck_when_the_idle_days_pass(as_teacher, assignment, student):
    first = assignment.lesson.modules.get(position=1)
    study = assignment.lesson.modules.exclude(kind=Module.Kind.BACKGROUND).first()
    services.module_open(assignment=assignment, student=student, module=first)
    services.module_open(assignment=assignment, student=student, module=study)
    assert "Stuck</span>" not in row_of(remembered(as_teacher, assignment), "Amara Okafor")
    later = timezone.now() + timedelta(days=3, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = page(as_teacher.get(url(assignment)))
    assert "Stuck</span>" in row_of(html, "Amara Okafor")
