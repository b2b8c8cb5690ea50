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
import re
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


RACE_SETUP_CODE = (
    SESSIONS_CODE
    + """
import json
from django.contrib.auth.hashers import make_password
from accounts.models import Enrollment, User
from coursework import grading, services
from coursework.models import Assignment

assignment = Assignment.objects.get(pk={assignment})
teacher = assignment.assigned_by
module = assignment.lesson.modules.get(kind="assignment")
password = make_password("load-test-password-not-for-use")
returned = {{}}
for i in range({count}):
    student = User.objects.create(
        username=f"race{{i:03d}}", first_name="Race", last_name=f"Student {{i}}",
        role="student", password=password,
    )
    Enrollment.objects.create(classroom=assignment.classroom, student=student)
    # Version 1 graded, returned and sent back for revision; version 2 handed in.
    draft = services.draft_save(
        assignment=assignment, student=student, module=module, text="First try.", revision=0
    )
    submission = services.submission_submit(submission=draft, revision=draft.revision)
    grade = grading.grade_for(submission=submission)
    scores = [
        grading.ScoreInput(c.pk, c.levels.order_by("-points").first().pk)
        for c in grade.rubric.criteria.all()
    ]
    grade = grading.grade_save(
        submission=submission, version_id=grade.version_id, grader=teacher,
        revision=grade.revision, scores=scores, comment=f"Returned to {{student.username}}.",
    )
    grading.grade_return(submission=submission, version_id=grade.version_id)
    services.submission_request_revision(submission=submission, comment="Cite a source.")
    submission.refresh_from_db()
    services.submission_submit(
        submission=submission, revision=submission.revision, text="Second try."
    )
    grade.refresh_from_db()
    returned[student.username] = {{
        "session": session_for(student),
        "submission": submission.pk,
        "grade": [grade.pk, grade.points, grade.comment, grade.returned_at.isoformat()],
    }}
print(json.dumps({{"teacher": session_for(teacher), "students": returned}}))
"""
)

RACE_CHECK_CODE = """
import json
from coursework.grades import Grade
from coursework.models import Submission
out = {}
for submission in Submission.objects.filter(student__username__startswith="race"):
    first = submission.versions.filter(number=1).first()
    grade = Grade.objects.filter(version=first).first() if first else None
    out[submission.student.username] = {
        "status": submission.status,
        "versions": list(submission.versions.values_list("number", flat=True)),
        "grade": grade and [grade.pk, grade.points, grade.comment, grade.returned_at.isoformat()],
        "returned_later": Grade.objects.filter(
            version__submission=submission, version__number__gt=1, returned_at__isnull=False
        ).count(),
    }
print(json.dumps(out))
"""

STATUS_ON_PAGE = re.compile(
    r"<strong>Status:</strong> (Draft|Submitted|Returned|Revision requested)"
)
VERSION_ON_PAGE = re.compile(r'name="version" value="(\d+)"')
LEVEL_ON_PAGE = re.compile(r'name="level-(\d+)" value="(\d+)"')
GRADE_REVISION_ON_PAGE = re.compile(r'name="grade_revision" value="(\d+)"')


class Tab:
    """One signed-in browser tab: keeps its cookies and sends the page's CSRF token."""

    def __init__(self, port: int, session: str):
        self.port, self.cookies, self.token = port, {"sessionid": session}, ""

    def get(self, path: str):
        response = request(self.port, "GET", path, cookies=self.cookies, timeout=20)
        self.cookies.update(response.cookies)
        if response.status == 200:
            self.token = csrf_token(response.text)
        return response

    def post(self, path: str, form: dict):
        headers = {"X-CSRFToken": self.token}
        response = request(
            self.port, "POST", path, cookies=self.cookies, headers=headers, form=form
        )
        self.cookies.update(response.cookies)
        return response


