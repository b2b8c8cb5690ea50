"""A grade belongs to the version its page showed: saves for work taken back, superseded or
returned are refused; Return saves the whole form first; a returned grade changes only by
Regrade, which keeps the earlier grade; grades keep the points they awarded."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from coursework import grading
from coursework.grades import Grade, GradeRecord
from coursework.models import Submission
from lessons.models import Level
from lessons.services import rubric_copy
from tests.teacher.conftest import grade, hand_in, level_ids, page
from tests.teacher.test_teacher_grading import flashes, screen_url, snapshot, student_page

V1_ESSAY = "Version one: the council wanted trade."
V2_ESSAY = "Version two: the council wanted trade, as the minutes show."


def form_from_page(html: str, points_by_criterion: dict[int, int], **extra) -> dict:
    """The grading form as the page carries it (its version and revision), with levels chosen."""
    data = {
        "version": re.search(r'name="version" value="(\d+)"', html).group(1),
        "grade_revision": re.search(r'name="grade_revision" value="(\d+)"', html).group(1),
        "comment": "",
    }
    for criterion_id, level_id in points_by_criterion.items():
        data[f"level-{criterion_id}"] = level_id
        data[f"comment-{criterion_id}"] = ""
    data.update(extra)
    return data


def take_back(submission: Submission) -> None:
    """What the student's Unsubmit leaves behind: the latest hand-in gone, work with them."""
    submission.versions.order_by("-number").first().delete()
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.REVISION)


def returned_v1(assignment, student, teacher) -> Submission:
    """v1 graded 12 of 16 with comments and returned, a revision asked for, v2 handed in."""
    submission = hand_in(assignment, student, V1_ESSAY)
    grade(submission, teacher, [3, 3, 3, 3], comment="v1 overall")
    grading.grade_return(submission=submission)
    grading.revision_request(submission=submission, comment="Use the minutes.")
    return hand_in(assignment, student, V2_ESSAY)


def v1_grade(submission) -> tuple:
    found = Grade.objects.get(version__submission=submission, version__number=1)
    scores = [(s.level_id, s.points, s.comment) for s in found.scores.all()]
    return found.points, found.comment, found.returned_at, found.revision, scores


# A save names its version --------------------------------------------------------------


def test_grading_form_carries_the_version_it_grades(as_teacher, assignment, student, teacher):
    submission = returned_v1(assignment, student, teacher)
    html = page(as_teacher.get(screen_url(submission)))
    v2 = submission.versions.get(number=2)
    assert f'name="version" value="{v2.pk}"' in html
    assert "#grade-version" in html  # a level chosen with htmx carries it too


def test_a_save_after_the_student_took_v2_back_never_touches_v1s_returned_grade(
    as_teacher, assignment, student, teacher
):
    submission = returned_v1(assignment, student, teacher)
    html = page(as_teacher.get(screen_url(submission)))  # the page grades v2
    before = v1_grade(submission)
    take_back(submission)
    data = form_from_page(
        html, level_ids(submission, [1, 1, 1, 1]), comment="v2 overall", action="save"
    )
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 409
    assert "The student took this version back" in page(response)
    assert "Your comments (not saved)" in page(response) and "v2 overall" in page(response)
    assert v1_grade(submission) == before
    assert v1_grade(submission)[0] == 12
    client_html = student_page(as_teacher, student, submission)
    assert "Your grade: 12 of 16" in client_html and "v2 overall" not in client_html


def test_a_save_after_the_student_took_the_only_version_back_is_refused(
    client, as_teacher, assignment, student
):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    submission.versions.all().delete()
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.DRAFT)
    data = form_from_page(html, level_ids(submission, [4, 4, 4, 4]), comment="Kept for you")
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 409
    assert "took this version back" in page(response) and "Kept for you" in page(response)
    assert not Grade.objects.filter(version__submission=submission).exists()


