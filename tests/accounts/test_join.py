"""Students join with a code; every wrong attempt is explained and changes nothing."""

import pytest
from django.urls import reverse

from accounts.models import Enrollment

JOIN = reverse("accounts:class-join")


def test_the_join_page_names_its_field_and_button(client, loner):
    client.force_login(loner)
    html = client.get(JOIN).content.decode()
    assert ">Class code</label>" in html and ">Join</button>" in html


@pytest.mark.parametrize("typed", ["ABCDEF7", "abcdef7", " abc-def7 ", "ABC DEF 7"])
def test_a_student_joins_with_the_code_however_typed(client, classroom, loner, typed):
    client.force_login(loner)
    response = client.post(JOIN, {"code": typed}, follow=True)
    assert "You joined History 10" in response.content.decode()
    assert Enrollment.objects.active().filter(classroom=classroom, student=loner).exists()


def test_a_removed_student_can_rejoin(client, classroom, student):
    Enrollment.objects.filter(student=student).update(removed_at="2026-01-01T00:00Z")
    client.force_login(student)
    client.post(JOIN, {"code": "ABCDEF7"})
    assert Enrollment.objects.get(student=student).removed_at is None


def refused(client, person, code, message, status=400):
    client.force_login(person)
    before = list(Enrollment.objects.values_list("classroom_id", "student_id", "removed_at"))
    response = client.post(JOIN, {"code": code})
    assert response.status_code == status
    assert message in response.content.decode()
    assert (
        list(Enrollment.objects.values_list("classroom_id", "student_id", "removed_at")) == before
    )


def test_a_wrong_code(client, classroom, loner):
    refused(client, loner, "ZZZZZZZ", "No class has that code")


def test_a_code_with_impossible_characters(client, classroom, loner):
    refused(client, loner, "ABCDEF0", "No class has that code")


def test_an_empty_code(client, classroom, loner):
    refused(client, loner, "", "Type the code your teacher gave you")


def test_a_disabled_code(client, classroom, loner):
    classroom.joining_enabled = False
    classroom.save()
    refused(client, loner, "ABCDEF7", "Joining this class with a code is switched off")


def test_an_archived_class_code(client, classroom, loner):
    classroom.archived = True
    classroom.save()
    refused(client, loner, "ABCDEF7", "No class has that code")


def test_a_class_the_student_is_already_in(client, classroom, student):
    refused(client, student, "ABCDEF7", "You are already in History 10")


def test_a_teacher_cannot_join_as_a_student(client, classroom, other_teacher):
    refused(client, other_teacher, "ABCDEF7", "can&#x27;t join a class as a student")


def test_an_admin_cannot_join_as_a_student(client, classroom, admin_user):
    refused(client, admin_user, "ABCDEF7", "can&#x27;t join a class as a student")


def test_join_wrong_method(client, loner):
    client.force_login(loner)
    assert client.put(JOIN).status_code == 405
