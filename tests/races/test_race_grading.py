"""A teacher saving a grade for v2 while the student takes v2 back, at the same moment: v1's
returned grade never changes, whichever request wins."""

import re

from django.urls import reverse

from coursework import grading, services
from coursework.grades import Grade
from coursework.models import Submission
from lessons.models import Module
from tests.conftest import enroll, make_user
from tests.coursework.conftest import WRITE, module_url
from tests.races.conftest import at_once

ROUNDS = 4


def hand_in(assignment, student, text: str) -> Submission:
    module = assignment.lesson.modules.get(kind=Module.Kind.ASSIGNMENT)
    current = services.submission_for(assignment=assignment, student=student, module=module)
    saved = services.draft_save(
        assignment=assignment, student=student, module=module, text=text, revision=current.revision
    )
    return services.submission_submit(submission=saved, revision=saved.revision)


def choose(submission, points: int) -> dict[int, int]:
    """{criterion id: id of its level worth `points`}."""
    return {c.pk: c.levels.get(points=points).pk for c in submission.module.rubric.criteria.all()}


def returned_v1_then_v2(assignment, student, teacher) -> Submission:
    """v1 graded 12 of 16 and returned, a revision asked for, v2 handed in."""
    submission = hand_in(assignment, student, "Version one.")
    first = grading.grade_for(submission=submission)
    grading.grade_save(
        submission=submission,
        version_id=first.version_id,
        grader=teacher,
        revision=first.revision,
        scores=[grading.ScoreInput(c, lv, "v1 note") for c, lv in choose(submission, 3).items()],
        comment="v1 overall",
    )
    grading.grade_return(submission=submission)
    grading.revision_request(submission=submission, comment="Use the minutes.")
    return hand_in(assignment, student, "Version two.")


def hidden_inputs(html: str, action_part: str) -> dict:
    form = re.search(rf'<form[^>]*action="[^"]*{action_part}"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form posting to {action_part}"
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1))
    return {name: value for name, value in inputs if name != "csrfmiddlewaretoken"}


def v1_state(submission) -> tuple:
    grade = Grade.objects.get(version__submission=submission, version__number=1)
    scores = [(s.level_id, s.points, s.comment) for s in grade.scores.order_by("pk")]
    return grade.points, grade.comment, grade.returned_at, grade.revision, scores


def test_saving_v2_while_the_student_takes_it_back_never_changes_v1(
    tab, assignment, teacher, classroom
):
    outcomes = []
    for index in range(ROUNDS):
        student = make_user(f"racer{index}")
        enroll(classroom, student)
        submission = returned_v1_then_v2(assignment, student, teacher)
        before = v1_state(submission)
        teacher_tab, student_tab = tab(teacher), tab(student)
        screen = reverse("coursework:grade", args=[assignment.pk, submission.pk])
        grading_page = teacher_tab.get(screen)
        assert grading_page.status == 200
        form = hidden_inputs(grading_page.text, "/save/")
        form |= {"comment": "v2 overall", "action": "save"}
        form |= {f"level-{c}": lv for c, lv in choose(submission, 1).items()}
        form |= {f"comment-{c}": "v2 note" for c in choose(submission, 1)}
        writing_page = student_tab.get(module_url(assignment, WRITE))
        take_back = hidden_inputs(writing_page.text, "/unsubmit/")
        save, unsubmit = at_once(
            lambda: teacher_tab.post(screen.rstrip("/") + "/save/", form),  # noqa: B023
            lambda: student_tab.post(module_url(assignment, WRITE, "unsubmit"), take_back),  # noqa: B023
        )
        assert save.status in {302, 409}, save.text[:500]
        assert unsubmit.status in {200, 302, 400, 409}, unsubmit.text[:500]
        assert v1_state(submission) == before
        v2 = submission.versions.filter(number=2).first()
        if save.status == 302:  # saved first: v2 kept its grade, or went back with it
            assert v2 is None or v2.grade.points == 4
        else:
            assert "took this version back" in save.text
        outcomes.append((save.status, v2 is not None))
    # However the rounds fell, the student's returned grade on v1 is the one they were given.
    for student_index in range(ROUNDS):
        submission = Submission.objects.get(student__username=f"racer{student_index}")
        assert v1_state(submission)[:2] == (12, "v1 overall")
    assert outcomes
