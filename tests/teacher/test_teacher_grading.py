"""Grading: the queue, the grading screen, saving (whole or one level at a time with htmx),
overrides, two teachers at once, returning one or all, and asking for a revision."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework import grading, services
from coursework.grades import CriterionScore, Grade
from coursework.models import Submission
from lessons.models import Level
from tests.teacher.conftest import ESSAY, WRITE, grade, hand_in, level_ids, make_overdue, page


def queue_url(assignment) -> str:
    return reverse("coursework:grading", args=[assignment.pk])


def screen_url(submission, name: str = "grade") -> str:
    return reverse(f"coursework:{name}", args=[submission.assignment_id, submission.pk])


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot(submission) -> tuple:
    """Everything a refused action must leave as it was."""
    submission.refresh_from_db()
    grades = list(Grade.objects.filter(version__submission=submission).values())
    scores = list(
        CriterionScore.objects.filter(grade__version__submission=submission).order_by("pk").values()
    )
    versions = list(submission.versions.values())
    fields = (submission.status, submission.revision, submission.returned_at)
    return fields, grades, scores, versions, submission.revision_comment


@pytest.fixture
def handed_in(assignment, student) -> Submission:
    return hand_in(assignment, student)


def version_of(submission) -> int:
    return submission.versions.order_by("-number").first().pk


def form_for(submission, points: list[int], **extra) -> dict:
    """The grading form's POST data choosing points[i] for the i-th criterion."""
    current = grading.grade_for(submission=submission)
    data = {"version": current.version_id, "grade_revision": current.revision, "comment": ""}
    data |= extra
    for criterion_id, level_id in level_ids(submission, points).items():
        data[f"level-{criterion_id}"] = level_id
        data.setdefault(f"comment-{criterion_id}", "")
    return data


# The queue ------------------------------------------------------------------------------


def test_queue_lists_ungraded_first_then_graded_then_returned(
    as_teacher, assignment, student, classmate, third, teacher
):
    returned = hand_in(assignment, third)  # handed in first
    graded = hand_in(assignment, classmate)
    waiting = hand_in(assignment, student)  # handed in last
    grade(returned, teacher, [4, 4, 4, 4])
    grading.grade_return(submission=returned)
    grade(graded, teacher, [3, 3, 3, 3])
    response = as_teacher.get(queue_url(assignment))
    assert [s.pk for s in response.context["queue"]] == [waiting.pk, graded.pk, returned.pk]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page(response), re.S)
    assert "Amara Okafor" in rows[0] and "Not graded" in rows[0]
    assert (
        "Bruno Silva" in rows[1] and "Graded, not returned" in rows[1] and "<td>12</td>" in rows[1]
    )
    assert "Chidi Anang" in rows[2] and "Returned" in rows[2] and "<td>16</td>" in rows[2]


def test_opening_a_submission_does_not_make_it_look_graded(
    as_teacher, assignment, student, classmate, teacher
):
    graded = hand_in(assignment, classmate)  # handed in first
    opened = hand_in(assignment, student)
    grade(graded, teacher, [2, 2, 2, 2])
    as_teacher.get(screen_url(opened))  # only looked at, nothing chosen yet
    response = as_teacher.get(queue_url(assignment))
    assert [s.pk for s in response.context["queue"]] == [opened.pk, graded.pk]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page(response), re.S)
    assert "Not graded" in rows[0] and "<td>—</td>" in rows[0]
    assert "Graded, not returned" in rows[1] and "<td>8</td>" in rows[1]


def test_partly_graded_work_stays_with_the_ungraded(
    as_teacher, assignment, student, classmate, teacher
):
    graded = hand_in(assignment, classmate)
    partly = hand_in(assignment, student)
    grade(graded, teacher, [2, 2, 2, 2])
    grade(partly, teacher, [4, 4])
    response = as_teacher.get(queue_url(assignment))
    assert [s.pk for s in response.context["queue"]] == [partly.pk, graded.pk]
    assert "Partly graded" in page(response) and "<td>8</td>" in page(response)


def test_resubmitted_revision_goes_back_to_the_ungraded(
    as_teacher, assignment, student, classmate, teacher
):
    revised = hand_in(assignment, student)  # handed in first
    graded = hand_in(assignment, classmate)
    grade(revised, teacher, [1, 1, 1, 1])
    grade(graded, teacher, [3, 3, 3, 3])
    grading.revision_request(submission=revised, comment="Add a source.")
    hand_in(assignment, student, "Version two.")
    response = as_teacher.get(queue_url(assignment))
    assert [s.pk for s in response.context["queue"]] == [revised.pk, graded.pk]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page(response), re.S)
    assert "Not graded" in rows[0] and "<td>—</td>" in rows[0]  # the old grade is not its grade


