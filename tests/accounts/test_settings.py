"""Settings behave as documented for development and production values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-key-with-plenty-of-entropy-8f2b9c1d7e6a5",
    "ALLOWED_HOSTS": "history.example.org",
}


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_no_warnings_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = run_python("import django; django.setup()", DEBUG="0", ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = run_python("import django; django.setup()", DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_redis_url_selects_the_redis_cache_and_otherwise_local_memory():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    with_redis = run_python(code, REDIS_URL="redis://127.0.0.1:6379/0")
    without = run_python(code)
    assert with_redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    assert without.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_selects_postgresql_with_the_psycopg_pool():
    from config.settings import database_from_url

    db = database_from_url("postgres://app:s%40cret@db.internal:5433/history")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "history",
        "app",
        "s@cret",
        "db.internal",
        "5433",
    )
    assert db["OPTIONS"]["pool"]["max_size"] >= 1


def test_unknown_database_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import database_from_url

    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        database_from_url("mysql://x@y/z")


def test_sqlite_is_set_up_for_a_web_server(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection as c;"
        "cur = c.cursor(); print(cur.execute('PRAGMA journal_mode').fetchone()[0],"
        " cur.execute('PRAGMA busy_timeout').fetchone()[0], c.transaction_mode)"
    )
    result = run_python(code, DATABASE_URL=f"sqlite:///{tmp_path / 'web.sqlite3'}")
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"], result.stderr


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "nonce" not in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "<style" not in html
    assert " style=" not in html
    for chunk in html.split("<script")[1:]:
        assert " src=" in chunk.split(">")[0]


def test_the_client_address_comes_from_the_proxy_header_only_behind_the_tls_proxy():
    code = (
        "from django.conf import settings as s;"
        "print(list(s.AXES_IPWARE_META_PRECEDENCE_ORDER), s.SECURE_PROXY_SSL_HEADER is not None)"
    )
    behind = run_python(code, BEHIND_TLS_PROXY="1")
    direct = run_python(code, BEHIND_TLS_PROXY="0")
    assert behind.stdout.strip() == "['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR'] True", behind.stderr
    assert direct.stdout.strip() == "['REMOTE_ADDR'] False", direct.stderr


def test_login_limits_from_the_environment_set_the_throttle():
    code = (
        "from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    result = run_python(code, LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_SECONDS="60")
    assert result.stdout.split() == ["3", "60"], result.stderr


def test_the_throttle_guards_every_login_and_counts_in_the_database(settings):
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
