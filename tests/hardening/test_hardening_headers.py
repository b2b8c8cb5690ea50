"""Security headers, cookies and sessions with production settings, and password reset.

The headers and cookie flags come from a subprocess that loads config/settings.py with
DEBUG=0, SECRET_KEY and ALLOWED_HOSTS set, exactly as production does, and asks for pages with
django.test.Client over HTTPS. Session behaviour needs the test database, so it runs here with
the cookie settings that subprocess reports.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

# As in tests/conftest.py: hashed static names would need collectstatic first.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
client = Client(HTTP_HOST="history.example.org")
page = client.get("/login/", secure=True)
plain = Client(HTTP_HOST="history.example.org").get("/login/")
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"]),
                    "samesite": cookie["samesite"]},
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "settings": {
        name: getattr(settings, name)
        for name in ["DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
                     "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
                     "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SAMESITE"]
    },
    "mailer": settings.MAILERS["default"]["BACKEND"],
    "throttle": {
        "backends": settings.AUTHENTICATION_BACKENDS,
        "last_middleware": settings.MIDDLEWARE[-1],
        "handler": settings.AXES_HANDLER,
        "client_address_from": list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER),
    },
}))
"""


@pytest.fixture(scope="module")
def production():
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "DATABASE_URL", "BEHIND_TLS_PROXY"}
        and not k.startswith(("SECURE_", "EMAIL_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "hardening-probe-secret-key-with-plenty-of-entropy-5d1c8a7f3e2b9",
            "ALLOWED_HOSTS": "history.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pages_carry_the_security_headers(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    assert production["status"] == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_production_csp_allows_no_inline_or_eval(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    csp = headers["content-security-policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"


def test_production_cookies_are_secure_and_plain_http_is_redirected(production):
    assert production["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://history.example.org/login/"
    # Reset mail goes out by SMTP in production (the console backend only in development).
    assert production["mailer"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_throttles_every_login_in_the_database_by_the_connecting_address(
    production,
):
    throttle = production["throttle"]
    assert throttle["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert throttle["last_middleware"] == "axes.middleware.AxesMiddleware"
    assert throttle["handler"] == "axes.handlers.database.AxesDatabaseHandler"
    # Without BEHIND_TLS_PROXY no header a client sends can change its address.
    assert throttle["client_address_from"] == ["REMOTE_ADDR"]


@pytest.fixture
def production_cookies(settings, production):
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"):
        setattr(settings, name, production["settings"][name])


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_logging_in_gives_a_new_session_key(production_cookies, student):
    client = Client()
    session = client.session
    session["before_login"] = "yes"
    session.save()
    before = session.session_key
    response = log_in(client, "student")
    assert response.status_code == 302
    after = response.cookies["sessionid"]
    assert after.value != before
    assert after["secure"] and after["httponly"]
    assert after["samesite"] == "Lax"
    assert not SessionStore().exists(before)
    assert SessionStore(session_key=after.value).load()["_auth_user_id"] == str(student.pk)


def test_logging_out_ends_the_session_on_the_server(production_cookies, student):
    client = Client()
    log_in(client, "student")
    key = client.cookies["sessionid"].value
    assert SessionStore().exists(key)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not SessionStore().exists(key)
    # The old cookie, replayed, is anonymous.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("coursework:home"))["Location"].startswith(reverse("accounts:login"))


def test_a_locked_out_login_gives_no_session(production_cookies, student):
    client = Client()
    for _ in range(5):
        log_in(client, "student", "wrong")
    session = client.session
    session["before_login"] = "yes"
    session.save()
    before = session.session_key
    for login in [reverse("accounts:login"), reverse("admin:login")]:
        response = client.post(login, {"username": "student", "password": PASSWORD})
        assert response.status_code == 429
        assert "sessionid" not in response.cookies
        assert client.cookies["sessionid"].value == before
        assert "_auth_user_id" not in SessionStore(session_key=before).load()


def test_login_page_links_to_password_reset(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password-reset")}"' in page
    assert "Forgot your password?" in page


def test_password_reset_form_has_a_labelled_field(client, db):
    page = client.get(reverse("accounts:password-reset")).content.decode()
    assert '<label for="id_email">' in page
    assert 'id="id_email"' in page


def test_password_reset_answers_the_same_whether_or_not_the_account_exists(client, student):
    User.objects.filter(pk=student.pk).update(email="amara@example.org")
    answers = []
    for email in ["amara@example.org", "nobody@example.org"]:
        response = client.post(reverse("accounts:password-reset"), {"email": email})
        page = client.get(response["Location"])
        # Only the per-response CSRF token may differ.
        text = re.sub(r'"X-CSRFToken": "[^"]+"', "", page.content.decode())
        answers.append((response.status_code, response["Location"], page.status_code, text))
    assert answers[0] == answers[1]
    assert answers[0][1] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amara@example.org"]


def test_the_reset_link_sets_a_new_password_once(client, student):
    User.objects.filter(pk=student.pk).update(email="amara@example.org")
    client.post(reverse("accounts:password-reset"), {"email": "amara@example.org"})
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "a-brand-new-password-9931"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert client.get(response["Location"]).status_code == 200
    assert log_in(Client(), "student", new).status_code == 302
    # Used once, the link no longer works.
    assert "already been used" in Client().get(link).content.decode()