def test_queue_shows_drafts_nowhere_and_marks_late_work(as_teacher, assignment, student, classmate):
    services.draft_save(
        assignment=assignment,
        student=classmate,
        module=assignment.lesson.modules.get(position=WRITE),
        text="Unfinished",
        revision=0,
    )
    make_overdue(assignment)
    hand_in(assignment, student)
    response = as_teacher.get(queue_url(assignment))
    html = page(response)
    assert [s.student.username for s in response.context["queue"]] == ["student"]
    assert "Bruno Silva" not in html
    assert '<span class="tag">Late</span>' in html


def test_empty_queue_says_nothing_was_handed_in(as_teacher, assignment):
    html = page(as_teacher.get(queue_url(assignment)))
    assert "Nothing has been handed in yet." in html
    assert "Return all" not in html


# The grading screen ---------------------------------------------------------------------


def test_grading_screen_shows_the_text_beside_the_rubric(as_teacher, handed_in):
    html = page(as_teacher.get(screen_url(handed_in)))
    assert "<h1>Amara Okafor</h1>" in html
    assert ESSAY in html
    assert html.index(ESSAY) < html.index("Rubric: Essay rubric")
    for title in ["Claim", "Evidence", "Sourcing", "Context"]:
        assert f"<legend>{title}</legend>" in html
        assert f'<span class="visually-hidden">on {title}</span>' in html
    assert html.count('<fieldset class="criterion">') == 4
    assert html.count('type="radio"') == 16
    assert 'name="comment"' in html and "Overall comment" in html
    assert 'name="override_points"' in html and 'name="override_reason"' in html
    assert "Save grade</button>" in html
    assert "Return to student</button>" in html
    assert "Request revision</button>" in html
    assert "Total: 0 of 16" in html


def test_grading_screen_shows_earlier_versions(as_teacher, assignment, handed_in):
    grading.revision_request(submission=handed_in, comment="Add a source.")
    hand_in(assignment, handed_in.student, "Second version, with the council minutes.")
    html = page(as_teacher.get(screen_url(handed_in)))
    assert "Second version, with the council minutes." in html
    assert "Earlier versions" in html
    assert re.search(r"<summary>Version 1,.*?</summary><p>" + ESSAY, html, re.S)


def test_next_and_previous_move_through_the_queue(
    as_teacher, assignment, student, classmate, third
):
    first, second, last = (hand_in(assignment, s) for s in (third, classmate, student))
    html = page(as_teacher.get(screen_url(second)))
    assert "2 of 3" in html
    assert f'href="{screen_url(first)}" rel="prev">Previous' in html
    assert f'href="{screen_url(last)}" rel="next">Next' in html
    html = page(as_teacher.get(screen_url(first)))
    assert "1 of 3" in html and "Previous</a>" not in html
    assert "Next</a>" not in page(as_teacher.get(screen_url(last)))


def test_next_and_previous_follow_the_queue_order_not_the_hand_in_order(
    as_teacher, assignment, student, classmate, third, teacher
):
    returned, graded, partly = (hand_in(assignment, s) for s in (third, classmate, student))
    grade(returned, teacher, [4, 4, 4, 4])
    grading.grade_return(submission=returned)
    grade(graded, teacher, [3, 3, 3, 3])
    grade(partly, teacher, [2, 2])
    queue = [s.pk for s in as_teacher.get(queue_url(assignment)).context["queue"]]
    assert queue == [partly.pk, graded.pk, returned.pk]
    html = page(as_teacher.get(screen_url(graded)))
    assert "2 of 3" in html
    assert f'href="{screen_url(partly)}" rel="prev">Previous' in html
    assert f'href="{screen_url(returned)}" rel="next">Next' in html


def test_grading_screen_reads_the_rubric_from_the_shared_cache_after_the_first_view(
    as_teacher, assignment, student, classmate
):
    first, second = (hand_in(assignment, s) for s in (student, classmate))
    as_teacher.get(screen_url(first))
    with CaptureQueriesContext(connection) as queries:
        html = page(as_teacher.get(screen_url(second)))
    assert "Rubric: Essay rubric" in html and html.count('type="radio"') == 16
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "lessons_level" not in read and "lessons_criterion" not in read


