"""Logging in and out, changing a password, and throttling failed logins and reset requests."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
RESET = reverse("accounts:password-reset")
LOCKED = "Too many failed log-in attempts for this username"
RESET_LOCKED = "Too many password-reset requests for this email address"
ROOT = Path(__file__).resolve().parents[2]
PROXY_SETTINGS = [
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "IPWARE_STRICT",
]


def attempt(client, username, password, address="10.0.0.1", url=LOGIN, **headers):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def words(response) -> str:
    """The page's text with every run of whitespace as one space."""
    return " ".join(response.content.decode().split())


def fail(client, username, times, **kwargs):
    for _ in range(times):
        attempt(client, username, "wrong", **kwargs)


def time_passes(seconds: int) -> None:
    """Age every recorded failure, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def settings_with(behind_tls_proxy: str) -> dict:
    """The client-address settings config/settings.py makes for that BEHIND_TLS_PROXY."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {PROXY_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "BEHIND_TLS_PROXY": behind_tls_proxy,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def proxy_settings():
    return {"1": settings_with("1"), "0": settings_with("0")}


@pytest.fixture
def behind_proxy(settings, proxy_settings):
    for name, value in proxy_settings["1"].items():
        setattr(settings, name, value)


@pytest.fixture
def without_proxy(settings, proxy_settings):
    for name, value in proxy_settings["0"].items():
        setattr(settings, name, value)


def test_login_page_names_its_fields_and_button(client, db):
    html = client.get(LOGIN).content.decode()
    assert ">Username</label>" in html
    assert ">Password</label>" in html
    assert ">Log in</button>" in html


