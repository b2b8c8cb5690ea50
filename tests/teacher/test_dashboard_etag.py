"""The progress dashboard and the gradebook answer 304 to a teacher who sends back the ETag
of the copy they hold, exactly while nothing they show has changed: any student's work, the
roster, a name, the assignment, or the time at which a student turns late or stuck. Access
is checked on every request."""

import re
from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Classroom
from coursework import grading, services
from coursework.freshness import DASHBOARD_BUCKET
from lessons.models import Criterion, Module
from tests.conftest import enroll, make_user, not_modified_queries
from tests.teacher.conftest import grade, hand_in, page


def url(assignment, **query) -> str:
    base = reverse("coursework:dashboard", args=[assignment.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def gradebook_url(classroom) -> str:
    return reverse("coursework:gradebook", args=[classroom.pk])


def row_of(html: str, name: str) -> str:
    return re.search(rf"{name}</a></th>(.*?)</tr>", html, re.S).group(1)


def held(client, address: str, **headers) -> str:
    """Load the page and check that its ETag is confirmed with a 304 and one query beyond
    the session and the user; the ETag."""
    response = client.get(address, headers=headers)
    assert response.status_code == 200
    etag = response["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(address, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304, "the same state did not give the same ETag"
    assert len(queries) == not_modified_queries(), [q["sql"] for q in queries]
    return etag


def changed(client, address: str, etag: str, **headers) -> str:
    """The page after a change: sent in full under a new ETag; its HTML."""
    response = client.get(address, headers={**headers, "If-None-Match": etag})
    assert response.status_code == 200, "a change kept the old ETag"
    assert response["ETag"] != etag
    return page(response)


# The progress dashboard ---------------------------------------------------------------------


def test_a_students_progress_yields_a_new_etag(as_teacher, assignment, student):
    etag = held(as_teacher, url(assignment))
    first = assignment.lesson.modules.get(position=1)
    services.module_open(assignment=assignment, student=student, module=first)
    after = row_of(changed(as_teacher, url(assignment), etag), "Amara Okafor")
    assert "✓</span> Complete" in after


def test_handed_in_and_graded_work_yield_new_etags(as_teacher, assignment, student, teacher):
    rubric = assignment.lesson.modules.get(kind=Module.Kind.ASSIGNMENT).rubric
    Criterion.objects.filter(rubric=rubric, title="Context").update(skill="contextualization")
    etag = held(as_teacher, url(assignment))
    submission = hand_in(assignment, student)
    handed_in = changed(as_teacher, url(assignment), etag)
    assert "Contextualization: 4.0 of 4." not in handed_in
    etag = held(as_teacher, url(assignment))
    grade(submission, teacher, [4, 3, 1, 4])  # the fourth criterion is context
    assert "Contextualization: 4.0 of 4." in changed(as_teacher, url(assignment), etag)


def test_joining_leaving_and_renaming_yield_new_etags(as_teacher, assignment, classroom, student):
    etag = held(as_teacher, url(assignment))
    newcomer = make_user("bruno", first_name="Bruno", last_name="Silva")
    enroll(classroom, newcomer)
    assert "Bruno Silva" in changed(as_teacher, url(assignment), etag)
    etag = held(as_teacher, url(assignment))
    newcomer.first_name = "Bruna"
    newcomer.save()
    assert "Bruna Silva" in changed(as_teacher, url(assignment), etag)
    etag = held(as_teacher, url(assignment))
    accounts_services.class_remove_student(classroom=classroom, student=newcomer)
    assert "Bruna Silva" not in changed(as_teacher, url(assignment), etag)


def test_each_filter_and_the_htmx_table_have_their_own_etags(as_teacher, assignment, student):
    etags = {
        held(as_teacher, url(assignment)),
        held(as_teacher, url(assignment), HX_Request="true"),
        held(as_teacher, url(assignment, show="late")),
        held(as_teacher, url(assignment, show="late"), HX_Request="true"),
    }
    assert len(etags) == 4
    response = as_teacher.get(url(assignment), headers={"HX-Request": "true"})
    assert "<html" not in page(response)
    assert "HX-Request" in response["Vary"] and "private" in response["Cache-Control"]


def test_a_removed_co_teacher_with_a_valid_etag_gets_404(client, assignment, classroom, student):
    coteacher = make_user("coteacher", role="teacher")
    classroom.teachers.add(coteacher)
    client.force_login(coteacher)
    etag = held(client, url(assignment))
    # A bulk removal sends no signal, so only the access check can refuse the held copy.
    Classroom.teachers.through.objects.filter(user=coteacher).delete()
    response = client.get(url(assignment), headers={"If-None-Match": etag})
    assert response.status_code == 404


def test_others_sending_the_teachers_etag_get_the_ordinary_answer(
    as_teacher, assignment, student, other_teacher
):
    etag = held(as_teacher, url(assignment))
    outsider = Client()
    outsider.force_login(other_teacher)
    assert outsider.get(url(assignment), headers={"If-None-Match": etag}).status_code == 404
    pupil = Client()
    pupil.force_login(student)
    assert pupil.get(url(assignment), headers={"If-None-Match": etag}).status_code == 403
    assert Client().get(url(assignment), headers={"If-None-Match": etag}).status_code == 302


def test_a_coteacher_with_the_other_teachers_etag_gets_their_own_page(
    as_teacher, assignment, classroom, student
):
    coteacher = make_user("coteacher", role="teacher")
    classroom.teachers.add(coteacher)
    etag = held(as_teacher, url(assignment))
    browser = Client()
    browser.force_login(coteacher)
    response = browser.get(url(assignment), headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_a_withdrawn_assignment_with_a_valid_etag_is_404(as_teacher, assignment, student):
    etag = held(as_teacher, url(assignment))
    services.assignment_withdraw(assignment=assignment)
    assert as_teacher.get(url(assignment), headers={"If-None-Match": etag}).status_code == 404


def test_the_due_date_passing_yields_a_new_etag(as_teacher, assignment, student):
    etag = held(as_teacher, url(assignment))
    later = assignment.due_at + timedelta(seconds=1)
    # Well inside one time bucket, so only the due date tells the two apart.
    with mock.patch("django.utils.timezone.now", return_value=later - timedelta(seconds=2)):
        before = held(as_teacher, url(assignment))
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = changed(as_teacher, url(assignment), before)
    assert "Late</span>" in row_of(html, "Amara Okafor")
    assert etag


def test_a_student_turns_stuck_within_one_time_bucket(as_teacher, assignment, student):
    first = assignment.lesson.modules.get(position=1)
    study = assignment.lesson.modules.exclude(kind=Module.Kind.BACKGROUND).first()
    services.module_open(assignment=assignment, student=student, module=first)
    services.module_open(assignment=assignment, student=student, module=study)
    etag = held(as_teacher, url(assignment))
    later = timezone.now() + timedelta(days=3) + DASHBOARD_BUCKET
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = changed(as_teacher, url(assignment), etag)
    assert "Stuck</span>" in row_of(html, "Amara Okafor")


# The gradebook ------------------------------------------------------------------------------


def test_gradebook_same_state_gives_304_and_a_grade_returned_a_new_etag(
    as_teacher, assignment, classroom, student, teacher
):
    submission = hand_in(assignment, student)
    grade(submission, teacher, [4, 3, 2, 1])
    etag = held(as_teacher, gradebook_url(classroom))
    grading.grade_return(submission=submission)
    assert "10" in changed(as_teacher, gradebook_url(classroom), etag)


def test_gradebook_roster_name_and_class_changes_yield_new_etags(
    as_teacher, assignment, classroom, student
):
    address = gradebook_url(classroom)
    etag = held(as_teacher, address)
    newcomer = make_user("bruno", first_name="Bruno", last_name="Silva")
    enroll(classroom, newcomer)
    assert "Bruno" in changed(as_teacher, address, etag)
    etag = held(as_teacher, address)
    student.last_name = "Okafor-Diallo"
    student.save()
    assert "Okafor-Diallo" in changed(as_teacher, address, etag)
    etag = held(as_teacher, address)
    accounts_services.class_rename(classroom=classroom, name="History 11")
    assert "History 11" in changed(as_teacher, address, etag)
    etag = held(as_teacher, address)
    services.assignment_withdraw(assignment=assignment)
    assert assignment.lesson.title not in changed(as_teacher, address, etag)


def test_gradebook_due_date_passing_yields_a_new_etag(as_teacher, assignment, classroom):
    etag = held(as_teacher, gradebook_url(classroom))
    with mock.patch("django.utils.timezone.now", return_value=assignment.due_at + timedelta(1)):
        changed(as_teacher, gradebook_url(classroom), etag)


def test_gradebook_etag_is_refused_to_anyone_else(
    as_teacher, classroom, student, other_teacher, coteacher
):
    etag = held(as_teacher, gradebook_url(classroom))
    browser = Client()
    browser.force_login(other_teacher)
    assert browser.get(gradebook_url(classroom), headers={"If-None-Match": etag}).status_code == (
        404
    )
    browser.force_login(student)
    assert browser.get(gradebook_url(classroom), headers={"If-None-Match": etag}).status_code == (
        403
    )
    coteacher_etag = held(browser_for(coteacher), gradebook_url(classroom))
    assert coteacher_etag != etag


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser
