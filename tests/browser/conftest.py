"""Headless Chromium journeys against the live server, with axe-core on every page visited.

Debian's chromium is used with the flags that keep it off the network. Every page a journey
visits is checked with axe-core and its HTML is kept under test-artifacts/html/ for the W3C
checker. A failing test leaves a screenshot and the page's HTML under test-artifacts/failures/.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

from accounts.models import Classroom, Enrollment, User
from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LESSON_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "lessons" / "great-purge.json"
_axe = Axe()


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # to set up data are still ordinary blocking calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visitor:
    """One person's browser tab, checking every page it lands on."""

    def __init__(self, page: Page, base: str, name: str, *, javascript: bool = True):
        self.page, self.base, self.name = page, base, name
        self.javascript = javascript
        self.checked: set[str] = set()

    def _axe_page(self) -> Page:
        """The page axe-core runs in: this one, or the same URL in a scripted twin tab.

        Scripts can't run in a tab with JavaScript off, so its pages are opened again,
        with the same session, in a tab that allows them.
        """
        if self.javascript:
            return self.page
        twin = self.page.context.browser.new_context(
            storage_state=self.page.context.storage_state(),
            viewport={"width": 1280, "height": 900},
        )
        page = twin.new_page()
        page.goto(self.page.url)
        return page

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.check()
        return self.page

    def check(self) -> None:
        """axe-core finds nothing, and the HTML is kept for the W3C checker."""
        page = self.page
        page.wait_for_load_state("domcontentloaded")
        path = re.sub(r"\d+", "N", page.url.removeprefix(self.base).split("#")[0]) or "/"
        key = f"{self.name}:{path}"
        axe_page = self._axe_page()
        results = _axe.run(axe_page)
        if axe_page is not page:
            axe_page.context.close()
        violations = [
            f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results.response["violations"]
        ]
        assert not violations, f"axe-core on {page.url} as {self.name}:\n" + "\n".join(violations)
        if key not in self.checked:
            self.checked.add(key)
            self._keep_server_html(key)

    def _keep_server_html(self, key: str) -> None:
        # The W3C checker reads the HTML the server sends, not the DOM after scripts ran.
        response = self.page.context.request.get(self.page.url)
        if response.status != 200 or "html" not in response.headers.get("content-type", ""):
            return
        html_dir = ARTIFACTS / "html"
        html_dir.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
        (html_dir / f"{slug}.html").write_text(response.text(), encoding="utf-8")

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        self.go("/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.submit("Log in")

    def submit(self, button: str, **options) -> Page:
        """Press a button that loads a new page, then check that page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, **options).click()
        self.check()
        return self.page

    def follow(self, link: str, **options) -> Page:
        """Follow a link to a new page, then check that page."""
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link, **options).first.click()
        self.check()
        return self.page


@pytest.fixture
def visit(browser, live_server, request):
    """Open a new tab for a person: visit("teacher", javascript=False)."""
    contexts = []

    def open_tab(name: str, *, javascript: bool = True) -> Visitor:
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        return Visitor(context.new_page(), live_server.url, name, javascript=javascript)

    yield open_tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        out = ARTIFACTS / "failures" / request.node.name
        out.mkdir(parents=True, exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                stem = out / f"tab{index}-{number}"
                page.screenshot(path=f"{stem}.png", full_page=True)
                stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        print(f"\nScreenshots and HTML of the failure are in {out}")
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def school(transactional_db):
    """A teacher without a class yet, a student, a classmate, an admin, and the lesson."""
    from lessons.curated import lesson_load

    lesson, _ = lesson_load(path=LESSON_FILE)
    people = {
        "teacher": User.objects.create_user(
            "teacher", password=PASSWORD, role="teacher", first_name="Maria", last_name="Rivera"
        ),
        "student": User.objects.create_user(
            "student", password=PASSWORD, first_name="Amara", last_name="Okafor"
        ),
        "classmate": User.objects.create_user(
            "classmate", password=PASSWORD, first_name="Ben", last_name="Schmidt"
        ),
        "admin": User.objects.create_user(
            "admin", password=PASSWORD, role="teacher", is_staff=True, is_superuser=True
        ),
    }
    return {"lesson": lesson, **people}


def class_with(teacher: User, *students: User, name="History 10") -> Classroom:
    classroom = Classroom.objects.create(name=name, join_code="HSTRY23")
    classroom.teachers.add(teacher)
    for student in students:
        Enrollment.objects.create(classroom=classroom, student=student)
    return classroom
