"""Several app processes: two gunicorn instances on different ports sharing one PostgreSQL
database and one Redis cache, as a deployment behind a load balancer would run them.

    .venv/bin/python scripts/multiprocess_check.py    # or: make multiprocess

Checks that a session made through one works on the other, that an ETag either gives out
is confirmed by the other and goes stale on both once a draft is saved through one (the
other sends the new draft), and that the failed-login throttle counts failures made
through both in the database (five failures split across the ports lock the username and
address out, on the site's login and the admin's alike).
Exits non-zero when a check fails.
"""

import re
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    csrf_token,
    django,
    draft_on_page,
    fresh_postgres,
    gunicorn,
    prepare,
    production_env,
    request,
    run,
)

PASSWORD = "multi-process-password-7715"  # noqa: S105 - a throwaway account in a fresh db
SETUP_CODE = f"""
import json
from accounts.models import Classroom, Enrollment, User
from coursework.services import assignment_create
from lessons.models import Lesson

teacher = User.objects.create_user("mpteacher", password="{PASSWORD}", role="teacher")
room = Classroom.objects.create(name="Two processes")
room.teachers.add(teacher)
student = User.objects.create_user("mpstudent", password="{PASSWORD}", role="student")
User.objects.create_user("mpvictim", password="{PASSWORD}", role="student")
Enrollment.objects.create(classroom=room, student=student)
lesson = Lesson.objects.filter(status="published").latest("pk")
assignment = assignment_create(classroom=room, lesson=lesson, teacher=teacher)
write = lesson.modules.get(kind="assignment").position
print(json.dumps({{"assignment": assignment.pk, "write": write}}))
"""

PORTS = (8321, 8322)
# The token in a login form, the site's or the admin's.
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in(port: int, username: str, password: str, path: str = "/login/") -> tuple[int, dict, str]:
    """POST the login form at `path` through `port`; (status, cookies, page or Location)."""
    page = request(port, "GET", path)
    cookies = dict(page.cookies)
    response = request(
        port,
        "POST",
        path,
        cookies=cookies,
        form={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": FORM_TOKEN.search(page.text).group(1),
        },
    )
    cookies.update(response.cookies)
    return response.status, cookies, response.headers.get("location", response.text)


def main() -> int:
    failures = []

    def check(ok: bool, what: str) -> None:
        print(("ok      " if ok else "FAILED  ") + what)
        if not ok:
            failures.append(what)

    url = fresh_postgres("historyclass_multi")
    prefix = f"multiprocess-{int(time.time())}"
    env = production_env(
        DATABASE_URL=url, REDIS_URL="redis://127.0.0.1:6379/2", CACHE_KEY_PREFIX=prefix
    )
    print(f"preparing {url}; cache redis://127.0.0.1:6379/2 (key prefix {prefix})", flush=True)
    prepare(env)
    run(env, "load_lessons")
    setup = django(env, SETUP_CODE)
    workdir = Path(tempfile.mkdtemp(prefix="historyclass-multi-"))
    a, b = PORTS
    with ExitStack() as stack:
        for port in PORTS:
            stack.enter_context(gunicorn(env, port, 2, workdir / f"gunicorn-{port}.log"))

        # A session made through A works through B.
        status, cookies, where = log_in(a, "mpstudent", PASSWORD)
        check(status == 302 and where == "/", f"log in through :{a} (got {status})")
        home = request(b, "GET", "/", cookies=cookies)
        check(
            home.status == 200 and "Two processes" in home.text,
            f"the session from :{a} is logged in on :{b} (got {home.status})",
        )

        # Both instances read the same stamps: an ETag one gives out, the other confirms
        # with 304. A draft saved through A makes the ETag B gave out stale at once: B sends
        # the page again with the new draft, under a new ETag that A confirms in turn.
        writing = f"/work/{setup['assignment']}/{setup['write']}/"
        page = request(b, "GET", writing, cookies=cookies)
        cookies.update(page.cookies)
        etag = page.headers.get("etag", "")
        confirmed = request(a, "GET", writing, cookies=cookies, headers={"If-None-Match": etag})
        check(
            bool(etag) and confirmed.status == 304,
            f"the writing page's ETag from :{b} is confirmed by :{a} (got {confirmed.status})",
        )
        _, revision = draft_on_page(page.text)
        text = "Saved through one process, read through the other."
        saved = request(
            a,
            "POST",
            writing + "draft/",
            cookies=cookies,
            headers={"X-Autosave": "1", "HX-Request": "true", "X-CSRFToken": csrf_token(page.text)},
            form={"text": text, "revision": revision},
        )
        check(saved.status == 200, f"autosave through :{a} (got {saved.status})")
        after = [
            request(b, "GET", writing, cookies=cookies, headers={"If-None-Match": etag})
            for _ in range(4)
        ]
        check(
            all(r.status == 200 for r in after)
            and {draft_on_page(r.text) for r in after} == {(text, revision + 1)},
            f"with the old ETag, :{b} sends the draft saved through :{a} at revision"
            f" {revision + 1} in each of 4 requests (got {[r.status for r in after]})",
        )
        new_etag = after[-1].headers.get("etag", "")
        again = request(a, "GET", writing, cookies=cookies, headers={"If-None-Match": new_etag})
        check(
            new_etag != etag and again.status == 304,
            f"the new ETag from :{b} is confirmed by :{a} (got {again.status})",
        )

        # Five failures split across the two ports lock the pair out; the fifth is told so.
        for attempt, port in enumerate([a, b, a, b, a], start=1):
            status, _, _ = log_in(port, "mpvictim", f"wrong-{attempt}")
            expected = 429 if attempt == 5 else 200
            check(status == expected, f"failure {attempt} through :{port} is refused ({status})")
        status, _, page_text = log_in(b, "mpvictim", PASSWORD)
        check(
            status == 429 and "Too many failed log-in attempts" in page_text,
            f"after 5 failures split across both, the right password through :{b} is refused",
        )
        status, _, _ = log_in(a, "mpvictim", PASSWORD)
        check(status == 429, f"… and through :{a}")
        status, _, _ = log_in(b, "mpvictim", PASSWORD, path="/admin/login/")
        check(status == 429, f"… and on the admin's login through :{b}")
    print("OK" if not failures else f"{len(failures)} check(s) failed; logs in {workdir}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
