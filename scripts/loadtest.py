"""Load and faults: 200 students autosaving growing drafts for a bounded time, under gunicorn
with production-like settings, while one worker is killed with SIGKILL.

    .venv/bin/python scripts/loadtest.py --db postgres   # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python scripts/loadtest.py --db sqlite     # a fresh SQLite file in WAL mode
    make load                                            # both, one after the other

Each simulated student (a thread) has a logged-in session, loads the Great Purge lesson's
module pages and saves its draft every 2-4 s with the revision of its last successful save,
as the page's autosave does. A save that fails on the network (the killed worker's request)
is followed by reloading the writing page, as the page's retry would: whatever the page then
shows must be either the last text that was acknowledged or the one that failed, never
anything older. At the end every stored draft must equal the last text the student knows
was saved. Exits non-zero when a check fails. Nothing runs past --seconds plus the request
timeout; gunicorn is stopped by its pid.
"""

import argparse
import os
import random
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    SESSIONS_CODE,
    csrf_token,
    django,
    draft_on_page,
    fresh_postgres,
    fresh_sqlite,
    gunicorn,
    percentile,
    prepare,
    production_env,
    request,
    run,
    worker_pids,
)

SETUP_CODE = (
    SESSIONS_CODE
    + """
import json
from django.contrib.auth.hashers import make_password
from accounts.models import Classroom, Enrollment, User
from coursework.services import assignment_create
from lessons.models import Lesson, Module

count = {count}
password = make_password("load-test-password-not-for-use")
teacher = User.objects.create(username="loadteacher", role="teacher", password=password)
room = Classroom.objects.create(name="Load test class")
room.teachers.add(teacher)
students = User.objects.bulk_create(
    User(username=f"load{{i:03d}}", first_name="Load", last_name=f"Student {{i}}",
         role="student", password=password)
    for i in range(count)
)
students = list(User.objects.filter(username__startswith="load", role="student"))
Enrollment.objects.bulk_create(Enrollment(classroom=room, student=s) for s in students)
lesson = Lesson.objects.filter(status="published").latest("pk")
assignment = assignment_create(classroom=room, lesson=lesson, teacher=teacher)
modules = list(lesson.modules.values_list("position", "kind"))
print(json.dumps({{
    "assignment": assignment.pk,
    "write": next(p for p, k in modules if k == "assignment"),
    "pages": [p for p, k in modules if k != "assignment"],
    "sessions": {{s.username: session_for(s) for s in students}},
}}))
"""
)

DRAFTS_CODE = """
import json
from coursework.models import Submission
print(json.dumps(dict(
    Submission.objects.filter(assignment_id={assignment}).values_list("student__username", "text")
)))
"""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)
    saves: int = 0
    conflicts: int = 0
    lost: list[str] = field(default_factory=list)

    def record(self, seconds: float | None, error: str | None, at: float) -> None:
        with self.lock:
            if seconds is not None:
                self.latencies.append(seconds)
            if error is not None:
                self.errors.append((at, error))


