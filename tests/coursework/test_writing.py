"""Written work: autosaved drafts that never overwrite newer text, submit, unsubmit,
late work, and revisions that keep every earlier version."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coursework import grading, services
from coursework.grades import Grade
from coursework.models import Assignment, Submission, SubmissionVersion
from tests.coursework.conftest import (
    INSTRUCTIONS,
    WRITE,
    grade_latest,
    module_url,
    page,
    revised_and_handed_in_again,
    state_of,
)


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


def save(client, assignment, text, revision, *, autosave=True):
    headers = {"HTTP_X_AUTOSAVE": "1"} if autosave else {}
    return client.post(
        module_url(assignment, WRITE, "draft-save"),
        {"text": text, "revision": revision},
        **headers,
    )


def submit(client, assignment, text, revision):
    return client.post(
        module_url(assignment, WRITE, "submit"), {"text": text, "revision": revision}, follow=True
    )


def stored(student) -> Submission:
    return Submission.objects.get(student=student)


def unsubmit(client, assignment, version):
    data = {} if version is None else {"version": version}
    return client.post(module_url(assignment, WRITE, "unsubmit"), data, follow=True)


def test_writing_page_shows_instructions_rubric_and_response_field(as_student, assignment):
    html = page(as_student.get(module_url(assignment, WRITE)))
    assert INSTRUCTIONS in html
    assert "Rubric: Essay rubric" in html
    assert "Claim" in html and "4 pts" in html
    assert '<label for="id_text">Your response</label>' in html
    assert 'name="text"' in html and 'id="id_text"' in html
    assert 'name="revision" value="0"' in html
    assert "Save draft</button>" in html and "Submit</button>" in html


def test_autosave_saves_and_returns_the_new_revision(as_student, assignment, student):
    as_student.get(module_url(assignment, WRITE))
    response = save(as_student, assignment, "The council wanted trade.", 0)
    assert response.status_code == 200
    assert response["X-Revision"] == "1"
    assert "Saved at" in page(response)
    submission = stored(student)
    assert (submission.text, submission.revision) == ("The council wanted trade.", 1)
    second = save(as_student, assignment, "The council wanted trade and jobs.", 1)
    assert second["X-Revision"] == "2"
    assert stored(student).text == "The council wanted trade and jobs."
    assert state_of(assignment, student, WRITE) == "in_progress"


def test_save_draft_button_saves_and_redirects(as_student, assignment, student):
    response = save(as_student, assignment, "Plain save.", 0, autosave=False)
    assert response.url == module_url(assignment, WRITE)
    assert stored(student).text == "Plain save."
    html = page(as_student.get(response.url))
    assert "Draft saved at" in html
    assert ">\nPlain save.</textarea>" in html
    assert 'name="revision" value="1"' in html


def test_save_from_a_stale_page_is_refused_with_both_texts(as_student, assignment, student):
    save(as_student, assignment, "Newer words from tab one.", 0)
    response = save(as_student, assignment, "Older words from tab two.", 0)
    assert response.status_code == 409
    html = page(response)
    assert "Not saved: this page was out of date." in html
    assert "Newer words from tab one." in html
    assert "Older words from tab two." in html
    submission = stored(student)
    assert (submission.text, submission.revision) == ("Newer words from tab one.", 1)


def test_plain_save_from_a_stale_page_shows_both_texts_on_the_page(as_student, assignment, student):
    save(as_student, assignment, "Newer words.", 0)
    response = save(as_student, assignment, "Stale words.", 0, autosave=False)
    assert response.status_code == 409
    html = page(response)
    assert "Not saved: this page was out of date." in html
    assert "Newer words." in html and "Stale words." in html
    assert 'name="revision" value="1"' in html
    assert stored(student).text == "Newer words."


def test_submit_hands_the_work_in_and_completes_the_module(as_student, assignment, student):
    save(as_student, assignment, "Draft.", 0)
    response = submit(as_student, assignment, "Final essay.", 1)
    html = page(response)
    assert "Your work is handed in." in html
    assert "marked late" not in html
    assert "Unsubmit</button>" in html
    submission = stored(student)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.text == "Final essay." and not submission.late
    version = SubmissionVersion.objects.get(submission=submission)
    assert (version.number, version.text, version.late) == (1, "Final essay.", False)
    assert state_of(assignment, student, WRITE) == "complete"


def test_submit_after_the_due_date_is_marked_late_not_refused(as_student, assignment, student):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    html = page(submit(as_student, assignment, "Late essay.", 0))
    assert "It was handed in after the due date, so it is marked late." in html
    submission = stored(student)
    assert submission.status == Submission.Status.SUBMITTED and submission.late
    assert submission.versions.get().late


def test_submit_from_a_stale_page_is_refused(as_student, assignment, student):
    save(as_student, assignment, "Newer words.", 0)
    response = as_student.post(
        module_url(assignment, WRITE, "submit"), {"text": "Stale words.", "revision": 0}
    )
    assert response.status_code == 409
    assert "Newer words." in page(response) and "Stale words." in page(response)
    submission = stored(student)
    assert submission.status == Submission.Status.DRAFT and submission.text == "Newer words."
    assert not SubmissionVersion.objects.exists()


def test_empty_response_cannot_be_submitted(as_student, assignment, student):
    html = page(submit(as_student, assignment, "   ", 0))
    assert "Write your response before submitting it." in html
    assert stored(student).status == Submission.Status.DRAFT
    assert not SubmissionVersion.objects.exists()


def test_handed_in_work_cannot_be_changed_by_a_save(as_student, assignment, student):
    submit(as_student, assignment, "Handed in.", 0)
    revision = stored(student).revision
    response = save(as_student, assignment, "Sneaky change.", revision)
    assert response.status_code == 400
    assert "handed in" in page(response)
    assert stored(student).text == "Handed in."


def test_unsubmit_takes_the_work_back_while_not_returned(as_student, assignment, student):
    submit(as_student, assignment, "Essay.", 0)
    html = page(as_student.get(module_url(assignment, WRITE)))
    assert '<input type="hidden" name="version" value="1">' in html
    html = page(unsubmit(as_student, assignment, 1))
    assert "Your work is back with you as a draft." in html
    assert "Save draft</button>" in html
    submission = stored(student)
    assert submission.status == Submission.Status.DRAFT and submission.text == "Essay."
    assert state_of(assignment, student, WRITE) == "in_progress"
    save(as_student, assignment, "Better essay.", submission.revision)
    assert stored(student).text == "Better essay."


def test_unsubmit_is_refused_once_the_work_is_returned(as_student, assignment, student):
    submit(as_student, assignment, "Essay.", 0)
    Submission.objects.filter(student=student).update(
        status=Submission.Status.RETURNED, returned_at=timezone.now()
    )
    html = page(unsubmit(as_student, assignment, 1))
    assert "Unsubmit</button>" not in html
    assert "Only handed-in work that the teacher has not returned can be taken back." in html
    assert stored(student).status == Submission.Status.RETURNED
    assert SubmissionVersion.objects.get().text == "Essay."


def test_revision_requested_then_resubmitted_keeps_every_version(as_student, assignment, student):
    submit(as_student, assignment, "First version.", 0)
    services.submission_request_revision(submission=stored(student), comment="Cite a source.")
    assert state_of(assignment, student, WRITE) == "in_progress"

    html = page(as_student.get(module_url(assignment, WRITE)))
    assert "Your teacher asked for a revision:</strong> Cite a source." in html
    assert "Earlier versions" in html
    submission = stored(student)
    assert submission.status == Submission.Status.REVISION
    save(as_student, assignment, "Second version, citing the minutes.", submission.revision)
    submit(as_student, assignment, "Second version, citing the minutes.", submission.revision + 1)

    submission = stored(student)
    assert submission.status == Submission.Status.SUBMITTED
    assert list(submission.versions.values_list("number", "text")) == [
        (1, "First version."),
        (2, "Second version, citing the minutes."),
    ]
    assert state_of(assignment, student, WRITE) == "complete"
    html = page(as_student.get(module_url(assignment, WRITE)))
    assert "Version 1" in html and "Version 2" in html


def test_same_text_saved_from_an_older_revision_is_no_conflict(as_student, assignment, student):
    save(as_student, assignment, "Typed words.", 0)  # this tab's own autosave got there first
    response = save(as_student, assignment, "Typed words.", 0)
    assert response.status_code == 200
    assert response["X-Revision"] == "1"
    assert (stored(student).text, stored(student).revision) == ("Typed words.", 1)


def test_submit_right_after_its_own_autosave_hands_the_work_in(as_student, assignment, student):
    # The click that submits also moves focus, which autosaves the same words first; the
    # submit still carries the revision the page was loaded with.
    save(as_student, assignment, "Finished essay.", 0)
    html = page(submit(as_student, assignment, "Finished essay.", 0))
    assert "Your work is handed in." in html
    assert "out of date" not in html
    submission = stored(student)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.versions.get().text == "Finished essay."


def test_refused_submit_leaves_the_draft_as_it_was(as_student, assignment, student):
    save(as_student, assignment, "Keep these words.", 0)
    html = page(submit(as_student, assignment, "  ", 1))
    assert "Write your response before submitting it." in html
    submission = stored(student)
    assert (submission.text, submission.revision) == ("Keep these words.", 1)
    assert submission.status == Submission.Status.DRAFT


def test_unsubmit_without_the_version_the_page_showed_changes_nothing(
    as_student, assignment, student
):
    submit(as_student, assignment, "Essay.", 0)
    for version in (None, "", "one"):
        html = page(unsubmit(as_student, assignment, version))
        assert "Not taken back: this page is out of date. Reload it first." in html
    assert stored(student).status == Submission.Status.SUBMITTED
    assert SubmissionVersion.objects.get().text == "Essay."


def test_unsubmit_naming_another_version_is_refused(as_student, assignment, student, teacher):
    submission, _ = revised_and_handed_in_again(assignment, student, teacher)
    html = page(unsubmit(as_student, assignment, 1))
    assert "Not taken back: this page was out of date." in html
    assert stored(student).status == Submission.Status.SUBMITTED
    assert list(submission.versions.values_list("number", flat=True)) == [1, 2]


def test_unsubmit_twice_takes_back_only_the_new_version_and_keeps_the_returned_grade(
    as_student, assignment, student, teacher
):
    submission, returned = revised_and_handed_in_again(assignment, student, teacher)
    html = page(unsubmit(as_student, assignment, 2))
    assert "Your work is back with you as a draft." in html
    html = page(unsubmit(as_student, assignment, 2))  # a double click, or a second tab
    assert "This work is already back with you to change." in html
    submission = stored(student)
    assert submission.status == Submission.Status.REVISION
    assert submission.text == "Second try, with a source."
    assert list(submission.versions.values_list("number", "text")) == [(1, "First try.")]
    grade = Grade.objects.get()
    assert grade.pk == returned.pk and grade.returned_at is not None
    assert (grade.points, grade.comment) == (returned.points, "Good start.")
    assert f"Your grade: {returned.points} of" in page(
        as_student.get(module_url(assignment, WRITE))
    )


def test_unsubmit_is_refused_once_the_teacher_has_saved_a_grade(
    as_student, assignment, student, teacher
):
    submit(as_student, assignment, "Essay.", 0)
    grade_latest(stored(student), teacher, 2)  # saved, not returned
    html = page(as_student.get(module_url(assignment, WRITE)))
    assert "Unsubmit</button>" not in html
    assert "Your teacher has started grading this work" in html
    html = page(unsubmit(as_student, assignment, 1))
    assert "Your teacher has started grading this version" in html
    assert stored(student).status == Submission.Status.SUBMITTED
    assert Grade.objects.get().scores.count() == 4


def test_unsubmit_is_allowed_while_the_teacher_has_only_opened_the_grading_screen(
    as_student, assignment, student
):
    submit(as_student, assignment, "Essay.", 0)
    grading.grade_for(submission=stored(student))  # an empty grade, nothing chosen yet
    html = page(unsubmit(as_student, assignment, 1))
    assert "Your work is back with you as a draft." in html
    assert not SubmissionVersion.objects.exists() and not Grade.objects.exists()


def test_a_returned_version_is_never_deleted_by_unsubmitting(assignment, student, teacher):
    submission = revised_and_handed_in_again(assignment, student, teacher)[0]
    grade_latest(submission, teacher, 4, returned=True)
    # Even with its status wrongly set back to handed in, returned work stays.
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="started grading"):
        services.submission_unsubmit(submission=submission, version=2)
    assert submission.versions.count() == 2
    assert Grade.objects.filter(returned_at__isnull=False).count() == 2
