"""Teachers create and manage classes; bad input gets a message and changes nothing."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import JOIN_CODE_ALPHABET, Classroom, Enrollment, new_join_code
from tests.conftest import make_user


def test_a_teacher_creates_a_class_and_sees_its_join_code(client, teacher):
    client.force_login(teacher)
    page = client.get(reverse("accounts:class-create")).content.decode()
    assert ">Class name</label>" in page and ">Create class</button>" in page
    response = client.post(
        reverse("accounts:class-create"), {"name": "  World History  "}, follow=True
    )
    classroom = Classroom.objects.get()
    assert classroom.name == "World History"
    assert list(classroom.teachers.all()) == [teacher]
    html = response.content.decode()
    assert "Join code" in html and classroom.join_code in html


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the class a name."),
        ("   ", "Give the class a name."),
        ("x" * 101, "at most 100 characters"),
        ("Bad\x07name", "control characters"),
    ],
)
def test_a_bad_class_name_is_refused_with_a_message(client, teacher, name, message):
    client.force_login(teacher)
    response = client.post(reverse("accounts:class-create"), {"name": name})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Classroom.objects.exists()


def test_a_class_name_of_100_characters_is_fine(client, teacher):
    client.force_login(teacher)
    client.post(reverse("accounts:class-create"), {"name": "x" * 100})
    assert Classroom.objects.get().name == "x" * 100


def test_rename(client, teacher, classroom):
    client.force_login(teacher)
    client.post(reverse("accounts:class-rename", args=[classroom.pk]), {"name": "Period 3"})
    classroom.refresh_from_db()
    assert classroom.name == "Period 3"


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_a_bad_rename_changes_nothing(client, teacher, classroom, name):
    client.force_login(teacher)
    response = client.post(reverse("accounts:class-rename", args=[classroom.pk]), {"name": name})
    assert response.status_code == 400
    classroom.refresh_from_db()
    assert classroom.name == "History 10"


def test_archive_and_restore(client, teacher, classroom):
    client.force_login(teacher)
    client.post(reverse("accounts:class-archive", args=[classroom.pk]), {"archived": "1"})
    classroom.refresh_from_db()
    assert classroom.archived
    client.post(reverse("accounts:class-archive", args=[classroom.pk]), {"archived": "0"})
    classroom.refresh_from_db()
    assert not classroom.archived


def test_restoring_a_class_whose_code_was_reused_gives_it_a_new_code(teacher, classroom):
    from accounts.services import class_set_archived

    class_set_archived(classroom=classroom, archived=True)
    Classroom.objects.create(name="Newer", join_code=classroom.join_code)
    class_set_archived(classroom=classroom, archived=False)
    classroom.refresh_from_db()
    assert classroom.join_code != "ABCDEF7"
    assert not classroom.archived


def test_join_codes_use_only_unambiguous_characters():
    assert not set("0O1IL") & set(JOIN_CODE_ALPHABET)
    for _ in range(200):
        code = new_join_code()
        assert 6 <= len(code) <= 8
        assert re.fullmatch(f"[{JOIN_CODE_ALPHABET}]+", code)


def test_join_codes_are_unique_among_active_classes(classroom):
    with pytest.raises(IntegrityError), transaction.atomic():
        Classroom.objects.create(name="Copy", join_code=classroom.join_code)
    classroom.archived = True
    classroom.save()
    Classroom.objects.create(name="Copy", join_code=classroom.join_code)


def test_a_new_code_replaces_the_old_one(client, teacher, classroom, loner):
    client.force_login(teacher)
    client.post(reverse("accounts:class-code-regenerate", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.join_code != "ABCDEF7"
    client.force_login(loner)
    response = client.post(reverse("accounts:class-join"), {"code": "ABCDEF7"})
    assert "No class has that code" in response.content.decode()


def test_joining_can_be_switched_off_and_on(client, teacher, classroom):
    client.force_login(teacher)
    client.post(reverse("accounts:class-joining", args=[classroom.pk]), {"enabled": "0"})
    classroom.refresh_from_db()
    assert not classroom.joining_enabled
    client.post(reverse("accounts:class-joining", args=[classroom.pk]), {"enabled": "1"})
    classroom.refresh_from_db()
    assert classroom.joining_enabled


def test_a_teacher_adds_a_co_teacher_who_then_manages_the_class(
    client, teacher, classroom, other_teacher
):
    client.force_login(teacher)
    client.post(
        reverse("accounts:class-coteacher-add", args=[classroom.pk]), {"username": "OtherTeacher"}
    )
    assert set(classroom.teachers.all()) == {teacher, other_teacher}
    client.force_login(other_teacher)
    assert client.get(reverse("accounts:class-detail", args=[classroom.pk])).status_code == 200


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "No teacher account has the username"),
        # The same answer as for nobody: the form doesn't reveal which students exist.
        ("student", "No teacher account has the username"),
        ("teacher", "already teaches this class"),
        ("", "Type the username"),
    ],
)
def test_a_bad_co_teacher_is_refused(client, teacher, classroom, student, username, message):
    client.force_login(teacher)
    response = client.post(
        reverse("accounts:class-coteacher-add", args=[classroom.pk]), {"username": username}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(classroom.teachers.all()) == [teacher]


def test_removing_a_student_keeps_their_enrollment_record(client, teacher, classroom, student):
    client.force_login(teacher)
    response = client.post(
        reverse("accounts:class-student-remove", args=[classroom.pk, student.pk]), follow=True
    )
    assert "Their work is kept" in response.content.decode()
    enrollment = Enrollment.objects.get(student=student)
    assert enrollment.removed_at is not None
    assert student.__class__.objects.filter(pk=student.pk).exists()
    assert (
        "Amara"
        not in client.get(reverse("accounts:class-detail", args=[classroom.pk])).content.decode()
    )


def test_removing_someone_not_in_the_class_changes_nothing(
    client, teacher, classroom, student, other_student
):
    client.force_login(teacher)
    response = client.post(
        reverse("accounts:class-student-remove", args=[classroom.pk, other_student.pk]), follow=True
    )
    assert "not in this class" in response.content.decode()
    assert Enrollment.objects.active().count() == 2


def test_the_class_page_lists_students_and_teachers(client, teacher, classroom, student):
    make_user("quiet", first_name="Quinn", last_name="Murphy")
    client.force_login(teacher)
    html = client.get(reverse("accounts:class-roster", args=[classroom.pk])).content.decode()
    assert "Amara Okafor" in html
    assert "Quinn Murphy" not in html
    html = client.get(reverse("accounts:class-settings", args=[classroom.pk])).content.decode()
    assert "Maria Rivera" in html
