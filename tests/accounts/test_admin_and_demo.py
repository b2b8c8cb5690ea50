"""The Django admin works for people and classes; the demo data loads and reloads."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Classroom, Enrollment, User


@pytest.mark.parametrize("model", ["user", "classroom", "enrollment"])
def test_admin_lists_search_and_add_pages_work(client, admin_user, student, model):
    client.force_login(admin_user)
    changelist = reverse(f"admin:accounts_{model}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Okafor"}).status_code == 200
    assert client.get(reverse(f"admin:accounts_{model}_add")).status_code == 200


def test_admin_class_list_shows_teachers_and_student_counts(client, admin_user, student):
    client.force_login(admin_user)
    html = client.get(reverse("admin:accounts_classroom_changelist")).content.decode()
    assert "Maria Rivera" in html and "ABCDEF7" in html


def test_demo_data_is_complete_and_loading_it_twice_changes_nothing(db, capsys):
    call_command("load_demo")
    first = (User.objects.count(), Classroom.objects.count(), Enrollment.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Classroom.objects.count(), Enrollment.objects.count()) == first
    assert User.objects.filter(is_staff=True, username="admin").exists()
    assert User.objects.filter(role="teacher", is_staff=False).count() == 2
    rivera_class = Classroom.objects.get(teachers__username="teacher")
    assert Enrollment.objects.filter(classroom=rivera_class).count() == 24
    chen_class = Classroom.objects.get(teachers__username="teacher2")
    assert Enrollment.objects.filter(classroom=chen_class).count() > 0
    assert not set(rivera_class.students.all()) & set(chen_class.students.all())
    out = capsys.readouterr().out
    assert "history-demo" in out and "teacher2" in out and rivera_class.join_code in out
    assert User.objects.get(username="student01").check_password("history-demo")