def both_at_once(first, second):
    """Call both on their own threads, released together; their results (or errors)."""
    barrier = threading.Barrier(2)
    results = [None, None]

    def run_one(index, call):
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except OSError as error:
            results[index] = error

    threads = [threading.Thread(target=run_one, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


@dataclass
class RaceCounts:
    double_clicks: int = 0
    taken_back_once: int = 0
    grading_races: int = 0
    graded_first: int = 0
    taken_back_first: int = 0
    unexpected: list[str] = field(default_factory=list)


class UnsubmitRaces(threading.Thread):
    """Under the load, each race student double-clicks Unsubmit on their second version, hands
    it in again, and then unsubmits while their teacher saves a grade for it."""

    def __init__(self, port, setup, races, rounds, counts):
        super().__init__(daemon=True)
        self.port, self.setup, self.races, self.rounds = port, setup, races, rounds
        self.counts = counts
        self.teacher = Tab(port, races["teacher"])

    def unexpected(self, name: str, what: str) -> None:
        self.counts.unexpected.append(f"{name}: {what}")

    def writing(self, tab: Tab):
        page = tab.get(f"/work/{self.setup['assignment']}/{self.setup['write']}/")
        if page.status != 200:
            return None, None
        status = STATUS_ON_PAGE.search(page.text)
        return page.text, status.group(1) if status else None

    def hand_in_again(self, name: str, tab: Tab) -> bool:
        text, status = self.writing(tab)
        if status != "Revision requested":
            self.unexpected(name, f"expected a revision to hand in, page says {status}")
            return False
        draft, revision = draft_on_page(text)
        base = f"/work/{self.setup['assignment']}/{self.setup['write']}"
        tab.post(f"{base}/submit/", {"text": draft + " Again.", "revision": revision})
        return self.writing(tab)[1] == "Submitted"

    def double_click(self, name: str, tab: Tab) -> bool:
        text, status = self.writing(tab)
        version = VERSION_ON_PAGE.search(text or "")
        if status != "Submitted" or version is None:
            self.unexpected(name, f"no Unsubmit to click (status {status})")
            return False
        url = f"/work/{self.setup['assignment']}/{self.setup['write']}/unsubmit/"
        form = {"version": version.group(1)}
        replies = both_at_once(lambda: tab.post(url, form), lambda: tab.post(url, form))
        self.counts.double_clicks += 1
        if any(not hasattr(r, "status") or r.status != 302 for r in replies):
            self.unexpected(name, f"double click answered {replies}")
        if self.writing(tab)[1] == "Revision requested":
            self.counts.taken_back_once += 1
            return True
        self.unexpected(name, "double click did not take the work back")
        return False

    def grade_while_unsubmitting(self, name: str, tab: Tab, submission: int) -> bool:
        grading_url = f"/assignments/{self.setup['assignment']}/grading/{submission}/"
        screen = self.teacher.get(grading_url)
        version = VERSION_ON_PAGE.search(screen.text)
        revision = GRADE_REVISION_ON_PAGE.search(screen.text)
        text, _ = self.writing(tab)
        shown = VERSION_ON_PAGE.search(text or "")
        if screen.status != 200 or not (version and revision and shown):
            self.unexpected(name, f"grading screen or Unsubmit missing ({screen.status})")
            return False
        grade = {
            "version": version.group(1),
            "grade_revision": revision.group(1),
            "comment": "Graded while the student took it back.",
            "action": "save",
        }
        for criterion, level in LEVEL_ON_PAGE.findall(screen.text):
            grade.setdefault(f"level-{criterion}", level)
            grade[f"comment-{criterion}"] = ""
        unsubmit = f"/work/{self.setup['assignment']}/{self.setup['write']}/unsubmit/"
        took_back, graded = both_at_once(
            lambda: tab.post(unsubmit, {"version": shown.group(1)}),
            lambda: self.teacher.post(f"{grading_url}save/", grade),
        )
        self.counts.grading_races += 1
        status = self.writing(tab)[1]
        graded_status = getattr(graded, "status", graded)
        if graded_status == 302 and status == "Submitted":
            self.counts.graded_first += 1
            # The graded version stays handed in; the teacher sends it back to go on.
            self.teacher.post(f"{grading_url}revision/", {"comment": "Once more, please."})
            return self.hand_in_again(name, tab)
        if graded_status == 409 and status == "Revision requested":
            self.counts.taken_back_first += 1
            return self.hand_in_again(name, tab)
        self.unexpected(name, f"grade save answered {graded_status}, the work is {status}")
        return False

    def run(self) -> None:
        for name, race in sorted(self.races["students"].items()):
            tab = Tab(self.port, race["session"])
            for _ in range(self.rounds):
                try:
                    if not (
                        self.double_click(name, tab)
                        and self.hand_in_again(name, tab)
                        and self.grade_while_unsubmitting(name, tab, race["submission"])
                    ):
                        break
                except OSError as error:
                    self.unexpected(name, f"{type(error).__name__} on the network")
                    break


def race_report(env, races, counts: RaceCounts) -> list[str]:
    """Print the stage's counts; the failures, if any."""
    final = django(env, RACE_CHECK_CODE)
    lost = [n for n, r in final.items() if r["grade"] is None]
    changed = [
        n
        for n, r in final.items()
        if r["grade"] is not None and r["grade"] != races["students"][n]["grade"]
    ]
    print(
        f"  unsubmit races: {counts.double_clicks} double clicks, "
        f"{counts.taken_back_once} took back one version; {counts.grading_races} grade saves "
        f"during unsubmit: {counts.graded_first} graded first (unsubmit refused), "
        f"{counts.taken_back_first} taken back first (grade save refused with 409)"
    )
    print(f"  returned grades lost: {len(lost)}, changed: {len(changed)}")
    for line in counts.unexpected[:10]:
        print(f"  unexpected: {line}")
    failures = []
    if lost or changed:
        failures.append(f"returned grades lost {lost[:5]} or changed {changed[:5]}")
    if counts.unexpected:
        failures.append(f"{len(counts.unexpected)} unexpected answers in the unsubmit races")
    if counts.double_clicks == 0 or counts.grading_races == 0:
        failures.append("the unsubmit races did not run")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--no-kill", action="store_true", help="don't kill a worker")
    parser.add_argument("--race-students", type=int, default=10, help="for the unsubmit races")
    parser.add_argument("--race-rounds", type=int, default=2)
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
    races = django(
        env, RACE_SETUP_CODE.format(assignment=setup["assignment"], count=args.race_students)
    )
    counts = RaceCounts()
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
        # Away from the kill, so every failure in the races is the app's own.
        time.sleep(5 if not args.no_kill else args.seconds / 3)
        racing = UnsubmitRaces(args.port, setup, races, args.race_rounds, counts)
        racing.start()
        for student in students:
            student.join(timeout=max(1, deadline - time.monotonic()) + 60)
        racing.join(timeout=300)
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
    failures = race_report(env, races, counts)
    if racing.is_alive():
        failures.append("the unsubmit races did not finish")
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
