"""What the teacher's pages read in few queries still says what the longer reads said: the
grading screen's place in the queue, the empty grade made on first opening, the rubric form
from the shared cache, and the dashboard's answered counts and times to the minute."""

import re
from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from coursework import grading, services
from coursework.dashboard import dashboard_build
from coursework.grades import Grade
from coursework.models import Progress, SubmissionVersion, WorkStamp
from coursework.selectors import grading_queue_for
from coursework.templatetags.grading_tags import RUBRIC_FIELDS_SHAPE
from lessons.models import Question
from tests.conftest import enroll, make_user
from tests.teacher.conftest import grade, hand_in, page


def screen_url(submission) -> str:
    return reverse("coursework:grade", args=[submission.assignment_id, submission.pk])


def test_the_grading_order_is_the_queues_for_every_kind_of_work(
    as_teacher, assignment, classroom, student, classmate, third, teacher
):
    fourth, fifth = make_user("fourth"), make_user("fifth")
    enroll(classroom, fourth)
    enroll(classroom, fifth)
    returned, graded, partly, revised, waiting = (
        hand_in(assignment, s) for s in (third, classmate, student, fourth, fifth)
    )
    grade(returned, teacher, [4, 4, 4, 4])
    grading.grade_return(submission=returned)
    grade(graded, teacher, [3, 3, 3, 3])
    grade(partly, teacher, [2, 2])
    grade(revised, teacher, [1, 1, 1, 1])  # version 1 graded, version 2 not yet
    grading.revision_request(submission=revised, comment="Cite the documents.")
    hand_in(assignment, fourth, "A second version.")
    _module, queue = grading_queue_for(assignment=assignment)
    order = grading.grading_order(assignment_id=assignment.pk, module_id=revised.module_id)
    assert order == [(s.pk, s.status) for s in queue]
    # Ungraded by hand-in time (the revision's new version came last), then graded, returned.
    pks = [pk for pk, _status in order]
    assert pks == [partly.pk, waiting.pk, revised.pk, graded.pk, returned.pk]
    html = page(as_teacher.get(screen_url(revised)))
    assert "3 of 5" in html
    assert f'href="{screen_url(waiting)}" rel="prev">Previous' in html
    assert f'href="{screen_url(graded)}" rel="next">Next' in html


def test_first_opening_makes_one_empty_grade_and_renews_the_students_work_stamp(
    as_teacher, assignment, student
):
    submission = hand_in(assignment, student)
    before = WorkStamp.objects.get(assignment=assignment, student=student).stamp
    html = page(as_teacher.get(screen_url(submission)))
    grade_row = Grade.objects.get(version__submission=submission)
    assert (grade_row.revision, grade_row.scores.count(), grade_row.rubric_id) == (
        0,
        0,
        submission.module.rubric_id,
    )
    assert WorkStamp.objects.get(assignment=assignment, student=student).stamp != before
    assert "Total: 0 of 16" in html and html.count('type="radio"') == 16
    as_teacher.get(screen_url(submission))
    assert Grade.objects.filter(version__submission=submission).count() == 1


def test_a_grade_opened_by_someone_else_meanwhile_is_the_one_shown(assignment, student, teacher):
    submission = hand_in(assignment, student)
    version = SubmissionVersion.objects.get(submission=submission)
    theirs = grading.grade_for(submission=submission)
    mine, made = grading.grade_open(submission=submission, version=version)
    assert (mine.pk, made) == (theirs.pk, False)


def test_the_rubric_form_comes_from_the_shared_cache_with_each_pages_choices(
    as_teacher, assignment, student, classmate, teacher
):
    first, second = (hand_in(assignment, s) for s in (student, classmate))
    grade(second, teacher, [3, 3, 3, 3])
    page(as_teacher.get(screen_url(first)))
    rubric_id = first.module.rubric_id
    assert cache.get(f"rubric-fields:{rubric_id}:{RUBRIC_FIELDS_SHAPE}") is not None
    html = page(as_teacher.get(screen_url(second)))
    assert html.count(" checked") == 4
    # Handed in, so each choice saves at once.
    assert html.count('data-hx-trigger="change"') == 16
    grading.grade_return(submission=second)
    returned = page(as_teacher.get(screen_url(second)))
    assert returned.count(" checked") == 4 and 'data-hx-trigger="change"' not in returned


def test_a_cleared_answer_no_longer_counts_as_answered(assignment, student):
    question = Question.objects.get(module__lesson=assignment.lesson)
    services.answer_save(assignment=assignment, student=student, question=question, text="Him.")
    (row,) = [r for r in dashboard_build(assignment).all_rows if r.student.pk == student.pk]
    assert row.skills[question.skill].answered == 1
    services.answer_save(assignment=assignment, student=student, question=question, text="")
    (row,) = [r for r in dashboard_build(assignment).all_rows if r.student.pk == student.pk]
    assert row.skills[question.skill].answered == 0


def test_dashboard_times_are_minutes_and_stuck_is_judged_to_the_minute(
    as_teacher, assignment, student
):
    module = assignment.lesson.modules.get(position=1)
    progress = services.module_open(assignment=assignment, student=student, module=module)
    # The last microsecond of a minute is still that minute, as the date filter shows it.
    moment = timezone.now().replace(second=59, microsecond=999999) - timedelta(days=4)
    Progress.objects.filter(pk=progress.pk).update(last_activity_at=moment)
    (row,) = [r for r in dashboard_build(assignment).all_rows if r.student.pk == student.pk]
    assert row.last_activity == moment.replace(second=0, microsecond=0)
    assert row.cells[0][1] == int(moment.timestamp()) // 60
    assert row.is_stuck
    html = page(as_teacher.get(reverse("coursework:dashboard", args=[assignment.pk])))
    when = timezone.localtime(moment).strftime("%-d %b %H:%M")
    assert re.search(rf'<span class="when">{when}</span>', html)
