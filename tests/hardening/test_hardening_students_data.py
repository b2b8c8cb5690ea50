"""A student's data in the admin: export every record as JSON; delete the student after a
confirmation that lists what goes, even when their work has been graded."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.admin import UserAdmin
from accounts.models import Classroom, Enrollment, User
from coursework import grading, services
from coursework.grades import CriterionScore, Grade
from coursework.models import Answer, Post, Progress, Submission, SubmissionVersion, Visit
from lessons.models import Criterion, Rubric
from tests.conftest import enroll, make_user

from .conftest import DISCUSS, MAIN_WORK, OTHER_WORK, module_of


@pytest.fixture
def graded(work, student, teacher, classmate_post):
    """The student's work, graded and returned, then sent back for a revision and handed in
    again: two versions, one grade with four criterion scores."""
    submission = Submission.objects.get(pk=work.submission.pk)
    grading.grade_return(submission=submission)
    grading.revision_request(submission=Submission.objects.get(pk=submission.pk), comment="More")
    submission = Submission.objects.get(pk=submission.pk)
    saved = services.draft_save(
        assignment=work.assignment,
        student=student,
        module=submission.module,
        text=MAIN_WORK["essay"] + " second version",
        revision=submission.revision,
    )
    services.submission_submit(submission=saved, revision=saved.revision)
    return work


@pytest.fixture
def classmate_post(work, classroom):
    """A classmate who replies to the student's post."""
    classmate = make_user("classmate", first_name="Bruno", last_name="Silva")
    enroll(classroom, classmate)
    module = module_of(work.assignment, DISCUSS)
    services.post_create(
        assignment=work.assignment, author=classmate, module=module, text="Bruno's own post"
    )
    return services.post_create(
        assignment=work.assignment,
        author=classmate,
        module=module,
        text="Bruno replies to Amara",
        parent=work.post,
    )


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_exports_all_of_a_students_records(admin_user, student, graded, other_work):
    response = admin_client(admin_user).get(
        reverse("admin:accounts_user_export", args=[student.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="records-{student.pk}.json"'
    data = json.loads(response.content)
    assert data["user"]["username"] == "student"
    assert data["user"]["first_name"] == "Amara"
    assert [e["class"] for e in data["enrollments"]] == ["History 10"]
    assert {a["text"] for a in data["answers"]} == {MAIN_WORK["answer"]}
    assert len(data["answers"]) == 2
    assert [p["text"] for p in data["posts"]] == [MAIN_WORK["post"]]
    [submission] = data["submissions"]
    assert submission["status"] == "submitted"
    assert [v["number"] for v in submission["versions"]] == [1, 2]
    assert submission["versions"][0]["text"] == MAIN_WORK["essay"]
    assert submission["versions"][1]["text"] == MAIN_WORK["essay"] + " second version"
    [grade] = data["grades"]
    assert grade["version"] == 1
    assert grade["comment"] == MAIN_WORK["grade"]
    assert grade["points"] == 16
    assert [s["criterion"] for s in grade["scores"]] == ["Claim", "Evidence", "Sourcing", "Context"]
    assert {s["points"] for s in grade["scores"]} == {4}
    assert grade["returned_at"] is not None
    assert {p["module_position"] for p in data["progress"]} >= {2, 4, 5}
    # Nothing of anyone else's.
    text = response.content.decode()
    for word in [*OTHER_WORK.values(), "Bruno", "Zoe"]:
        assert word not in text


def test_the_export_action_gives_one_persons_json(admin_user, student, work):
    client = admin_client(admin_user)
    url = reverse("admin:accounts_user_changelist")
    response = client.post(url, {"action": "export_records", "_selected_action": [student.pk]})
    assert response.status_code == 200
    assert json.loads(response.content)["user"]["id"] == student.pk
    response = client.post(
        url,
        {"action": "export_records", "_selected_action": [student.pk, admin_user.pk]},
        follow=True,
    )
    assert "Choose exactly one person" in response.content.decode()


def test_the_change_page_links_to_the_export(admin_user, student):
    page = admin_client(admin_user).get(reverse("admin:accounts_user_change", args=[student.pk]))
    assert reverse("admin:accounts_user_export", args=[student.pk]) in page.content.decode()


@pytest.mark.parametrize("who", ["teacher", "student", "other_teacher"])
def test_non_staff_cannot_export_or_delete(who, request, student, work):
    client = admin_client(request.getfixturevalue(who))
    for url in [
        reverse("admin:accounts_user_export", args=[student.pk]),
        reverse("admin:accounts_user_delete", args=[student.pk]),
    ]:
        for response in (client.get(url), client.post(url, {"post": "yes"})):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    assert User.objects.filter(pk=student.pk).exists()
    assert Answer.objects.filter(student=student).count() == 2


def test_staff_without_view_permission_cannot_export(student, db):
    clerk = make_user("clerk", role=User.Role.TEACHER, is_staff=True)
    response = admin_client(clerk).get(reverse("admin:accounts_user_export", args=[student.pk]))
    assert response.status_code == 403
    assert UserAdmin.actions == ["export_records"]


def test_the_delete_confirmation_lists_counts_and_classes(admin_user, student, graded):
    page = admin_client(admin_user).get(reverse("admin:accounts_user_delete", args=[student.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    rows = {
        kind.strip(): int(count)
        for kind, count in re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', html)
    }
    assert rows == {
        "Class enrollments": 1,
        "Progress records": 3,  # study, discussion, writing
        "Places to resume": 0,
        "Answers": 2,
        "Discussion posts": 1,
        "Replies by others to those posts": 1,
        "Written-work submissions": 1,
        "Handed-in versions": 2,
        "Grades": 1,
        "Rubric scores": 4,
    }
    assert '<ul id="deletion-classes">' in html
    assert "<li>History 10</li>" in html
    assert "Yes, I’m sure" in html


def test_confirming_deletes_the_student_and_their_rows(admin_user, student, graded, other_work):
    rubric_rows = (Rubric.objects.count(), Criterion.objects.count())
    response = admin_client(admin_user).post(
        reverse("admin:accounts_user_delete", args=[student.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=student.pk).exists()
    for model, field in [
        (Enrollment, "student_id"),
        (Progress, "student_id"),
        (Visit, "student_id"),
        (Answer, "student_id"),
        (Post, "author_id"),
        (Submission, "student_id"),
        (SubmissionVersion, "submission__student_id"),
        (Grade, "version__submission__student_id"),
        (CriterionScore, "grade__version__submission__student_id"),
    ]:
        assert not model.objects.filter(**{field: student.pk}).exists(), model
    # The class, its lesson's rubric (PROTECTed by grades) and the other class's work stay.
    assert Classroom.objects.filter(name="History 10").exists()
    assert (Rubric.objects.count(), Criterion.objects.count()) == rubric_rows
    assert Grade.objects.filter(version__submission__student__username="otherstudent").exists()
    assert Post.objects.filter(text="Bruno's own post").exists()
    # The reply to the deleted post went with it, as the confirmation said.
    assert not Post.objects.filter(text="Bruno replies to Amara").exists()