class Student(threading.Thread):
    def __init__(self, name, session, setup, port, started, deadline, stats):
        super().__init__(daemon=True)
        self.name_, self.port, self.setup, self.stats = name, port, setup, stats
        self.started, self.deadline = started, deadline
        self.cookies = {"sessionid": session}
        self.text, self.revision, self.last_ok, self.token = "", 0, "", ""
        self.random = random.Random(name)  # noqa: S311 - pacing, not secrets

    def get(self, path):
        at = time.monotonic() - self.started
        try:
            response = request(self.port, "GET", path, cookies=self.cookies, timeout=20)
        except OSError as error:
            self.stats.record(None, f"GET {type(error).__name__}", at)
            return None
        self.cookies.update(response.cookies)
        ok = response.status == 200
        self.stats.record(response.seconds, None if ok else f"GET {response.status}", at)
        return response if ok else None

    def writing_page(self) -> str:
        return f"/work/{self.setup['assignment']}/{self.setup['write']}/"

    def resync(self, failed_text: str) -> None:
        """After a failed save: reload the page and see what the server kept."""
        for _ in range(5):
            page = self.get(self.writing_page())
            if page is not None:
                break
            time.sleep(0.5)
        else:
            return
        self.token = csrf_token(page.text)
        stored, self.revision = draft_on_page(page.text)
        if stored == failed_text:
            self.last_ok = failed_text  # it was saved; only the answer was lost
        elif stored != self.last_ok:
            with self.stats.lock:
                self.stats.lost.append(f"{self.name_}: page shows text older than the last save")
        self.text = stored

    def save(self) -> None:
        self.text += f" Sentence {len(self.text) // 30} written by {self.name_} at load."
        form = {"text": self.text, "revision": self.revision}
        headers = {"X-Autosave": "1", "HX-Request": "true", "X-CSRFToken": self.token}
        path = f"/work/{self.setup['assignment']}/{self.setup['write']}/draft/"
        at = time.monotonic() - self.started
        try:
            response = request(
                self.port, "POST", path, cookies=self.cookies, headers=headers, form=form
            )
        except OSError as error:
            self.stats.record(None, f"POST {type(error).__name__}", at)
            self.resync(self.text)
            return
        if response.status == 200:
            self.revision = int(response.headers["x-revision"])
            self.last_ok = self.text
            self.stats.record(response.seconds, None, at)
            with self.stats.lock:
                self.stats.saves += 1
            return
        self.stats.record(response.seconds, f"POST {response.status}", at)
        if response.status == 409:
            with self.stats.lock:
                self.stats.conflicts += 1
        self.resync(self.text)

    def run(self) -> None:
        time.sleep(self.random.uniform(0, 3))
        page = self.get(self.writing_page())
        if page is None:
            return
        self.token = csrf_token(page.text)
        self.text, self.revision = draft_on_page(page.text)
        self.last_ok = self.text
        beat = 0
        while time.monotonic() < self.deadline:
            self.save()
            if beat % 2 == 0:
                position = self.random.choice(self.setup["pages"])
                self.get(f"/work/{self.setup['assignment']}/{position}/")
            beat += 1
            time.sleep(min(self.random.uniform(2, 4), max(0, self.deadline - time.monotonic())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--no-kill", action="store_true", help="don't kill a worker")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 600)

    workdir = Path(tempfile.mkdtemp(prefix="historyclass-load-"))
    if args.db == "postgres":
        url = fresh_postgres("historyclass_load")
    else:
        url = fresh_sqlite(workdir / "load.sqlite3")
    env = production_env(DATABASE_URL=url)
    print(f"[{args.db}] preparing {url} with {args.students} students …", flush=True)
    prepare(env)
    run(env, "load_lessons")
    setup = django(env, SETUP_CODE.format(count=args.students))
    log = workdir / "gunicorn.log"
    stats = Stats()
    killed = None
    with gunicorn(env, args.port, args.workers, log) as server:
        started = time.monotonic()
        deadline = started + args.seconds
        students = [
            Student(name, key, setup, args.port, started, deadline, stats)
            for name, key in sorted(setup["sessions"].items())
        ]
        for student in students:
            student.start()
        if not args.no_kill:
            time.sleep(args.seconds / 3)
            victim = worker_pids(server.pid)[0]
            os.kill(victim, signal.SIGKILL)
            killed = time.monotonic() - started
            print(f"[{args.db}] killed worker {victim} at {killed:.1f} s", flush=True)
        for student in students:
            student.join(timeout=max(1, deadline - time.monotonic()) + 60)
        elapsed = time.monotonic() - started
        alive_workers = len(worker_pids(server.pid))
    stored = django(env, DRAFTS_CODE.format(assignment=setup["assignment"]))
    mismatched = [s.name_ for s in students if stored.get(s.name_, "") != s.last_ok]
    server_log = log.read_text()
    locked = server_log.count("database is locked")
    requests = len(stats.latencies) + sum(1 for _, e in stats.errors if "Error" in e)
    print(f"[{args.db}] {args.students} students, {args.workers} workers, {elapsed:.0f} s")
    print(
        f"  requests {requests}  ({requests / elapsed:.0f}/s), draft saves {stats.saves}, "
        f"errors {len(stats.errors)}, conflicts {stats.conflicts}"
    )
    print(
        f"  latency p50 {percentile(stats.latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(stats.latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(stats.latencies, default=0) * 1000:.0f} ms"
    )
    for at, error in stats.errors[:20]:
        print(f"  error at {at:.1f} s: {error}")
    print(f"  workers alive at the end: {alive_workers} of {args.workers}")
    print(f"  'database is locked' in the server log: {locked}")
    print(f"  drafts that differ from the last acknowledged text: {len(mismatched)}")
    print(f"  pages showing text older than the last save: {len(stats.lost)}")
    # Only requests in flight on the killed worker may fail: one per sync worker, and the
    # students whose connection it had accepted.
    near_kill = [e for at, e in stats.errors if killed is not None and abs(at - killed) < 5]
    failures = []
    if mismatched:
        failures.append(f"drafts lost or wrong: {mismatched[:5]}")
    if stats.lost:
        failures.append(f"older text shown: {stats.lost[:5]}")
    if locked:
        failures.append("SQLite reported 'database is locked'")
    if len(stats.errors) != len(near_kill):
        failures.append(f"{len(stats.errors) - len(near_kill)} errors away from the kill")
    if len(near_kill) > 3:
        failures.append(f"{len(near_kill)} errors at the kill (more than were in flight)")
    if alive_workers != args.workers:
        failures.append("gunicorn did not replace the killed worker")
    if stats.saves < args.students * (args.seconds // 5):
        failures.append(f"too few saves ({stats.saves})")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("OK" if not failures else f"log: {log}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