def test_a_htmx_level_for_a_version_taken_back_is_refused(as_teacher, assignment, student, teacher):
    submission = returned_v1(assignment, student, teacher)
    html = page(as_teacher.get(screen_url(submission)))
    before = v1_grade(submission)
    take_back(submission)
    claim = submission.module.rubric.criteria.first()
    data = form_from_page(html, {claim.pk: claim.levels.get(points=1).pk}, criterion=claim.pk)
    response = as_teacher.post(screen_url(submission, "grade-save"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert page(response).strip().startswith('<div id="total"')
    assert "Not saved: The student took this version back" in page(response)
    assert v1_grade(submission) == before


def test_a_save_for_a_version_superseded_by_a_newer_hand_in_is_refused(
    as_teacher, assignment, student, teacher
):
    submission = hand_in(assignment, student, V1_ESSAY)
    html = page(as_teacher.get(screen_url(submission)))  # grades v1
    grading.revision_request(submission=submission, comment="Again.")
    hand_in(assignment, student, V2_ESSAY)
    grading.grade_for(submission=submission)  # v2's empty grade, as the refusal's page opens it
    before = snapshot(submission)
    data = form_from_page(html, level_ids(submission, [4, 4, 4, 4]))
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 409
    assert "handed in a newer version since you opened this page" in page(response)
    assert snapshot(submission) == before


def test_a_save_for_returned_work_is_refused_and_points_to_regrade(
    as_teacher, assignment, student, teacher
):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    grade(submission, teacher, [2, 2, 2, 2])
    html = page(as_teacher.get(screen_url(submission)))
    grading.grade_return(submission=submission)
    before = snapshot(submission)
    data = form_from_page(html, level_ids(submission, [4, 4, 4, 4]), action="save")
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 409
    assert "To change a returned grade, use Regrade." in page(response)
    assert snapshot(submission) == before


def test_the_same_teacher_saving_from_an_older_page_is_refused(as_teacher, assignment, student):
    submission = hand_in(assignment, student)
    old = page(as_teacher.get(screen_url(submission)))
    first = form_from_page(old, level_ids(submission, [4, 4, 4, 4]), comment="From tab one")
    assert as_teacher.post(screen_url(submission, "grade-save"), first).status_code == 302
    before = snapshot(submission)
    second = form_from_page(old, level_ids(submission, [1, 1, 1, 1]), comment="From tab two")
    response = as_teacher.post(screen_url(submission, "grade-save"), second)
    assert response.status_code == 409
    assert snapshot(submission) == before


@pytest.mark.parametrize("version", ["", "abc", "999999"])
def test_a_save_without_a_real_version_changes_nothing(as_teacher, assignment, student, version):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    before = snapshot(submission)
    data = form_from_page(html, level_ids(submission, [4, 4, 4, 4]), version=version)
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code in {400, 409}
    assert "Not saved" in page(response)
    assert snapshot(submission) == before


def test_an_unknown_action_changes_nothing(as_teacher, assignment, student):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    before = snapshot(submission)
    data = form_from_page(html, level_ids(submission, [4, 4, 4, 4]), action="publish")
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 400
    assert "Choose Save grade, Return to student or Regrade." in page(response)
    assert snapshot(submission) == before


# Return saves the form first -----------------------------------------------------------


def test_return_is_a_button_of_the_grade_form_and_the_page_loads_its_script(
    as_teacher, assignment, student
):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    form = re.search(r'<form[^>]*id="grade-form".*?</form>', html, re.S).group(0)
    assert '<button type="submit" name="action" value="return">Return to student</button>' in form
    assert '<button type="submit" name="action" value="save">Save grade</button>' in form
    assert '<script src="/static/js/grading.js" defer></script>' in html
    assert "<script>" not in html


def test_return_saves_the_comments_typed_since_the_last_save(
    client, as_teacher, assignment, student
):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    claim = submission.module.rubric.criteria.first()
    # The levels were saved one by one as they were chosen; the comments only typed.
    for criterion_id, level_id in level_ids(submission, [4, 3, 2, 1]).items():
        data = form_from_page(html, {criterion_id: level_id}, criterion=criterion_id)
        as_teacher.post(screen_url(submission, "grade-save"), data, HTTP_HX_REQUEST="true")
        html = page(as_teacher.get(screen_url(submission)))
    data = form_from_page(
        html, level_ids(submission, [4, 3, 2, 1]), comment="Typed, never saved.", action="return"
    )
    data[f"comment-{claim.pk}"] = "A sharp claim."
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 302
    assert flashes(response) == ["Returned Amara Okafor's work, graded 10 of 16."]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    saved = Grade.objects.get(version__submission=submission)
    assert saved.comment == "Typed, never saved." and saved.returned_at
    assert saved.scores.get(criterion=claim).comment == "A sharp claim."
    html = student_page(client, student, submission)
    assert "Typed, never saved." in html and "A sharp claim." in html


def test_return_of_an_incomplete_grade_keeps_what_was_typed_and_says_why(
    as_teacher, assignment, student
):
    submission = hand_in(assignment, student)
    html = page(as_teacher.get(screen_url(submission)))
    data = form_from_page(html, level_ids(submission, [4, 3]), comment="Half done", action="return")
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.url == screen_url(submission)
    assert flashes(response) == [
        "Saved the grade (7 of 16) but did not return it: "
        "Choose a level for every criterion before returning the work."
    ]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert Grade.objects.get(version__submission=submission).comment == "Half done"


# Regrade -------------------------------------------------------------------------------


def returned(assignment, student, teacher) -> Submission:
    submission = hand_in(assignment, student)
    saved = grade(submission, teacher, [3, 3, 3, 3], comment="First reading")
    score = saved.scores.first()
    score.comment = "Claim comment"
    score.save()
    grading.grade_return(submission=submission)
    return submission


def test_returned_work_offers_regrade_instead_of_save(as_teacher, assignment, student, teacher):
    submission = returned(assignment, student, teacher)
    html = page(as_teacher.get(screen_url(submission)))
    assert '<button type="submit" name="action" value="regrade">Regrade</button>' in html
    assert 'value="save">Save grade' not in html and 'value="return">Return' not in html
    assert 'data-hx-trigger="change"' not in html  # no level is saved by itself on returned work
    assert "Earlier returned grades" not in html


def test_regrade_keeps_the_earlier_grade_and_the_student_sees_the_new_one(
    client, as_teacher, assignment, student, teacher
):
    submission = returned(assignment, student, teacher)
    html = page(as_teacher.get(screen_url(submission)))
    data = form_from_page(
        html, level_ids(submission, [4, 4, 4, 4]), comment="On a second reading", action="regrade"
    )
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 302
    assert flashes(response)[0].startswith("Regraded: 16 of 16.")
    current = Grade.objects.get(version__submission=submission)
    assert (current.points, current.comment) == (16, "On a second reading")
    assert current.returned_at is not None
    (record,) = GradeRecord.objects.filter(grade=current)
    assert (record.points, record.max_points, record.comment) == (12, 16, "First reading")
    assert record.scores[0] == {
        "criterion": "Claim",
        "level": "L3",
        "points": 3,
        "comment": "Claim comment",
    }
    assert record.graded_by == teacher and record.replaced_by == teacher
    html = page(as_teacher.get(screen_url(submission)))
    assert "Earlier returned grades" in html
    assert "12 of 16, returned" in html and "Claim: L3 (3 pts) · “Claim comment”" in html
    mine = student_page(client, student, submission)
    assert "Your grade: 16 of 16" in mine and "On a second reading" in mine
    assert "First reading" not in mine


def test_an_incomplete_regrade_changes_nothing(as_teacher, assignment, student, teacher):
    submission = returned(assignment, student, teacher)
    html = page(as_teacher.get(screen_url(submission)))
    before = snapshot(submission)
    data = form_from_page(html, level_ids(submission, [4, 4]), action="regrade")
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 400
    assert "Choose a level for every criterion before regrading." in page(response)
    assert snapshot(submission) == before
    assert not GradeRecord.objects.exists()


def test_regrade_of_work_not_yet_returned_is_refused(as_teacher, assignment, student, teacher):
    submission = hand_in(assignment, student)
    grade(submission, teacher, [3, 3, 3, 3])
    html = page(as_teacher.get(screen_url(submission)))
    before = snapshot(submission)
    data = form_from_page(html, level_ids(submission, [4, 4, 4, 4]), action="regrade")
    response = as_teacher.post(screen_url(submission, "grade-save"), data)
    assert response.status_code == 409
    assert "nothing to regrade" in page(response)
    assert snapshot(submission) == before


# Points are kept as awarded ------------------------------------------------------------


def test_a_returned_grade_keeps_the_points_it_awarded_wherever_it_is_shown(
    client, as_teacher, assignment, student, teacher
):
    submission = hand_in(assignment, student)
    grade(submission, teacher, [3, 3, 3, 3])
    grading.grade_return(submission=submission)
    # A level's worth changed by a path that skips every check (a raw SQL fix, say).
    claim = submission.module.rubric.criteria.first()
    Level.objects.filter(criterion=claim, points=3).update(points=0)
    assert Grade.objects.get(version__submission=submission).points == 12
    assert "Your grade: 12 of 16" in student_page(client, student, submission)
    as_teacher.force_login(teacher)
    csv = page(as_teacher.get(reverse("coursework:gradebook-csv", args=[assignment.classroom_id])))
    assert csv.splitlines()[2].endswith(",12,12,16,75")  # the points, then the total
    book = page(as_teacher.get(reverse("coursework:gradebook", args=[assignment.classroom_id])))
    assert "Returned · 12 pts" in book
    queue = page(as_teacher.get(reverse("coursework:grading", args=[assignment.pk])))
    assert "<td>12</td>" in queue


def test_a_rubric_used_by_a_grade_can_no_longer_change(assignment, student, teacher):
    submission = hand_in(assignment, student)
    grade(submission, teacher, [4])
    # Even a copy that no published lesson uses is frozen once a grade points at it.
    spare = rubric_copy(rubric=submission.module.rubric)
    level = Level.objects.filter(criterion__rubric=spare).first()
    level.points = 9
    level.save()
    Grade.objects.filter(version__submission=submission).update(rubric=spare)
    level.points = 0
    with pytest.raises(ValidationError, match="copy it to edit"):
        level.save()
    with pytest.raises(ValidationError, match="copy it to edit"), transaction.atomic():
        Level.objects.filter(criterion__rubric=spare).delete()
    assert Level.objects.get(pk=level.pk).points == 9
