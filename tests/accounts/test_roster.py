"""Roster uploads: all rows good and everyone is added, or nothing is saved and every bad
line is reported."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Enrollment, User
from tests.conftest import make_user

HEADER = "first name,last name,username,email\n"


def upload(client, classroom, content: bytes, name="roster.csv"):
    return client.post(
        reverse("accounts:class-roster-upload", args=[classroom.pk]),
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


def test_an_existing_student_is_enrolled_not_duplicated(client, teacher, classroom, other_student):
    client.force_login(teacher)
    upload(client, classroom, (HEADER + "Zoe,Kowalski,OtherStudent,\n").encode())
    assert User.objects.filter(username__iexact="otherstudent").count() == 1
    assert Enrollment.objects.active().filter(classroom=classroom, student=other_student).exists()


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


def test_a_username_belonging_to_a_teacher_is_refused(client, teacher, classroom, other_teacher):
    refused(
        client,
        teacher,
        classroom,
        (HEADER + "Some,One,otherteacher,\n").encode(),
        "Line 2: username &#x27;otherteacher&#x27; belongs to a teacher or admin account",
    )


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
    response = client.post(reverse("accounts:class-roster-upload", args=[classroom.pk]), {})
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
