"""The class page's tabs: each its own address, each showing its own part of the class, the
removal of a student confirmed first, and roster errors summed up at the top of the page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Enrollment, User
from tests.conftest import make_user

TABS = {
    "accounts:class-detail": "Overview",
    "accounts:class-assignments": "Assignments",
    "accounts:class-roster": "Roster",
    "accounts:class-settings": "Settings",
}


def html(response) -> str:
    return response.content.decode()


def current_tab(page: str) -> list[str]:
    return re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', page)


@pytest.mark.parametrize(("name", "label"), TABS.items())
def test_each_tab_is_its_own_page_marked_current_in_the_tab_list(
    client, teacher, classroom, name, label
):
    client.force_login(teacher)
    page = html(client.get(reverse(name, args=[classroom.pk])))
    assert current_tab(page) == [label]
    assert '<nav aria-label="Class sections" class="class-tabs">' in page
    for other in TABS:
        assert f'href="{reverse(other, args=[classroom.pk])}"' in page
    assert 'role="tablist"' not in page


@pytest.mark.parametrize("name", TABS)
def test_students_get_403_and_outsiders_404_on_every_tab(
    client, classroom, student, other_teacher, other_student, name
):
    url = reverse(name, args=[classroom.pk])
    client.force_login(student)
    assert client.get(url).status_code == 403
    for outsider in (other_teacher, other_student):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_each_tab_shows_only_its_own_part(client, teacher, classroom, student):
    client.force_login(teacher)
    overview = html(client.get(reverse("accounts:class-detail", args=[classroom.pk])))
    assignments = html(client.get(reverse("accounts:class-assignments", args=[classroom.pk])))
    roster = html(client.get(reverse("accounts:class-roster", args=[classroom.pk])))
    settings = html(client.get(reverse("accounts:class-settings", args=[classroom.pk])))
    assert classroom.join_code in overview
    assert "Upload roster" not in overview and "Rename" not in overview
    assert "Assign a lesson" in assignments and "Upload roster" not in assignments
    assert "Upload roster" in roster and student.username in roster
    assert "Assign a lesson" not in roster and "Add co-teacher" not in roster
    assert "Rename" in settings and "Add co-teacher" in settings and "Archive class" in settings
    assert student.username not in settings


def test_errors_of_each_form_come_back_on_its_own_tab_with_status_400(client, teacher, classroom):
    client.force_login(teacher)
    rename = client.post(reverse("accounts:class-rename", args=[classroom.pk]), {"name": ""})
    coteacher = client.post(reverse("accounts:class-coteacher-add", args=[classroom.pk]), {})
    assign = client.post(reverse("coursework:assignment-create", args=[classroom.pk]), {})
    roster = client.post(reverse("accounts:class-roster", args=[classroom.pk]), {})
    for response, label in [
        (rename, "Settings"),
        (coteacher, "Settings"),
        (assign, "Assignments"),
        (roster, "Roster"),
    ]:
        assert response.status_code == 400
        assert current_tab(html(response)) == [label]
    assert "Give the class a name." in html(rename)
    classroom.refresh_from_db()
    assert classroom.name == "History 10"


def test_successful_settings_changes_return_to_the_settings_tab(client, teacher, classroom):
    client.force_login(teacher)
    response = client.post(reverse("accounts:class-rename", args=[classroom.pk]), {"name": "H11"})
    assert response.url == reverse("accounts:class-settings", args=[classroom.pk])
    classroom.refresh_from_db()
    assert classroom.name == "H11"


def test_asking_to_remove_a_student_shows_a_confirmation_and_changes_nothing(
    client, teacher, classroom, student
):
    client.force_login(teacher)
    url = reverse("accounts:class-student-remove", args=[classroom.pk, student.pk])
    roster = html(client.get(reverse("accounts:class-roster", args=[classroom.pk])))
    assert f'href="{url}"' in roster
    response = client.get(url)
    assert response.status_code == 200
    page = html(response)
    assert f"Remove {student.display_name} from {classroom.name}?" in page
    assert "Their work is kept" in page
    assert f'<form method="post" action="{url}"' in page
    assert Enrollment.objects.active().filter(classroom=classroom, student=student).exists()


def test_confirming_the_removal_removes_the_student_and_returns_to_the_roster(
    client, teacher, classroom, student
):
    client.force_login(teacher)
    url = reverse("accounts:class-student-remove", args=[classroom.pk, student.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:class-roster", args=[classroom.pk])
    assert "Their work is kept." in html(response)
    assert not Enrollment.objects.active().filter(classroom=classroom, student=student).exists()


def test_confirming_a_student_not_in_the_class_is_404(client, teacher, classroom, other_student):
    client.force_login(teacher)
    url = reverse("accounts:class-student-remove", args=[classroom.pk, other_student.pk])
    assert client.get(url).status_code == 404


def test_roster_errors_are_summed_up_at_the_top_linking_to_the_file_field(
    client, teacher, classroom
):
    client.force_login(teacher)
    bad = "first name,last name,username,email\n,Nofirst,nofirst,\nSp,Ace,has space,\n"
    response = client.post(
        reverse("accounts:class-roster", args=[classroom.pk]),
        {"roster": SimpleUploadedFile("r.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 400
    page = html(response)
    summary = page.index('class="errorlist form-errors error-summary" role="alert"')
    assert summary < page.index('id="students-heading"')
    top = page[summary : page.index("</div>", summary)]
    assert "2 problems to fix" in top
    assert '<a href="#id_roster">Line 2: first name is empty</a>' in top
    assert top.count('<a href="#id_roster">Line') == 2
    assert 'id="id_roster"' in page
    assert not User.objects.filter(username__in=["nofirst", "has space"]).exists()


def test_a_missing_roster_file_is_summed_up_too(client, teacher, classroom):
    client.force_login(teacher)
    response = client.post(reverse("accounts:class-roster", args=[classroom.pk]), {})
    page = html(response)
    assert response.status_code == 400
    assert '<a href="#id_roster">Roster file (CSV): Choose a CSV file to upload.</a>' in page


def test_the_tabs_query_counts_do_not_grow_with_the_class(client, teacher, classroom):
    client.force_login(teacher)
    counts = {name: [] for name in TABS}
    added = 0
    for size in (3, 30):
        for i in range(added, size):
            Enrollment.objects.create(classroom=classroom, student=make_user(f"kid{i}"))
        added = size
        for name in TABS:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[classroom.pk])).status_code == 200
            counts[name].append(len(queries))
    for name in TABS:
        assert counts[name][0] == counts[name][1], (name, counts[name])