def test_a_draft_has_no_grading_screen(as_teacher, assignment, student):
    module = assignment.lesson.modules.get(position=WRITE)
    draft = services.submission_for(assignment=assignment, student=student, module=module)
    assert as_teacher.get(screen_url(draft)).status_code == 404


# Saving ---------------------------------------------------------------------------------


def test_save_grade_stores_levels_comments_and_the_summed_total(as_teacher, handed_in):
    data = form_for(handed_in, [4, 3, 2, 1], comment="  Clear claim.  ")
    first_criterion = next(k for k in data if k.startswith("comment-"))
    data[first_criterion] = "Strong thesis"
    response = as_teacher.post(screen_url(handed_in, "grade-save"), data)
    assert response.status_code == 302 and response.url == screen_url(handed_in)
    assert flashes(response) == ["Saved the grade: 10 of 16."]
    saved = Grade.objects.get(version__submission=handed_in)
    assert (saved.points, saved.comment, saved.revision) == (10, "Clear claim.", 1)
    assert [s.level.points for s in saved.scores.all()] == [4, 3, 2, 1]
    assert saved.scores.first().comment == "Strong thesis"
    html = page(as_teacher.get(screen_url(handed_in)))
    assert "Total: 10 of 16" in html and "Strong thesis" in html
    assert html.count(" checked") == 4


def test_override_of_the_total_with_a_reason(as_teacher, handed_in):
    data = form_for(handed_in, [4, 3, 2, 1], override_points="12", override_reason="Extra research")
    response = as_teacher.post(screen_url(handed_in, "grade-save"), data)
    assert response.status_code == 302
    saved = Grade.objects.get(version__submission=handed_in)
    assert (saved.rubric_points, saved.points, saved.override_reason) == (10, 12, "Extra research")
    assert "Total: 12 of 16</strong> (set by hand: Extra research)" in page(
        as_teacher.get(screen_url(handed_in))
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"override_points": "12"}, "Give a reason when you change the total by hand."),
        ({"override_points": "17", "override_reason": "x"}, "between 0 and 16 points"),
        ({"override_points": "-1", "override_reason": "x"}, "between 0 and 16 points"),
        ({"override_points": "ten", "override_reason": "x"}, "must be a whole number"),
        ({"grade_revision": ""}, "Reload the page"),
    ],
)
def test_bad_totals_are_refused_and_change_nothing(as_teacher, handed_in, extra, message):
    data = form_for(handed_in, [4, 3, 2, 1], **extra)
    before = snapshot(handed_in)
    response = as_teacher.post(screen_url(handed_in, "grade-save"), data)
    assert response.status_code == 400
    assert message in page(response) and 'role="alert"' in page(response)
    assert snapshot(handed_in) == before


def test_a_level_of_another_criterion_is_refused(as_teacher, handed_in):
    data = form_for(handed_in, [4, 3, 2, 1])
    before = snapshot(handed_in)
    claim, evidence = list(handed_in.module.rubric.criteria.all())[:2]
    data[f"level-{claim.pk}"] = Level.objects.filter(criterion=evidence).first().pk
    response = as_teacher.post(screen_url(handed_in, "grade-save"), data)
    assert response.status_code == 400
    assert "not one of the rubric" in page(response) and "Claim" in page(response)
    assert snapshot(handed_in) == before


@pytest.mark.parametrize("bad", ["abc", "-3", "99999999"])
def test_a_level_that_is_not_a_level_id_is_refused(as_teacher, handed_in, bad):
    data = form_for(handed_in, [4, 3, 2, 1])
    before = snapshot(handed_in)
    claim = handed_in.module.rubric.criteria.first()
    data[f"level-{claim.pk}"] = bad
    response = as_teacher.post(screen_url(handed_in, "grade-save"), data)
    assert response.status_code == 400
    assert "not one of the rubric" in page(response)
    assert snapshot(handed_in) == before


