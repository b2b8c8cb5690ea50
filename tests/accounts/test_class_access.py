"""Every class view answers each person as the access table says, and refusals change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse as django_reverse

from accounts.models import Classroom, Enrollment

LOGIN = django_reverse("accounts:login")


def class_views(classroom, student):
    """(url name, args, method, data) for each action on one class."""
    roster = "first name,last name,username,email\nNew,Person,newperson,new@example.org\n"
    return [
        ("accounts:class-detail", [classroom.pk], "get", None),
        ("accounts:class-assignments", [classroom.pk], "get", None),
        ("accounts:class-settings", [classroom.pk], "get", None),
        ("accounts:class-roster-tab", [classroom.pk], "get", None),
        ("accounts:class-student-remove-confirm", [classroom.pk, student.pk], "get", None),
        ("accounts:class-rename", [classroom.pk], "post", {"name": "Renamed"}),
        ("accounts:class-archive", [classroom.pk], "post", {"archived": "1"}),
        ("accounts:class-code-regenerate", [classroom.pk], "post", {}),
        ("accounts:class-joining", [classroom.pk], "post", {"enabled": "0"}),
        ("accounts:class-coteacher-add", [classroom.pk], "post", {"username": "otherteacher"}),
        (
            "accounts:class-roster",
            [classroom.pk],
            "post",
            {"roster": SimpleUploadedFile("r.csv", roster.encode(), "text/csv")},
        ),
        ("accounts:class-student-remove", [classroom.pk, student.pk], "post", {}),
    ]


def snapshot(classroom):
    classroom.refresh_from_db()
    return (
        classroom.name,
        classroom.join_code,
        classroom.joining_enabled,
        classroom.archived,
        sorted(classroom.teachers.values_list("username", flat=True)),
        sorted(
            Enrollment.objects.active()
            .filter(classroom=classroom)
            .values_list("student_id", flat=True)
        ),
    )


def send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data or {})


VIEW_NAMES = [
    "accounts:class-detail",
    "accounts:class-assignments",
    "accounts:class-settings",
    "accounts:class-roster-tab",
    "accounts:class-student-remove-confirm",
    "accounts:class-rename",
    "accounts:class-archive",
    "accounts:class-code-regenerate",
    "accounts:class-joining",
    "accounts:class-coteacher-add",
    "accounts:class-roster",
    "accounts:class-student-remove",
]


# Views that answer both GET and POST at one address, listed under a second name for their GET.
SAME_ADDRESS = {
    "accounts:class-roster-tab": "accounts:class-roster",
    "accounts:class-student-remove-confirm": "accounts:class-student-remove",
}


def view_for(name, classroom, student):
    return next(v for v in class_views(classroom, student) if v[0] == name)


def reverse(name, args=()):
    return django_reverse(SAME_ADDRESS.get(name, name), args=args)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_the_class_teacher_may_use_each_class_view(client, classroom, student, other_teacher, name):
    client.force_login(classroom.teachers.get())
    _, args, method, data = view_for(name, classroom, student)
    response = send(client, method, reverse(name, args=args), data)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_an_admin_may_use_each_class_view(
    client, admin_user, classroom, student, other_teacher, name
):
    client.force_login(admin_user)
    _, args, method, data = view_for(name, classroom, student)
    assert send(client, method, reverse(name, args=args), data).status_code in (200, 302)


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_a_student_of_the_class_gets_403_and_nothing_changes(
    client, classroom, student, other_teacher, name
):
    client.force_login(student)
    _, args, method, data = view_for(name, classroom, student)
    before = snapshot(classroom)
    assert send(client, method, reverse(name, args=args), data).status_code == 403
    assert snapshot(classroom) == before


@pytest.mark.parametrize("name", VIEW_NAMES)
@pytest.mark.parametrize("outsider", ["other_teacher", "other_student", "loner"])
def test_an_outsider_gets_404_and_nothing_changes(
    client, request, classroom, student, other_classroom, name, outsider
):
    person = request.getfixturevalue(outsider)
    request.getfixturevalue("other_student")
    client.force_login(person)
    _, args, method, data = view_for(name, classroom, student)
    before = snapshot(classroom)
    assert send(client, method, reverse(name, args=args), data).status_code == 404
    assert snapshot(classroom) == before


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, classroom, student, name):
    _, args, method, data = view_for(name, classroom, student)
    before = snapshot(classroom)
    response = send(client, method, reverse(name, args=args), data)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert snapshot(classroom) == before


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_the_wrong_method_gets_405(client, classroom, student, name):
    client.force_login(classroom.teachers.get())
    _, args, method, _ = view_for(name, classroom, student)
    before = snapshot(classroom)
    url = reverse(name, args=args)
    if name in SAME_ADDRESS or name in SAME_ADDRESS.values():
        response = client.delete(url)
    else:
        response = client.post(url) if method == "get" else client.get(url)
    assert response.status_code == 405
    assert snapshot(classroom) == before


def test_a_missing_class_is_404(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("accounts:class-detail", args=[999_999])).status_code == 404


def test_class_create_is_for_teachers(client, student, teacher):
    url = reverse("accounts:class-create")
    client.force_login(student)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Mine"}).status_code == 403
    assert not Classroom.objects.filter(name="Mine").exists()
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405
    client.logout()
    assert client.get(url).url.startswith(LOGIN)


class TestUserPage:
    def url(self, person):
        return reverse("accounts:user-detail", args=[person.pk])

    def test_a_teacher_sees_their_students_page(self, client, teacher, student):
        client.force_login(teacher)
        response = client.get(self.url(student))
        assert response.status_code == 200
        assert "Amara Okafor" in response.content.decode()

    def test_a_person_sees_their_own_page(self, client, student):
        client.force_login(student)
        assert client.get(self.url(student)).status_code == 200

    def test_an_admin_sees_anyones_page(self, client, admin_user, other_student):
        client.force_login(admin_user)
        assert client.get(self.url(other_student)).status_code == 200

    def test_a_classmate_gets_403(self, client, classroom, student):
        from tests.conftest import enroll, make_user

        classmate = make_user("classmate")
        enroll(classroom, classmate)
        client.force_login(classmate)
        assert client.get(self.url(student)).status_code == 403

    def test_a_student_asking_for_their_teachers_page_gets_403(self, client, teacher, student):
        client.force_login(student)
        assert client.get(self.url(teacher)).status_code == 403

    def test_another_teacher_gets_404(self, client, other_teacher, student):
        client.force_login(other_teacher)
        assert client.get(self.url(student)).status_code == 404

    def test_a_student_of_another_class_gets_404(self, client, other_student, student):
        client.force_login(other_student)
        assert client.get(self.url(student)).status_code == 404

    def test_nobody_but_staff_sees_an_admins_page(self, client, admin_user, teacher):
        client.force_login(teacher)
        assert client.get(self.url(admin_user)).status_code == 404

    def test_a_removed_student_is_no_longer_visible_to_the_teacher(
        self, client, classroom, teacher, student
    ):
        Enrollment.objects.filter(student=student).update(removed_at="2026-01-01T00:00Z")
        client.force_login(teacher)
        assert client.get(self.url(student)).status_code == 404

    def test_anonymous_and_wrong_method(self, client, teacher, student):
        assert client.get(self.url(student)).url.startswith(LOGIN)
        client.force_login(teacher)
        assert client.post(self.url(student)).status_code == 405
