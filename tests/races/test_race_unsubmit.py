"""Unsubmit at the same moment as another unsubmit or a teacher's grading: a returned
version and its grade are never lost, and a grade is never written onto a withdrawn version."""

from functools import partial

from django.urls import reverse

from coursework import grading, services
from coursework.grades import Grade
from coursework.models import Submission
from tests.coursework.conftest import WRITE, module_url, revised_and_handed_in_again
from tests.races.conftest import at_once


def returned_grade_as_it_was(returned: Grade) -> None:
    grade = Grade.objects.get(pk=returned.pk)
    assert grade.returned_at == returned.returned_at
    assert (grade.points, grade.comment) == (returned.points, returned.comment)
    assert grade.version.number == 1


def test_double_unsubmit_takes_back_one_version_and_keeps_the_returned_grade(
    tab, assignment, student, teacher
):
    submission, returned = revised_and_handed_in_again(assignment, student, teacher)
    returned.refresh_from_db()
    url = module_url(assignment, WRITE, "unsubmit")
    for _ in range(3):
        first, second = tab(student), tab(student)
        replies = at_once(
            partial(first.post, url, {"version": 2}), partial(second.post, url, {"version": 2})
        )
        assert [reply.status for reply in replies] == [302, 302]
        submission.refresh_from_db()
        assert submission.status == Submission.Status.REVISION
        assert list(submission.versions.values_list("number", flat=True)) == [1]
        returned_grade_as_it_was(returned)
        services.submission_submit(
            submission=submission, revision=submission.revision, text="Second try, again."
        )


def test_grading_while_the_student_unsubmits_never_grades_a_withdrawn_version(
    tab, assignment, student, teacher
):
    submission, returned = revised_and_handed_in_again(assignment, student, teacher)
    returned.refresh_from_db()
    unsubmit_url = module_url(assignment, WRITE, "unsubmit")
    save_url = reverse("coursework:grade-save", args=[assignment.pk, submission.pk])
    outcomes = set()
    for attempt in range(4):
        current = grading.grade_for(submission=submission)  # the teacher opens the screen
        form = {"version": current.version_id, "grade_revision": current.revision}
        form["comment"] = f"Second look {attempt}."
        for criterion in current.rubric.criteria.prefetch_related("levels"):
            form[f"level-{criterion.pk}"] = criterion.levels.order_by("points").first().pk
            form[f"comment-{criterion.pk}"] = ""
        number = current.version.number
        pupil, marker = tab(student), tab(teacher)
        took_back, graded = at_once(
            partial(pupil.post, unsubmit_url, {"version": number}),
            partial(marker.post, save_url, form),
        )
        assert took_back.status == 302
        assert graded.status in {302, 409}
        submission.refresh_from_db()
        returned_grade_as_it_was(returned)
        if graded.status == 302:
            # Graded first: the version stays handed in with the teacher's grade on it.
            assert submission.status == Submission.Status.SUBMITTED
            grade = submission.versions.get(number=number).grade
            assert (grade.comment, grade.scores.count()) == (form["comment"], 4)
            outcomes.add("graded")
            Grade.objects.filter(pk=grade.pk).delete()
            services.submission_unsubmit(submission=submission, version=number)
        else:
            assert submission.status == Submission.Status.REVISION
            assert list(submission.versions.values_list("number", flat=True)) == [1]
            outcomes.add("taken back")
        submission.refresh_from_db()
        services.submission_submit(
            submission=submission, revision=submission.revision, text=f"Try {attempt}."
        )
    assert outcomes  # each attempt ended one of the two safe ways
