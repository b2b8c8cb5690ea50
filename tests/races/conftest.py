"""Races run for real: several requests sent at the same moment to the live server, each on
its own thread and its own database connection.

SQLite needs a database file for that (an in-memory test database is one connection shared by
every thread), so `make pytest` runs this folder a second time with TEST_DATABASE_FILE set;
on PostgreSQL every thread has its own connection anyway.
"""

import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/races/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.race)
            item.add_marker(pytest.mark.django_db(transaction=True))


@dataclass
class Reply:
    status: int
    text: str
    location: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Tab:
    """One signed-in browser tab talking to the live server over HTTP."""

    def __init__(self, base_url: str, user):
        client = Client()
        client.force_login(user)
        self.base_url = base_url
        self.csrf = secrets.token_hex(16)  # 32 characters, the shape of Django's CSRF secret
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={self.csrf}"
        )
        self.opener = urllib.request.build_opener(_NoRedirect())

    def _send(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Reply(response.status, response.read().decode(), "")
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), error.headers.get("Location", ""))

    def get(self, path: str, *, htmx: bool = False) -> Reply:
        headers = {"Cookie": self.cookie, "HX-Request": "true"} if htmx else {"Cookie": self.cookie}
        return self._send(urllib.request.Request(self.base_url + path, headers=headers))

    def post(self, path: str, data: dict | list, *, htmx: bool = False) -> Reply:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers = {
            "Cookie": self.cookie,
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if htmx:
            headers["HX-Request"] = "true"
        return self._send(
            urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST")
        )


def at_once(*calls):
    """Run every call on its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def tab(live_server):
    """tab(user): a new signed-in tab for that user on the live server."""
    return lambda user: Tab(live_server.url, user)


# The coursework cast: a published lesson with one module of every kind, assigned to the class.
from tests.coursework.conftest import assignment, document, lesson  # noqa: E402, F401
