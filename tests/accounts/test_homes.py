"""Each role's home page, and fixed query counts however big a class is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Classroom
from tests.conftest import enroll, make_user

HOME = reverse("accounts:home")


def test_teacher_home_lists_classes_with_counts_and_codes(
    client, teacher, classroom, student, other_classroom
):
    client.force_login(teacher)
    html = client.get(HOME).content.decode()
    assert "History 10" in html and "ABCDEF7" in html
    assert "<dt>Students</dt><dd>1</dd>" in html
    assert "Modern Europe" not in html
    assert ">New class</a>" in html


def test_student_home_lists_own_classes_and_the_way_to_join(client, student, other_classroom):
    client.force_login(student)
    html = client.get(HOME).content.decode()
    assert "History 10" in html
    assert "Maria Rivera" in html
    assert "Modern Europe" not in html
    assert "ABCDEF7" not in html
    assert ">Join a class</a>" in html and ">Class code</label>" in html


def test_admin_home_links_to_the_django_admin(client, admin_user, classroom, other_classroom):
    client.force_login(admin_user)
    html = client.get(HOME).content.decode()
    assert reverse("admin:index") in html
    assert "History 10" in html and "Modern Europe" in html
    assert client.get(reverse("admin:index")).status_code == 200


def test_students_and_teachers_cannot_reach_the_django_admin(client, teacher, student):
    for person in (teacher, student):
        client.force_login(person)
        assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))


def test_home_wrong_method(client, student):
    client.force_login(student)
    assert client.post(HOME).status_code == 405


def fill_class(classroom, count, prefix):
    students = [make_user(f"{prefix}{i}") for i in range(count)]
    enroll(classroom, *students)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["home", "class-detail"])
def test_teacher_pages_use_the_same_queries_for_5_and_50_students(client, teacher, url_name):
    small = Classroom.objects.create(name="Small", join_code="SMALLA2")
    big = Classroom.objects.create(name="Big", join_code="BIGBIG2")
    for room in (small, big):
        room.teachers.add(teacher)
    fill_class(small, 5, "s")
    client.force_login(teacher)

    def url(room):
        return (
            reverse("accounts:home")
            if url_name == "home"
            else reverse("accounts:class-detail", args=[room.pk])
        )

    with_five = count_queries(client, url(small))
    fill_class(big, 50, "b")
    with_fifty = count_queries(client, url(big))
    assert with_five == with_fifty
    # The class page also looks up the class's latest roster import.
    assert with_fifty <= (8 if url_name == "home" else 9)


def test_student_home_uses_the_same_queries_for_one_and_several_classes(
    client, student, other_classroom
):
    client.force_login(student)
    one = count_queries(client, HOME)
    for index in range(5):
        room = Classroom.objects.create(name=f"Extra {index}", join_code=f"EXTRA{index + 2}A")
        room.teachers.add(make_user(f"t{index}", role="teacher"))
        enroll(room, student)
    assert count_queries(client, HOME) == one
