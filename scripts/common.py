"""Shared helpers for the load, multi-process and throughput scripts: production-like
settings, a fresh database, gunicorn started and stopped by us, and plain HTTP over loopback.

Only the standard library is used on the client side (http.client and threads), so the
scripts need nothing beyond the project's own dependencies.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def production_env(**extra: str) -> dict[str, str]:
    """DEBUG off with the values a local plain-HTTP run needs; nothing inherited that would
    point the app at another database or cache."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "TEST_DATABASE_FILE"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-0b8e1f6c2d9a4e7f3c5b1a8d6e2f9c4b7a1d3e5f",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def run(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with our arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def django(env: dict, code: str, timeout: int = 600):
    """Run `code` in `manage.py shell` and return the JSON it prints on its last line."""
    out = run(env, "shell", "-c", code, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def fresh_postgres(name: str) -> str:
    """An empty PostgreSQL database `name` (dropped first if it exists); its URL."""
    import psycopg

    assert re.fullmatch(r"[a-z_]+", name)
    url = PG_ADMIN_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite://{path}"


def prepare(env: dict) -> None:
    """Migrate, collect static files (production serves hashed names) and load the lessons."""
    run(env, "migrate", "--noinput", "-v", "0")
    run(env, "collectstatic", "--noinput", "-v", "0")


SESSIONS_CODE = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

def session_for(user):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that loads users (the throttle's comes first and only checks logins).
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
"""


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@contextmanager
def gunicorn(env: dict, port: int, workers: int, log: Path, app: str = "config.wsgi:application"):
    """gunicorn with `workers` sync workers on 127.0.0.1:port; stopped (by its pid) on exit."""
    with log.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn with our arguments
            [
                GUNICORN,
                app,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port)
            time.sleep(0.5)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def worker_pids(master_pid: int) -> list[int]:
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


class Response:
    def __init__(self, status: int, raw_headers: list, body: bytes, seconds: float):
        self.status, self.body, self.seconds = status, body, seconds
        self.headers = {k.lower(): v for k, v in raw_headers}
        self.cookies = {}
        for key, value in raw_headers:
            if key.lower() == "set-cookie" and (match := re.match(r"\s*(\w+)=([^;]*)", value)):
                self.cookies[match.group(1)] = match.group(2)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    form: dict | None = None,
    timeout: float = 30,
) -> Response:
    """One request on a new connection (gunicorn's sync workers close each one anyway)."""
    all_headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - start
        return Response(response.status, response.getheaders(), data, seconds)
    finally:
        connection.close()


CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')
REVISION_IN_PAGE = re.compile(r'name="revision" value="(\d+)"')
TEXTAREA = re.compile(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', re.DOTALL)


def csrf_token(page: str) -> str:
    return CSRF_IN_PAGE.search(page).group(1)


def draft_on_page(page: str) -> tuple[str, int]:
    """The draft text and revision a writing page was rendered with."""
    return unescape(TEXTAREA.search(page).group(1)), int(REVISION_IN_PAGE.search(page).group(1))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