def test_teacher_logs_in_and_lands_on_their_home(client, teacher):
    response = attempt(client, "teacher", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("coursework:home")
    assert client.session[SESSION_KEY] == str(teacher.pk)


def test_wrong_password_gets_a_clear_message_and_no_session(client, teacher):
    response = attempt(client, "teacher", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in words(response)
    assert SESSION_KEY not in client.session


def test_five_failures_lock_the_username_and_address_pair(client, teacher):
    for _ in range(4):
        assert LOCKED not in words(attempt(client, "teacher", "wrong"))
    fifth = attempt(client, "teacher", "wrong")
    assert fifth.status_code == 429
    assert "locked here for 15 minutes" in words(fifth)
    # Even the right password is refused while locked.
    locked = attempt(client, "teacher", PASSWORD)
    assert locked.status_code == 429
    assert LOCKED in words(locked)
    assert SESSION_KEY not in client.session


def test_lockout_shows_a_clear_message_and_changes_nothing(client, teacher):
    fail(client, "teacher", 5)
    before = AccessAttempt.objects.get()
    response = attempt(client, "teacher", PASSWORD)
    page = words(response)
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in page
    assert "locked here for 15 minutes; try again later or ask your teacher" in page
    assert f'href="{LOGIN}"' in page
    assert SESSION_KEY not in client.session
    teacher.refresh_from_db()
    assert teacher.last_login is None
    after = AccessAttempt.objects.get()
    assert (after.failures_since_start, after.attempt_time) == (5, before.attempt_time)


def test_failures_on_the_site_login_lock_the_admin_login(client, admin_user):
    fail(client, "admin", 5)
    response = attempt(client, "admin", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert LOCKED in words(response)
    assert SESSION_KEY not in client.session


def test_failures_on_the_admin_login_lock_the_site_login(client, admin_user):
    for _ in range(4):
        assert attempt(client, "admin", "wrong", url=ADMIN_LOGIN).status_code == 200
    assert attempt(client, "admin", "wrong", url=ADMIN_LOGIN).status_code == 429
    response = attempt(client, "admin", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_failures_split_between_the_two_logins_add_up(client, admin_user):
    for url in [LOGIN, ADMIN_LOGIN, LOGIN, ADMIN_LOGIN]:
        attempt(client, "admin", "wrong", url=url)
    assert attempt(client, "admin", "wrong", url=LOGIN).status_code == 429
    assert attempt(client, "admin", PASSWORD, url=ADMIN_LOGIN).status_code == 429


def test_lockout_is_per_pair(client, teacher, student):
    fail(client, "teacher", 5, address="10.0.0.1")
    assert attempt(client, "teacher", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "student", PASSWORD, address="10.0.0.1").status_code == 302


def test_lockout_ignores_username_case(client, teacher):
    fail(client, "TEACHER", 5)
    assert LOCKED in words(attempt(client, "teacher", PASSWORD))


def test_failures_are_counted_in_the_database_not_the_cache(client, teacher):
    fail(client, "teacher", 3)
    row = AccessAttempt.objects.get()
    assert (row.username, row.ip_address, row.failures_since_start) == ("teacher", "10.0.0.1", 3)
    fail(client, "teacher", 2)
    cache.clear()  # another process, or a cache that lost its keys, sees the same count
    assert attempt(client, "teacher", PASSWORD).status_code == 429


def test_lockout_ends_when_its_time_runs_out(client, teacher):
    fail(client, "teacher", 5)
    time_passes(15 * 60 + 1)
    assert attempt(client, "teacher", PASSWORD).status_code == 302


def test_attempts_during_a_lockout_do_not_extend_it(client, teacher):
    fail(client, "teacher", 5)
    time_passes(14 * 60)
    assert attempt(client, "teacher", "wrong").status_code == 429
    assert attempt(client, "teacher", PASSWORD).status_code == 429
    time_passes(60 + 1)
    assert attempt(client, "teacher", PASSWORD).status_code == 302


def test_lockout_follows_the_login_settings(settings):
    assert settings.LOGIN_LOCKOUT_SECONDS == 15 * 60
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.AXES_FAILURE_LIMIT == settings.LOGIN_FAILURE_LIMIT
    assert timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_a_success_resets_the_failure_count(client, teacher):
    fail(client, "teacher", 4)
    assert attempt(client, "teacher", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    fail(client, "teacher", 4)
    assert attempt(client, "teacher", PASSWORD).status_code == 302


def test_behind_the_proxy_the_forwarded_client_address_is_what_locks(client, teacher, behind_proxy):
    # Everyone arrives from the proxy's address; each client is told apart by the header.
    fail(client, "teacher", 5, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    locked = attempt(client, "teacher", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429


def test_behind_the_proxy_the_right_password_from_another_client_is_not_locked_out(
    client, teacher, behind_proxy
):
    fail(client, "teacher", 5, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = attempt(client, "teacher", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.8.7")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(teacher.pk)


def test_behind_the_proxy_only_the_address_the_proxy_added_counts(client, teacher, behind_proxy):
    # A client can put anything in front of what the proxy appends; only the last entry counts.
    for forged in ["203.0.113.1", "203.0.113.2, 10.0.0.5", "not-an-address"]:
        attempt(
            client,
            "teacher",
            "wrong",
            "127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7",
        )
    fail(client, "teacher", 2, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]
    locked = attempt(client, "teacher", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429


def test_without_the_proxy_a_client_sent_forwarded_for_is_ignored(client, teacher, without_proxy):
    for n in range(5):
        attempt(client, "teacher", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.1"]
    response = attempt(client, "teacher", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="10.9.8.7")
    assert response.status_code == 429


def ask_for_reset(client, email, address="10.0.0.1"):
    response = client.post(RESET, {"email": email}, REMOTE_ADDR=address)
    if response.status_code == 302:
        response = client.get(response["Location"])
    # Only the per-response CSRF token may differ.
    return response.status_code, re.sub(r'"X-CSRFToken": "[^"]+"', "", words(response))


@pytest.fixture
def amara(student):
    User.objects.filter(pk=student.pk).update(email="amara@example.org")
    return student


def test_password_reset_requests_are_throttled(client, amara):
    for _ in range(4):
        status, page = ask_for_reset(client, "amara@example.org")
        assert (status, "Check your email" in page) == (200, True)
    assert len(mail.outbox) == 4
    for _ in range(2):
        status, page = ask_for_reset(client, "Amara@Example.org")
        assert status == 429
        assert RESET_LOCKED in page
    assert len(mail.outbox) == 4


def test_throttled_reset_answers_the_same_whether_or_not_the_account_exists(client, amara):
    answers = {}
    for email in ["amara@example.org", "nobody@example.org"]:
        answers[email] = [ask_for_reset(client, email) for _ in range(6)]
    assert answers["amara@example.org"] == answers["nobody@example.org"]
    assert [status for status, _ in answers["nobody@example.org"]] == [200] * 4 + [429] * 2


def test_reset_throttle_is_per_email_and_address(client, amara):
    for _ in range(5):
        ask_for_reset(client, "amara@example.org", address="10.0.0.1")
    assert ask_for_reset(client, "amara@example.org", address="10.0.0.2")[0] == 200
    assert ask_for_reset(client, "other@example.org", address="10.0.0.1")[0] == 200


def test_a_reset_form_with_errors_is_not_counted(client, amara):
    for _ in range(6):
        response = client.post(RESET, {"email": "not an email"}, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200
        assert "Enter a valid email address" in words(response)
    assert not AccessAttempt.objects.exists()
    assert len(mail.outbox) == 0


def test_reset_requests_do_not_lock_the_login(client, amara):
    for _ in range(6):
        ask_for_reset(client, "amara@example.org")
    assert attempt(client, "student", PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, student):
    client.force_login(student)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_every_page_shows_a_log_out_button(client, student):
    client.force_login(student)
    assert ">Log out</button>" in client.get(reverse("coursework:home")).content.decode()


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
    "name", ["coursework:home", "accounts:password-change", "accounts:class-join"]
)
def test_anonymous_visitor_is_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
