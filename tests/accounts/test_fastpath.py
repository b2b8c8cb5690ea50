"""The per-request session and user lookups read rows with plain SQL; they must give exactly
what Django's own database session store and ModelBackend give."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.fastpath import SessionStore, UserBackend, fetch_user
from accounts.models import User, session_auth_hash

from ..conftest import PASSWORD, make_user


def test_fetch_user_builds_the_same_user_as_the_orm(student):
    fast = fetch_user(str(student.pk))
    slow = User.objects.get(pk=student.pk)
    for field in User._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(slow, field.attname), field.name
    assert fast._state.adding is False
    assert fast._state.db == "default"
    assert fast.date_joined.tzinfo is not None


@pytest.mark.parametrize("user_id", ["999999", "not-a-number", "", None])
def test_fetch_user_gives_none_for_no_such_user(db, user_id):
    assert fetch_user(user_id) is None


def test_the_backend_refuses_an_inactive_user_like_modelbackend(student):
    student.is_active = False
    student.save()
    assert UserBackend().get_user(student.pk) is None
    assert ModelBackend().get_user(student.pk) is None


def test_the_session_hash_is_djangos_and_follows_the_password(student):
    from django.contrib.auth.base_user import AbstractBaseUser

    assert student.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(student)
    before = student.get_session_auth_hash()
    student.set_password("another-long-password-9")
    assert student.get_session_auth_hash() != before
    assert session_auth_hash.cache_info().currsize >= 1


def _session_for(user) -> SessionStore:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.fastpath.UserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store


def test_a_stored_session_loads_with_its_data(student):
    key = _session_for(student).session_key
    loaded = SessionStore(session_key=key)
    assert loaded[SESSION_KEY] == str(student.pk)
    assert loaded.session_key == key


def test_an_expired_or_unknown_session_loads_empty_and_gets_a_new_key(student):
    key = _session_for(student).session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(session_key=key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert SessionStore(session_key="x" * 32).load() == {}


def test_signing_in_and_out_with_the_fast_lookups(client, student):
    response = client.post(reverse("accounts:login"), {"username": "student", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    key = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_a_password_change_elsewhere_ends_the_other_sessions(client, student):
    client.force_login(student)
    assert client.get(reverse("accounts:home")).status_code == 200
    student.set_password("a-brand-new-password-4")
    student.save()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, db):
    person = make_user("leaver")
    client.force_login(person)
    assert client.get(reverse("accounts:home")).status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get(reverse("accounts:home")).status_code == 302


def test_fetchone_gives_the_same_row_whether_or_not_queries_are_logged(student):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.fastpath import fetchone

    sql = "SELECT username, is_active FROM accounts_user WHERE id = %s AND username = %s"
    direct = fetchone("default", sql, [student.pk, "student"])
    with CaptureQueriesContext(connection) as logged:
        through_django = fetchone("default", sql, [student.pk, "student"])
    assert direct == through_django
    assert direct[0] == "student" and bool(direct[1]) is True
    assert len(logged) == 1  # visible to query counting
    assert fetchone("default", sql, [student.pk, "nobody"]) is None


def test_each_fetch_gives_a_separate_user_and_sees_every_change(student):
    first, second = fetch_user(student.pk), fetch_user(student.pk)
    assert first is not second and first._state is not second._state
    first.first_name = "Changed in memory only"
    assert fetch_user(student.pk).first_name == "Amara"
    User.objects.filter(pk=student.pk).update(first_name="Renamed", is_active=False)
    fresh = fetch_user(student.pk)
    assert (fresh.first_name, fresh.is_active) == ("Renamed", False)
