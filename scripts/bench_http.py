"""Throughput against the floor: the student's document-study page and the teacher's
progress dashboard, served by gunicorn (2 workers, production settings, SQLite) with the demo
data and the Great Purge lesson assigned to the demo class, measured with wrk at 16
connections on 127.0.0.1 beside a one-view Django app served the same way (the floor).

    .venv/bin/python scripts/bench_http.py [--seconds 5]    # or: make bench-http

The three are measured in turns, three rounds of `--seconds` each. Prints requests/s and p50
(medians of the rounds), p99 (the worst round) and the median ratio to the floor of the same
round. Targets:
student page >= 0.5 of the floor, dashboard >= 0.25, p99 < 50 ms. Exits non-zero when one
is missed. Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    SESSIONS_CODE,
    django,
    fresh_sqlite,
    gunicorn,
    prepare,
    production_env,
    request,
    run,
)

SETUP_CODE = (
    SESSIONS_CODE
    + """
import json
from accounts.models import Classroom, User
from coursework.models import Assignment
from coursework.services import assignment_create
from lessons.models import Lesson

teacher = User.objects.get(username="teacher")
room = Classroom.objects.filter(teachers=teacher).order_by("pk").first()
lesson = Lesson.objects.filter(status="published").latest("pk")
assignment = (
    Assignment.objects.active().filter(classroom=room, lesson=lesson).first()
    or assignment_create(classroom=room, lesson=lesson, teacher=teacher)
)
study = lesson.modules.filter(kind="document_study").order_by("position").first()
print(json.dumps({
    "student": session_for(User.objects.get(username="student01")),
    "teacher": session_for(teacher),
    "student_page": f"/work/{assignment.pk}/{study.position}/",
    "dashboard": f"/assignments/{assignment.pk}/dashboard/",
    "students": room.enrollments.count(),
}))
"""
)

APP_PORT, FLOOR_PORT = 8331, 8332
CSRF_COOKIE = "benchcsrfsecret0123456789abcdefg"  # 32 characters, like Django's own
TARGETS = {"student page": 0.5, "dashboard": 0.25}
ROUNDS = 3
P99_TARGET_MS = 50.0


def ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, path: str, seconds: int, session: str | None = None) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if session:
        # A browser sends the CSRF cookie it was given with the first page.
        command += ["-H", f"Cookie: sessionid={session}; csrftoken={CSRF_COOKIE}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(  # noqa: S603 - wrk with our arguments
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    args = parser.parse_args()
    seconds = max(2, min(args.seconds, 120))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="historyclass-bench-"))
    env = production_env(DATABASE_URL=fresh_sqlite(workdir / "bench.sqlite3"))
    print(f"preparing demo data in {workdir / 'bench.sqlite3'} …", flush=True)
    prepare(env)
    run(env, "load_demo")
    setup = django(env, SETUP_CODE)
    floor_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "floor_app",
        "PYTHONPATH": str(ROOT / "scripts"),
    }
    results = {}
    with (
        gunicorn(env, APP_PORT, 2, workdir / "app.log"),
        gunicorn(floor_env, FLOOR_PORT, 2, workdir / "floor.log", app="floor_app:application"),
    ):
        pages = [
            ("floor", FLOOR_PORT, "/", None),
            ("student page", APP_PORT, setup["student_page"], setup["student"]),
            ("dashboard", APP_PORT, setup["dashboard"], setup["teacher"]),
        ]
        for name, port, path, session in pages:
            cookies = {"sessionid": session, "csrftoken": CSRF_COOKIE} if session else None
            check = request(port, "GET", path, cookies=cookies)
            if check.status != 200:
                sys.exit(f"{name} {path} answered {check.status}")
            wrk(port, path, 2, session)  # warm up
        # The machine's speed drifts (other tenants, CPU frequency), so the floor and the
        # pages are measured in turns, and each page's ratio is taken against the floor of
        # its own round; the median round is reported.
        for _ in range(ROUNDS):
            for name, port, path, session in pages:
                results.setdefault(name, []).append(wrk(port, path, seconds, session))
    print(
        f"\n{setup['students']} students in the demo class; wrk -c16, {ROUNDS} rounds of"
        f" {seconds} s each (floor, student page, dashboard in turn)\n"
    )
    print(f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'target':>9}  errors")
    failures = []
    for name, rounds in results.items():
        ratios = [r["rps"] / f["rps"] for r, f in zip(rounds, results["floor"], strict=True)]
        ratio = statistics.median(ratios)
        rps = statistics.median(r["rps"] for r in rounds)
        p50 = statistics.median(r["p50"] for r in rounds)
        p99 = max(r["p99"] for r in rounds)  # the worst round's
        non_2xx = sum(r["non_2xx"] for r in rounds)
        errors = " ".join(r["socket_errors"] for r in rounds if r["socket_errors"])
        target = TARGETS.get(name)
        print(
            f"{name:<14}{rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{ratio:>8.2f}"
            f"{(f'>= {target}' if target else ''):>9}  {non_2xx} {errors}"
        )
        if target and ratio < target:
            failures.append(f"{name}: {ratio:.2f} of the floor (target {target})")
        if target and p99 >= P99_TARGET_MS:
            failures.append(f"{name}: p99 {p99:.1f} ms (target < {P99_TARGET_MS:.0f} ms)")
        if non_2xx:
            failures.append(f"{name}: {non_2xx} non-2xx responses")
    for failure in failures:
        print(f"MISSED: {failure}")
    print("OK" if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