def test_htmx_level_choice_saves_at_once_and_returns_the_new_total(as_teacher, handed_in):
    data = form_for(handed_in, [4, 3, 2, 1], comment="Keep me")
    as_teacher.post(screen_url(handed_in, "grade-save"), data)
    claim = handed_in.module.rubric.criteria.first()
    level_two = claim.levels.get(points=2)
    response = as_teacher.post(
        screen_url(handed_in, "grade-save"),
        {
            "criterion": claim.pk,
            f"level-{claim.pk}": level_two.pk,
            "grade_revision": 1,
            "version": version_of(handed_in),
        },
        HTTP_HX_REQUEST="true",
    )
    html = page(response).strip()
    assert response.status_code == 200
    assert html.startswith('<div id="total"') and "<html" not in html
    assert "Total: 8 of 16" in html and "saved" in html
    assert 'name="grade_revision" value="2"' in html
    saved = Grade.objects.get(version__submission=handed_in)
    assert [s.level.points for s in saved.scores.all()] == [2, 3, 2, 1]
    assert saved.comment == "Keep me"  # a single choice leaves the rest as it was


def test_htmx_first_level_on_an_ungraded_submission(as_teacher, handed_in):
    as_teacher.get(screen_url(handed_in))
    criterion = handed_in.module.rubric.criteria.last()
    level = criterion.levels.get(points=3)
    response = as_teacher.post(
        screen_url(handed_in, "grade-save"),
        {
            "criterion": criterion.pk,
            f"level-{criterion.pk}": level.pk,
            "grade_revision": 0,
            "version": version_of(handed_in),
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Total: 3 of 16" in page(response)
    scores = CriterionScore.objects.filter(grade__version__submission=handed_in)
    assert [(s.criterion_id, s.level_id) for s in scores] == [(criterion.pk, level.pk)]


def test_htmx_bad_level_is_refused_with_a_message(as_teacher, handed_in):
    as_teacher.get(screen_url(handed_in))
    before = snapshot(handed_in)
    claim, evidence = list(handed_in.module.rubric.criteria.all())[:2]
    response = as_teacher.post(
        screen_url(handed_in, "grade-save"),
        {
            "criterion": claim.pk,
            f"level-{claim.pk}": evidence.levels.first().pk,
            "grade_revision": 0,
            "version": version_of(handed_in),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "Not saved:" in page(response) and "<html" not in page(response)
    assert snapshot(handed_in) == before


def test_second_teacher_saving_from_an_old_page_is_refused_and_nothing_is_lost(
    client, as_teacher, handed_in, coteacher
):
    as_teacher.get(screen_url(handed_in))  # both pages read revision 0
    mine = form_for(handed_in, [4, 4, 4, 4], comment="First teacher's comment")
    theirs = form_for(handed_in, [1, 1, 1, 1], comment="Second teacher's comment")
    assert as_teacher.post(screen_url(handed_in, "grade-save"), mine).status_code == 302
    before = snapshot(handed_in)
    client.force_login(coteacher)
    response = client.post(screen_url(handed_in, "grade-save"), theirs)
    assert response.status_code == 409
    html = page(response)
    assert "another teacher saved this grade after you opened the page" in html
    assert "Saved grade" in html and "Your choices (not saved)" in html
    assert "Claim: L4" in html and "Claim: L1" in html
    assert "First teacher&#x27;s comment" in html and "Second teacher&#x27;s comment" in html
    assert 'name="grade_revision" value="1"' in html  # the form now carries the saved revision
    assert snapshot(handed_in) == before
    saved = Grade.objects.get(version__submission=handed_in)
    assert (saved.points, saved.comment) == (16, "First teacher's comment")


def test_stale_htmx_level_choice_is_refused(client, as_teacher, handed_in, coteacher):
    as_teacher.post(screen_url(handed_in, "grade-save"), form_for(handed_in, [4, 4, 4, 4]))
    before = snapshot(handed_in)
    claim = handed_in.module.rubric.criteria.first()
    client.force_login(coteacher)
    response = client.post(
        screen_url(handed_in, "grade-save"),
        {
            "criterion": claim.pk,
            f"level-{claim.pk}": claim.levels.last().pk,
            "grade_revision": 0,
            "version": version_of(handed_in),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "another teacher saved this grade" in page(response)
    assert snapshot(handed_in) == before


# Returning ------------------------------------------------------------------------------


def test_returning_an_incompletely_graded_submission_is_refused(as_teacher, handed_in, teacher):
    grade(handed_in, teacher, [4, 3])  # two of four criteria
    before = snapshot(handed_in)
    response = as_teacher.post(screen_url(handed_in, "grade-return"))
    assert response.status_code == 302 and response.url == screen_url(handed_in)
    assert flashes(response) == ["Choose a level for every criterion before returning the work."]
    assert snapshot(handed_in) == before


def test_return_to_student_shows_the_grade_and_moves_to_the_next_waiting(
    as_teacher, assignment, student, classmate, teacher
):
    first = hand_in(assignment, classmate)
    waiting = hand_in(assignment, student)
    grade(first, teacher, [4, 4, 3, 3])
    response = as_teacher.post(screen_url(first, "grade-return"))
    assert response.url == screen_url(waiting)
    assert flashes(response) == ["Returned Bruno Silva's work."]
    first.refresh_from_db()
    assert first.status == Submission.Status.RETURNED and first.returned_at
    assert Grade.objects.get(version__submission=first).returned_at == first.returned_at


def test_returning_twice_is_refused(as_teacher, handed_in, teacher):
    grade(handed_in, teacher, [4, 4, 4, 4])
    as_teacher.post(screen_url(handed_in, "grade-return"))
    before = snapshot(handed_in)
    response = as_teacher.post(screen_url(handed_in, "grade-return"))
    assert "not yet returned" in flashes(response)[-1]
    assert snapshot(handed_in) == before


def test_return_all_returns_graded_work_and_leaves_the_rest(
    as_teacher, assignment, student, classmate, third, teacher
):
    done = hand_in(assignment, student)
    also_done = hand_in(assignment, classmate)
    partly = hand_in(assignment, third)
    grade(done, teacher, [4, 4, 4, 4])
    grade(also_done, teacher, [1, 2, 3, 4])
    grade(partly, teacher, [4])
    response = as_teacher.post(reverse("coursework:grade-return-all", args=[assignment.pk]))
    assert response.url == queue_url(assignment)
    assert flashes(response) == ["Returned 2 graded submission(s). Ungraded work stays here."]
    statuses = {s.pk: s.status for s in Submission.objects.filter(assignment=assignment)}
    assert statuses == {done.pk: "returned", also_done.pk: "returned", partly.pk: "submitted"}
    assert Grade.objects.get(version__submission=partly).returned_at is None


# Revisions ------------------------------------------------------------------------------


def test_request_revision_needs_a_comment(as_teacher, handed_in):
    before = snapshot(handed_in)
    response = as_teacher.post(screen_url(handed_in, "revision-request"), {"comment": "  "})
    assert response.url == screen_url(handed_in)
    assert "Say what to revise" in flashes(response)[0]
    assert snapshot(handed_in) == before


def test_request_revision_sends_the_work_back_and_keeps_the_version(
    as_teacher, handed_in, student, client
):
    response = as_teacher.post(
        screen_url(handed_in, "revision-request"), {"comment": "Use the minutes."}
    )
    assert flashes(response) == ["Asked Amara Okafor for a revision."]
    handed_in.refresh_from_db()
    assert handed_in.status == Submission.Status.REVISION
    assert handed_in.revision_comment == "Use the minutes."
    assert [v.text for v in handed_in.versions.all()] == [ESSAY]
    client.force_login(student)
    html = page(
        client.get(reverse("coursework:player-module", args=[handed_in.assignment_id, WRITE]))
    )
    assert "Your teacher asked for a revision:</strong> Use the minutes." in html


# What the student sees ------------------------------------------------------------------


def student_page(client, student, submission) -> str:
    client.force_login(student)
    return page(
        client.get(reverse("coursework:player-module", args=[submission.assignment_id, WRITE]))
    )


def test_draft_grades_stay_hidden_from_the_student_until_returned(
    client, handed_in, student, teacher
):
    saved = grade(handed_in, teacher, [4, 3, 2, 1], comment="SECRET overall remark")
    score = saved.scores.first()
    score.comment = "SECRET criterion remark"
    score.save()
    html = student_page(client, student, handed_in)
    assert "SECRET" not in html
    assert "Total" not in html and "10 of 16" not in html and "of 16" not in html
    assert "Returned" not in html
    assert "Submitted" in html


def test_returned_grade_shows_its_points_levels_and_comments_to_the_student(
    client, as_teacher, handed_in, student
):
    data = form_for(handed_in, [4, 3, 2, 1], comment="A careful essay.")
    claim = handed_in.module.rubric.criteria.first()
    data[f"comment-{claim.pk}"] = "Sharp claim."
    as_teacher.post(screen_url(handed_in, "grade-save"), data)
    as_teacher.post(screen_url(handed_in, "grade-return"))
    html = student_page(client, student, handed_in)
    assert "Your grade: 10 of 16" in html
    assert '<th scope="row">Claim</th><td>L4 (4 pts)</td><td>Sharp claim.</td>' in html
    assert "A careful essay." in html
    assert "Returned" in html
