"""Each role's home page, and fixed query counts however big a class is."""

import ast
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Classroom, Enrollment
from coursework import services as coursework_services
from tests.conftest import enroll, make_user, not_modified_queries
from tests.lessons.conftest import document, draft_lesson, published_lesson  # noqa: F401

HOME = reverse("coursework:home")


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
            reverse("coursework:home")
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


# The student home answers 304 while nothing it shows has changed ---------------------------


@pytest.fixture
def lesson_assigned(published_lesson, classroom, teacher):  # noqa: F811
    return coursework_services.assignment_create(
        classroom=classroom,
        lesson=published_lesson,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=7),
    )


def held(client) -> str:
    """The home's ETag, checked to be confirmed with a 304 and one query beyond the session
    and the user."""
    response = client.get(HOME)
    assert response.status_code == 200
    etag = response["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(HOME, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert len(queries) == not_modified_queries(), [q["sql"] for q in queries]
    return etag


def changed(client, etag: str) -> str:
    response = client.get(HOME, headers={"If-None-Match": etag})
    assert response.status_code == 200, "a change kept the old ETag"
    assert response["ETag"] != etag
    return response.content.decode()


def test_student_home_changes_yield_new_etags(client, student, classroom, teacher, lesson_assigned):
    client.force_login(student)
    title = lesson_assigned.lesson.title
    etag = held(client)
    accounts_services.class_rename(classroom=classroom, name="History 11")
    assert "History 11" in changed(client, etag)

    etag = held(client)
    coteacher = make_user("ines", role="teacher", first_name="Ines", last_name="Duarte")
    classroom.teachers.add(coteacher)
    assert "Ines Duarte" in changed(client, etag)

    etag = held(client)
    coteacher.first_name = "Inês"
    coteacher.save()
    assert "Inês Duarte" in changed(client, etag)

    etag = held(client)
    student.first_name = "Ama"
    student.save()
    assert "Ama Okafor" in changed(client, etag)

    etag = held(client)
    module = lesson_assigned.lesson.modules.order_by("position").first()
    coursework_services.module_open(assignment=lesson_assigned, student=student, module=module)
    assert "1 of " in changed(client, etag)

    etag = held(client)
    accounts_services.class_set_archived(classroom=classroom, archived=True)
    assert '<span class="tag">archived</span>' in changed(client, etag)

    etag = held(client)
    coursework_services.assignment_withdraw(assignment=lesson_assigned)
    assert title not in changed(client, etag)


def test_student_home_due_date_passing_yields_a_new_etag(client, student, lesson_assigned):
    client.force_login(student)
    etag = held(client)
    with mock.patch("django.utils.timezone.now", return_value=lesson_assigned.due_at):
        assert "Late" not in changed_or_same(client, etag, expect_change=False)
    late = lesson_assigned.due_at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert "Late" in changed(client, etag)


def changed_or_same(client, etag: str, *, expect_change: bool) -> str:
    response = client.get(HOME, headers={"If-None-Match": etag})
    assert response.status_code == (200 if expect_change else 304)
    return response.content.decode()


def test_joining_a_class_with_nothing_assigned_yields_a_new_etag(client, student, other_classroom):
    client.force_login(student)
    etag = held(client)
    accounts_services.class_join(student=student, code=other_classroom.join_code)
    assert "Modern Europe" in changed(client, etag)


def test_a_class_opening_its_lesson_yields_a_new_etag(client, student, lesson_assigned):
    coursework_services.assignment_update_dates(
        assignment=lesson_assigned,
        opens_at=timezone.now() + timedelta(hours=1),
        due_at=timezone.now() + timedelta(days=2),
    )
    client.force_login(student)
    etag = held(client)
    with mock.patch("django.utils.timezone.now", return_value=lesson_assigned.due_at):
        assert "Opens" not in changed(client, etag)


def test_removal_from_the_class_yields_a_new_etag(client, student, classroom, lesson_assigned):
    client.force_login(student)
    etag = held(client)
    # In bulk, so no stamp changes: the set of classes the student is in does.
    Enrollment.objects.filter(student=student).update(removed_at=timezone.now())
    html = changed(client, etag)
    assert "History 10" not in html and lesson_assigned.lesson.title not in html


def test_another_student_with_the_same_etag_gets_their_own_home(
    client, student, classmate, lesson_assigned
):
    client.force_login(student)
    etag = held(client)
    other = Client()
    other.force_login(classmate)
    response = other.get(HOME, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Bruno Silva" in response.content.decode()


def test_teacher_home_is_rendered_every_time(client, teacher, classroom):
    client.force_login(teacher)
    response = client.get(HOME)
    assert not response.has_header("ETag")
    assert "private" in response["Cache-Control"]


def test_the_accounts_views_import_nothing_from_coursework():
    tree = ast.parse((Path(__file__).parents[2] / "accounts" / "views.py").read_text())
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.split(".")[0] == "coursework"]
