"""Grade passback: returning a grade posts its score, maximum and comment to the LMS's grade
column through Assignment and Grade Services, as a background job with retries."""

# ruff: noqa: F811 - the fixtures are imported from platform_services and the shared casts

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coursework import grading
from lms import passback as passback_module
from lms.models import ScorePassback
from lms.passback import MAX_ATTEMPTS, passback_send, retry_delay
from tests.conftest import make_user
from tests.lessons.conftest import document, draft_lesson, published_lesson  # noqa: F401
from tests.lms.platform_services import (  # noqa: F401
    COMMENT,
    CONNECTION_REFUSED,
    SCORE_SCOPE,
    commits,
    graded,
    linked,
    lms_identity,
    placed,
    platform,
    regrade,
    tool_key,
)
from tests.teacher.conftest import assignment, third  # noqa: F401


def test_returning_a_grade_posts_its_score_maximum_and_comment(
    platform, placed, assignment, student, teacher, commits
):
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))

    (score,) = platform.scores
    assert score["userId"] == "u-amara"
    assert score["scoreGiven"] == 10
    assert score["scoreMaximum"] == 16
    assert score["comment"] == COMMENT
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    submission.refresh_from_db()
    assert score["timestamp"] == submission.returned_at.isoformat(timespec="milliseconds")
    (token_request,) = platform.token_requests
    assert token_request["scope"] == SCORE_SCOPE

    passback = ScorePassback.objects.get()
    assert passback.state == ScorePassback.State.SENT
    assert (passback.score, passback.maximum, passback.attempts) == (10, 16, 1)
    assert passback.sent_at is not None and passback.last_error == ""


def test_regrading_returned_work_sends_the_new_score_on_the_same_row(
    platform, placed, assignment, student, teacher, commits
):
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    first = ScorePassback.objects.get()

    commits(lambda: regrade(submission, teacher, [4, 4, 4, 4], "Revised after our talk."))

    assert [s["scoreGiven"] for s in platform.scores] == [10, 16]
    assert platform.scores[1]["comment"] == "Revised after our talk."
    assert platform.scores[1]["timestamp"] > platform.scores[0]["timestamp"]
    passback = ScorePassback.objects.get()
    assert passback.pk == first.pk
    assert (passback.state, passback.score) == (ScorePassback.State.SENT, 16)


def test_returning_all_sends_each_students_score(
    platform, placed, assignment, student, third, teacher, commits
):
    lms_identity(third, "u-chidi", platform.registration)
    submissions = [
        graded(assignment, student, teacher),
        graded(assignment, third, teacher, points=(1, 1, 1, 1), comment=""),
    ]
    assert commits(lambda: grading.grade_return_all(submissions=submissions)) == 2
    sent = {score["userId"]: score for score in platform.scores}
    assert sent["u-amara"]["scoreGiven"] == 10
    assert sent["u-chidi"]["scoreGiven"] == 4
    assert "comment" not in sent["u-chidi"]  # no comment, none sent
    assert set(ScorePassback.objects.values_list("state", flat=True)) == {"sent"}


