"""Roster uploads: all rows good and everyone is added, or nothing is saved and every bad
line is reported."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Classroom, Enrollment, User
from tests.conftest import enroll, make_user

HEADER = "first name,last name,username,email\n"


def upload(client, classroom, content: bytes, name="roster.csv"):
    return client.post(
        reverse("accounts:class-roster", args=[classroom.pk]),
        {"roster": SimpleUploadedFile(name, content, "text/csv")},
    )


def state():
    return (
        sorted(User.objects.values_list("username", flat=True)),
        sorted(Enrollment.objects.values_list("classroom_id", "student_id", "removed_at")),
    )


def refused(client, teacher, classroom, content: bytes, *messages):
    client.force_login(teacher)
    before = state()
    response = upload(client, classroom, content)
    html = response.content.decode()
    assert response.status_code == 400
    for message in messages:
        assert message in html, message
    assert state() == before


def test_a_good_roster_creates_and_enrolls_every_student(client, teacher, classroom):
    client.force_login(teacher)
    content = (
        "\ufeffFirst Name,Last Name,Username,Email\n"
        "Ana,Lima,ana.lima,ana@example.org\n"
        "Søren,Ødegård,soren,\n"
    ).encode()
    response = upload(client, classroom, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Added 2 students" in html
    ana = User.objects.get(username="ana.lima")
    assert (ana.first_name, ana.last_name, ana.email, ana.role) == (
        "Ana",
        "Lima",
        "ana@example.org",
        "student",
    )
    assert User.objects.get(username="soren").last_name == "Ødegård"
    assert Enrollment.objects.active().filter(classroom=classroom).count() == 2
    # The first password is shown once and works.
    password = re.search(r'<td>ana.lima</td><td class="code">([^<]+)</td>', html).group(1)
    assert ana.check_password(password)


def test_a_student_from_another_of_the_teachers_classes_is_enrolled_not_duplicated(
    client, teacher, classroom
):
    second = Classroom.objects.create(name="History 11", join_code="QWERTY2")
    second.teachers.add(teacher)
    pupil = make_user("pupil", first_name="Zoe", last_name="Kowalski")
    enroll(second, pupil)
    client.force_login(teacher)
    response = upload(client, classroom, (HEADER + "Zoe,Kowalski,Pupil,\n").encode())
    assert response.status_code == 200
    assert User.objects.filter(username__iexact="pupil").count() == 1
    assert Enrollment.objects.active().filter(classroom=classroom, student=pupil).exists()
    assert "(existing account)" in response.content.decode()


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(client, teacher, classroom):
    content = (
        HEADER
        + "Good,Row,good1,good@example.org\n"
        + ",Nofirst,nofirst,\n"
        + "Bad,Email,bademail,not-an-email\n"
        + "Sp,Ace,has space,\n"
        + "Dup,One,twin,\n"
        + "Dup,Two,TWIN,\n"
    ).encode()
    refused(
        client,
        teacher,
        classroom,
        content,
        "Nothing was saved",
        "Line 3: first name is empty",
        "Line 4: email &#x27;not-an-email&#x27; is not a valid address",
        "Line 5: username &#x27;has space&#x27; may only contain",
        "Line 7: username &#x27;TWIN&#x27; is already on line 6",
    )


def unavailable(username: str) -> str:
    return (
        f"username &#x27;{username}&#x27; can&#x27;t be used for this class. Choose another "
        "username for a new account; a student who already has an account joins with the "
        "class code"
    )


def test_a_student_of_another_teachers_class_is_refused_without_their_email(
    client, teacher, classroom, other_student
):
    other_student.email = "zoe.private@example.org"
    other_student.save()
    refused(
        client,
        teacher,
        classroom,
        (HEADER + "Zoe,Kowalski,OtherStudent,guess@example.org\n").encode(),
        "Line 2: " + unavailable("OtherStudent"),
    )
    html = upload(client, classroom, (HEADER + "Zoe,Kowalski,otherstudent,\n").encode())
    assert "zoe.private@example.org" not in html.content.decode()


def test_refusals_read_the_same_whoever_holds_the_username(
    client, teacher, classroom, other_student, other_teacher, admin_user, loner
):
    gone = make_user("gone", is_active=False)
    enroll(classroom, gone)
    rows = ["otherstudent", "otherteacher", "admin", "loner", "gone"]
    content = (HEADER + "".join(f"Some,One,{name},\n" for name in rows)).encode()
    client.force_login(teacher)
    before = state()
    html = upload(client, classroom, content).content.decode()
    assert state() == before
    for line, name in enumerate(rows, start=2):
        assert f"Line {line}: {unavailable(name)}</li>" in html
    assert "teacher or admin" not in html
    assert "deactivated" not in html


def test_an_admin_may_add_any_student_and_is_told_about_staff_accounts(
    client, admin_user, classroom, other_student, other_teacher
):
    refused(
        client,
        admin_user,
        classroom,
        (HEADER + "Some,One,otherteacher,\nZoe,Kowalski,otherstudent,\n").encode(),
        "Line 2: username &#x27;otherteacher&#x27; belongs to a teacher or admin account",
    )
    response = upload(client, classroom, (HEADER + "Zoe,Kowalski,otherstudent,\n").encode())
    assert response.status_code == 200
    assert Enrollment.objects.active().filter(classroom=classroom, student=other_student).exists()


def test_a_co_teacher_may_re_add_a_student_removed_from_the_class(
    client, teacher, other_teacher, classroom
):
    classroom.teachers.add(other_teacher)
    returning = make_user("comeback")
    Enrollment.objects.create(
        classroom=classroom, student=returning, removed_at="2026-01-01T00:00Z"
    )
    client.force_login(other_teacher)
    assert upload(client, classroom, (HEADER + "Come,Back,comeback,\n").encode()).status_code == 200
    assert Enrollment.objects.get(student=returning).removed_at is None


def test_a_bad_encoding_is_refused(client, teacher, classroom):
    refused(
        client,
        teacher,
        classroom,
        (HEADER + "José,Núñez,jose,\n").encode("latin-1"),
        "not UTF-8 text",
    )


def test_missing_columns_are_named(client, teacher, classroom):
    refused(
        client,
        teacher,
        classroom,
        b"first name,username\nAna,ana\n",
        "missing the column(s): last name, email",
    )


def test_an_oversized_file_is_refused(client, teacher, classroom):
    big = (HEADER + "Alexandra,Bartholomew,user{},\n" * 40_000).encode()
    assert len(big) > 1024 * 1024
    refused(client, teacher, classroom, big, "larger than 1 MB")


def test_an_empty_file_is_refused(client, teacher, classroom):
    refused(client, teacher, classroom, b"", "The submitted file is empty")


def test_a_header_only_file_is_refused(client, teacher, classroom):
    refused(client, teacher, classroom, HEADER.encode(), "no students")


def test_a_binary_file_is_refused(client, teacher, classroom):
    refused(client, teacher, classroom, b"PK\x03\x04\x00\x00binary", "not a CSV text file")


def test_no_file_is_refused(client, teacher, classroom):
    client.force_login(teacher)
    response = client.post(reverse("accounts:class-roster", args=[classroom.pk]), {})
    assert response.status_code == 400
    assert "Choose a CSV file" in response.content.decode()


def test_a_roster_re_adds_a_removed_student(client, teacher, classroom):
    returning = make_user("returning")
    Enrollment.objects.create(
        classroom=classroom, student=returning, removed_at="2026-01-01T00:00Z"
    )
    client.force_login(teacher)
    upload(client, classroom, (HEADER + "Re,Turning,returning,\n").encode())
    assert Enrollment.objects.get(student=returning).removed_at is None


def test_names_with_control_or_direction_characters_are_refused(client, teacher, classroom):
    refused(
        client,
        teacher,
        classroom,
        (HEADER + "Ana\u202egnirts,Lima,ana,\n").encode(),
        "Line 2: first name contains control or text-direction characters",
    )
