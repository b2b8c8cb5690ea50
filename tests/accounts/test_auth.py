"""Logging in and out, changing a password, and throttling failed logins."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_page_names_its_fields_and_button(client, db):
    html = client.get(LOGIN).content.decode()
    assert ">Username</label>" in html
    assert ">Password</label>" in html
    assert ">Log in</button>" in html


def test_teacher_logs_in_and_lands_on_their_home(client, teacher):
    response = attempt(client, "teacher", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert client.session[SESSION_KEY] == str(teacher.pk)


def test_wrong_password_gets_a_clear_message_and_no_session(client, teacher):
    response = attempt(client, "teacher", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_five_failures_lock_the_username_and_address_pair(client, teacher):
    for _ in range(4):
        assert "locked" not in attempt(client, "teacher", "wrong").content.decode()
    fifth = attempt(client, "teacher", "wrong")
    assert "locked for 15 minutes" in fifth.content.decode()
    # Even the right password is refused while locked.
    locked = attempt(client, "teacher", PASSWORD)
    assert locked.status_code == 200
    assert "locked for 15 minutes" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_lockout_is_per_pair(client, teacher, student):
    for _ in range(5):
        attempt(client, "teacher", "wrong", address="10.0.0.1")
    assert attempt(client, "teacher", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "student", PASSWORD, address="10.0.0.1").status_code == 302


def test_lockout_ignores_username_case(client, teacher):
    for _ in range(5):
        attempt(client, "TEACHER", "wrong")
    assert "locked" in attempt(client, "teacher", PASSWORD).content.decode()


def test_lockout_ends_when_its_time_runs_out(client, teacher):
    for _ in range(5):
        attempt(client, "teacher", "wrong")
    cache.clear()  # stands in for the 15 minutes passing: the lock lives only in the cache
    assert attempt(client, "teacher", PASSWORD).status_code == 302


def test_lockout_lasts_fifteen_minutes(settings):
    from accounts.throttle import login_failure_record, login_is_locked

    assert settings.LOGIN_LOCKOUT_SECONDS == 15 * 60
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(5):
        login_failure_record(username="x", address="1.2.3.4")
    assert login_is_locked(username="x", address="1.2.3.4")
    assert not login_is_locked(username="x", address="1.2.3.5")


def test_a_success_resets_the_failure_count(client, teacher):
    for _ in range(4):
        attempt(client, "teacher", "wrong")
    assert attempt(client, "teacher", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "teacher", "wrong")
    assert attempt(client, "teacher", PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, student):
    client.force_login(student)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_every_page_shows_a_log_out_button(client, student):
    client.force_login(student)
    assert ">Log out</button>" in client.get(reverse("accounts:home")).content.decode()


def test_password_change(client, student):
    client.force_login(student)
    url = reverse("accounts:password-change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-phrase-9",
            "new_password2": "a-new-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("a-new-pass-phrase-9")


def test_password_change_with_wrong_old_password_changes_nothing(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "nope",
            "new_password1": "a-new-pass-phrase-9",
            "new_password2": "a-new-pass-phrase-9",
        },
    )
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


@pytest.mark.parametrize(
    "name", ["accounts:home", "accounts:password-change", "accounts:class-join"]
)
def test_anonymous_visitor_is_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