def test_nothing_is_sent_for_a_student_or_an_assignment_the_lms_does_not_know(
    platform, placed, assignment, student, teacher, classroom, commits
):
    stranger = make_user("stranger", first_name="Sam", last_name="Lee")
    classroom.enrollments.create(student=stranger)
    submission = graded(assignment, stranger, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    placed.delete()
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    assert platform.scores == [] and platform.token_requests == []
    assert not ScorePassback.objects.exists()


def test_a_refusal_fails_at_once_with_the_lms_reason(
    platform, placed, assignment, student, teacher, commits
):
    platform.score_statuses = [422]
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    passback = ScorePassback.objects.get()
    assert passback.state == ScorePassback.State.FAILED
    assert passback.attempts == 1
    assert passback.last_error.startswith("the LMS answered 422 Unprocessable")
    assert "User not found in course" in passback.last_error
    assert platform.score_attempts == 1  # not tried again
    assert passback_send(passback_id=passback.pk) == "already failed"


def test_a_platform_that_stays_down_is_retried_up_to_the_limit_then_failed(
    platform, placed, assignment, student, teacher, commits
):
    # Without a worker the retries run at once; the database worker's test has the delays.
    platform.score_statuses = [500, CONNECTION_REFUSED] + [503] * MAX_ATTEMPTS
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    passback = ScorePassback.objects.get()
    assert passback.state == ScorePassback.State.FAILED
    assert passback.attempts == MAX_ATTEMPTS
    assert passback.last_error == (
        "the LMS answered 503 Service Unavailable: Internal error "
        f"(gave up after {MAX_ATTEMPTS} tries)"
    )
    assert platform.score_attempts == MAX_ATTEMPTS
    assert platform.scores == []


def test_the_waits_between_tries_grow():
    waits = [retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert len(set(waits)) == MAX_ATTEMPTS - 1


def test_a_send_overtaken_by_a_regrade_leaves_the_regrades_row_queued(
    platform, placed, assignment, student, teacher, commits, monkeypatch
):
    """A regrade while a send is under way: the send's outcome is not written over the
    regrade's queued row, whose own job sends the new score."""
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    ScorePassback.objects.update(state="queued")
    real_post = passback_module._post

    def post_while_regraded(row):
        real_post(row)
        ScorePassback.objects.filter(pk=row.pk).update(
            score=16, updated_at=timezone.now() + timedelta(seconds=1)
        )

    monkeypatch.setattr(passback_module, "_post", post_while_regraded)
    assert passback_send(passback_id=ScorePassback.objects.get().pk) == "sent"
    passback = ScorePassback.objects.get()
    assert (passback.state, passback.score) == (ScorePassback.State.QUEUED, 16)


def test_the_gradebook_shows_each_cells_passback_state(
    client, platform, placed, assignment, student, third, teacher, commits
):
    lms_identity(third, "u-chidi", platform.registration)
    platform.score_statuses = [403]
    refused = graded(assignment, third, teacher)
    commits(lambda: grading.grade_return(submission=refused))
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    client.force_login(teacher)
    page = client.get(reverse("coursework:gradebook", args=[assignment.classroom_id]))
    html = page.content.decode()
    assert html.count("Sent to LMS") == 1
    assert html.count("LMS: failed") == 1
    assert "the LMS answered 403 Forbidden" in html

    ScorePassback.objects.filter(submission=submission).update(
        state="retrying", last_error="the LMS could not be reached"
    )
    html = client.get(reverse("coursework:gradebook", args=[assignment.classroom_id])).content
    assert b"Retrying" in html and b"Sent to LMS" not in html


def gradebook_queries(client, classroom) -> list[str]:
    url = reverse("coursework:gradebook", args=[classroom.pk])
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_gradebooks_states_cost_one_query_whatever_the_class_size(
    client, platform, placed, assignment, student, teacher, classroom, commits
):
    client.force_login(teacher)
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    small = gradebook_queries(client, classroom)
    assert sum("lms_scorepassback" in sql for sql in small) == 1
    for number in range(5):
        person = make_user(f"extra{number}")
        classroom.enrollments.create(student=person)
        lms_identity(person, f"u-extra{number}", platform.registration)
        work = graded(assignment, person, teacher)
        commits(lambda work=work: grading.grade_return(submission=work))
    assert ScorePassback.objects.filter(state="sent").count() == 6
    assert len(gradebook_queries(client, classroom)) == len(small)


def test_a_gradebook_without_passbacks_reads_none_and_shows_the_first_once_queued(
    client, platform, placed, assignment, student, teacher, classroom, commits
):
    client.force_login(teacher)
    assert not any("lms_scorepassback" in sql for sql in gradebook_queries(client, classroom))
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    url = reverse("coursework:gradebook", args=[classroom.pk])
    assert "Sent to LMS" in client.get(url).content.decode()


def test_a_change_of_state_moves_the_gradebooks_etag(
    client, platform, placed, assignment, student, teacher, classroom, commits, settings
):
    # Jobs wait in a queue no worker runs, so the page first sees the row queued.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    client.force_login(teacher)
    url = reverse("coursework:gradebook", args=[classroom.pk])
    first = client.get(url)
    assert "Sending to LMS" in first.content.decode()
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304

    assert passback_send(passback_id=ScorePassback.objects.get().pk) == "sent"
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Sent to LMS" in again.content.decode()


def test_nothing_is_sent_through_a_switched_off_deployment(
    platform, placed, assignment, student, teacher, linked, commits
):
    deployment = linked.context.deployment
    deployment.is_active = False
    deployment.save()
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    assert not ScorePassback.objects.exists()
    assert platform.token_requests == []


def test_the_return_button_on_the_grading_screen_sends_the_score(
    client, platform, placed, assignment, student, teacher, commits
):
    submission = graded(assignment, student, teacher)
    client.force_login(teacher)
    url = reverse("coursework:grade-return", args=[assignment.pk, submission.pk])
    response = commits(lambda: client.post(url))
    assert response.status_code == 302
    (score,) = platform.scores
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("u-amara", 10, 16)
    assert ScorePassback.objects.get().state == ScorePassback.State.SENT


def test_without_a_signing_key_the_passback_fails_saying_what_to_do(
    platform, placed, assignment, student, teacher, commits, tool_key
):
    tool_key.is_active = False
    tool_key.save()
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    passback = ScorePassback.objects.get()
    assert passback.state == ScorePassback.State.FAILED
    assert "an administrator must run `manage.py rotate_keys`" in passback.last_error
    assert platform.token_requests == []


def test_an_unexpected_error_fails_the_passback_instead_of_leaving_it_queued(
    platform, placed, assignment, student, teacher, commits, monkeypatch
):
    def broken(row):
        raise RuntimeError("bug")

    monkeypatch.setattr(passback_module, "_post", broken)
    submission = graded(assignment, student, teacher)
    commits(lambda: grading.grade_return(submission=submission))
    passback = ScorePassback.objects.get()
    assert passback.state == ScorePassback.State.FAILED
    assert passback.last_error == "an unexpected error stopped the request (RuntimeError)"
