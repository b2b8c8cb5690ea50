"""A student's own dates for an assignment: given and cleared by the class's teachers, used
for opening, late marks, the dashboard's Late filter, the class page and the student's home."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from coursework import dates, services
from coursework.access import assignment_for_student
from coursework.models import StudentDates, Submission, WorkStamp
from tests.conftest import enroll, make_user
from tests.coursework.conftest import READING, WRITE, module_url, page


def dates_url(assignment) -> str:
    return reverse("coursework:student-dates", args=[assignment.pk])


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def overdue(assignment):
    """The assignment, due yesterday for the class."""
    type(assignment).objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    assignment.refresh_from_db()
    return assignment


def test_dates_for_falls_back_to_the_assignment_and_prefers_the_students_own(
    assignment, student, classmate, teacher
):
    assert dates.dates_for(assignment, student) == dates.Dates(None, assignment.due_at)
    later = timezone.now() + timedelta(days=20)
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=None,
        due_at=later,
    )
    assert dates.dates_for(assignment, student) == dates.Dates(None, later, own=True)
    assert dates.dates_for(assignment, classmate).due_at == assignment.due_at
    by_student = dates.class_dates(assignment)
    assert by_student.of(student.pk).due_at == later
    assert by_student.of(classmate.pk).due_at == assignment.due_at
    annotated = dates.with_student_dates(type(assignment).objects.filter(pk=assignment.pk), student)
    assert annotated.get().student_due_at == later
    assert annotated.get().has_own_dates
    other = dates.with_student_dates(type(assignment).objects.filter(pk=assignment.pk), classmate)
    assert other.get().student_due_at == assignment.due_at


def test_class_dates_is_one_query_whatever_the_class_size(
    assignment, classroom, teacher, django_assert_num_queries
):
    students = [make_user(f"s{i}") for i in range(12)]
    enroll(classroom, *students)
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[s.pk for s in students],
        teacher=teacher,
        opens_at=None,
        due_at=None,
    )
    with django_assert_num_queries(1):
        found = dates.class_dates(assignment)
    assert len(found) == 12


def test_teacher_gives_one_student_later_dates_on_the_page(
    client, teacher, overdue, student, classmate
):
    client.force_login(teacher)
    response = client.get(dates_url(overdue))
    assert response.status_code == 200
    assert student.display_name in page(response)
    later = timezone.now() + timedelta(days=5)
    response = client.post(
        dates_url(overdue),
        {"students": [student.pk], "due_at": local(later), "action": "set"},
        follow=True,
    )
    assert response.redirect_chain == [(dates_url(overdue), 302)]
    assert "Gave 1 student their own dates." in page(response)
    own = StudentDates.objects.get(assignment=overdue, student=student)
    assert own.due_at.replace(second=0, microsecond=0) == later.replace(second=0, microsecond=0)
    assert own.set_by == teacher
    assert not StudentDates.objects.filter(student=classmate).exists()
    assert "Own" in page(client.get(dates_url(overdue)))


def test_clearing_puts_the_student_back_on_the_class_dates(
    client, teacher, assignment, student, classmate
):
    dates.set_student_dates(
        assignment=assignment, student_ids=[student.pk], teacher=teacher, opens_at=None, due_at=None
    )
    client.force_login(teacher)
    response = client.post(
        dates_url(assignment),
        {"students": [student.pk, classmate.pk], "action": "clear"},
        follow=True,
    )
    assert "Cleared the own dates of 1 of 2 students chosen." in page(response)
    assert not StudentDates.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "set"}, "Tick the students these dates are for."),
        ({"students": ["999999"], "action": "set"}, "Choose students of this class only."),
        ({"students": ["STUDENT"], "action": "bogus"}, "Choose to give or to clear dates."),
        (
            {"students": ["STUDENT"], "action": "set", "due_at": "tomorrow"},
            "Enter a valid date/time.",
        ),
        (
            {
                "students": ["STUDENT"],
                "action": "set",
                "opens_at": "2030-05-02T10:00",
                "due_at": "2030-05-01T10:00",
            },
            "The due date is before the lesson opens.",
        ),
    ],
)
def test_bad_dates_are_refused_with_a_message_and_change_nothing(
    client, teacher, assignment, student, data, message
):
    data = {
        k: [str(student.pk) if x == "STUDENT" else x for x in v] if isinstance(v, list) else v
        for k, v in data.items()
    }
    client.force_login(teacher)
    response = client.post(dates_url(assignment), data)
    assert response.status_code == 400
    assert message in page(response)
    assert not StudentDates.objects.exists()


def test_a_student_of_another_class_cannot_be_given_dates(
    client, teacher, assignment, other_student
):
    client.force_login(teacher)
    response = client.post(dates_url(assignment), {"students": [other_student.pk], "action": "set"})
    assert response.status_code == 400
    assert not StudentDates.objects.exists()


def test_only_the_class_teachers_reach_the_page(
    client, assignment, student, other_teacher, teacher
):
    for user, status in ((student, 403), (other_teacher, 404)):
        client.force_login(user)
        assert client.get(dates_url(assignment)).status_code == status
        assert (
            client.post(
                dates_url(assignment), {"students": [student.pk], "action": "set"}
            ).status_code
            == status
        )
    assert not StudentDates.objects.exists()
    client.logout()
    assert client.get(dates_url(assignment)).status_code == 302


def test_a_student_whose_own_open_date_has_not_come_is_refused_like_the_class(
    client, teacher, assignment, student, classmate
):
    later = timezone.now() + timedelta(days=2)
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=later,
        due_at=None,
    )
    client.force_login(student)
    assert client.get(module_url(assignment, READING)).status_code == 403
    with pytest.raises(PermissionDenied, match="This lesson opens on"):
        assignment_for_student(student, assignment.pk)
    client.force_login(classmate)
    assert client.get(module_url(assignment, READING)).status_code == 200


def test_a_student_whose_own_open_date_is_earlier_opens_before_the_class(
    client, teacher, assignment, student, classmate
):
    type(assignment).objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() + timedelta(days=1)
    )
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=timezone.now() - timedelta(hours=1),
        due_at=None,
    )
    client.force_login(student)
    assert client.get(module_url(assignment, READING)).status_code == 200
    assert assignment_for_student(student, assignment.pk).due_at is None
    client.force_login(classmate)
    assert client.get(module_url(assignment, READING)).status_code == 403


def _hand_in(assignment, student):
    module = assignment.lesson.modules.get(position=WRITE)
    submission = services.draft_save(
        assignment=assignment, student=student, module=module, text="My essay.", revision=0
    )
    return services.submission_submit(submission=submission, revision=submission.revision)


def test_hand_in_is_late_by_the_students_own_due_date(teacher, overdue, student, classmate):
    dates.set_student_dates(
        assignment=overdue,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=None,
        due_at=timezone.now() + timedelta(days=3),
    )
    assert _hand_in(overdue, student).late is False
    assert _hand_in(overdue, classmate).late is True
    assert Submission.objects.get(student=student).versions.get().late is False


def test_dashboard_late_filter_and_class_page_use_own_dates(
    client, teacher, overdue, student, classmate
):
    dates.set_student_dates(
        assignment=overdue,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=None,
        due_at=timezone.now() + timedelta(days=3),
    )
    client.force_login(teacher)
    response = client.get(reverse("coursework:dashboard", args=[overdue.pk]) + "?show=late")
    assert [row.student.pk for row in response.context["board"].rows] == [classmate.pk]
    from coursework.selectors import class_assignments

    (row,) = class_assignments(overdue.classroom)
    assert row.late_students == [classmate]
    assert row.own_dates_count == 1


def test_the_students_home_shows_their_own_due_date_and_classmates_see_the_class_one(
    client, teacher, assignment, student, classmate
):
    own = timezone.now() + timedelta(days=30)
    dates.set_student_dates(
        assignment=assignment, student_ids=[student.pk], teacher=teacher, opens_at=None, due_at=own
    )
    client.force_login(student)
    home = page(client.get(reverse("coursework:home")))
    own_text = timezone.localtime(own).strftime("%-d %b")
    class_text = timezone.localtime(assignment.due_at).strftime("%-d %b")
    assert own_text in home
    assert class_text not in home
    client.force_login(classmate)
    home = page(client.get(reverse("coursework:home")))
    assert class_text in home
    assert own_text not in home


def test_changing_a_students_dates_gives_their_pages_new_etags(
    client, teacher, assignment, student, classmate
):
    urls = [reverse("coursework:home"), module_url(assignment, READING)]
    client.force_login(student)
    for url in urls:
        client.get(url)  # the first visit records progress
    before = {url: client.get(url)["ETag"] for url in urls}
    stamp = WorkStamp.objects.get(assignment=assignment, student=student).stamp
    dates.set_student_dates(
        assignment=assignment,
        student_ids=[student.pk],
        teacher=teacher,
        opens_at=None,
        due_at=timezone.now() + timedelta(days=9),
    )
    assert WorkStamp.objects.get(assignment=assignment, student=student).stamp != stamp
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=before[url])
        assert response.status_code == 200, url
        assert response["ETag"] != before[url]
    after = {url: client.get(url)["ETag"] for url in urls}
    dates.clear_student_dates(assignment=assignment, student_ids=[student.pk])
    for url in urls:
        assert client.get(url, HTTP_IF_NONE_MATCH=after[url]).status_code == 200, url
