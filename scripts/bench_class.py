"""A class period, not one URL: 200 signed-in students and their teacher against gunicorn
(2 workers, production settings), driven by wrk at 16 connections with a mix of requests,
beside a one-view Django app served the same way (the floor).

    .venv/bin/python scripts/bench_class.py --db sqlite|postgres [--seconds 30]

The mix, per request:

| share | request                                                             |
|-------|---------------------------------------------------------------------|
| 45%   | a random student opens a random module (this records a visit)       |
| 35%   | an answer autosave, carrying that answer's current revision         |
| 10%   | a draft autosave with the current revision                          |
| 5%    | the teacher's progress dashboard                                    |
| 5%    | a student's home                                                    |

Every simulated browser keeps the ETag it was last sent for each page and asks with
If-None-Match, as browsers do; the number of 304 answers is reported. Each wrk thread drives
one connection and its own slice of the students, so the revisions it tracks are exact and
any 409 is a real error. Prints requests/s, p50, p99, errors and the ratio to the floor, and
exits non-zero when a target is missed (ratio >= 0.15, p99 < 100 ms, no errors). Needs wrk
(Debian: apt-get install wrk).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    SESSIONS_CODE,
    django,
    fresh_postgres,
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
from django.contrib.auth.hashers import make_password
from accounts.models import Classroom, Enrollment, User
from coursework.services import assignment_create
from lessons.models import Lesson, Module

count = {count}
password = make_password(None)
teacher = User.objects.create(username="benchteacher", role="teacher", password=password)
room = Classroom.objects.create(name="Period 3")
room.teachers.add(teacher)
User.objects.bulk_create(
    User(username=f"bench{{i:03d}}", first_name="Student", last_name=f"{{i:03d}}",
         role="student", password=password)
    for i in range(count)
)
students = list(User.objects.filter(username__startswith="bench", role="student"))
Enrollment.objects.bulk_create(Enrollment(classroom=room, student=s) for s in students)
lesson = Lesson.objects.filter(status="published").latest("pk")
assignment = assignment_create(classroom=room, lesson=lesson, teacher=teacher)
modules = list(lesson.modules.order_by("position"))
base = f"/work/{{assignment.pk}}"
answers = [
    {{"path": f"{{base}}/{{m.position}}/answers/", "question": q.pk}}
    for m in modules for q in m.questions.all()
    if m.kind in ("background", "document_study", "corroboration")
]
writing = next(m for m in modules if m.kind == "assignment")
print(json.dumps({{
    "students": [session_for(s) for s in students],
    "teacher": session_for(teacher),
    "modules": [f"{{base}}/{{m.position}}/" for m in modules],
    "answers": answers,
    "draft": f"{{base}}/{{writing.position}}/draft/",
    "dashboard": f"/assignments/{{assignment.pk}}/dashboard/",
    "home": "/",
}}))
"""
)

# wrk's Lua: each thread owns one connection and the students whose index falls to it.
MIX_LUA = r"""
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  mine = {}
  for i, session in ipairs(DATA.students) do
    if (i - 1) % THREADS == id then
      table.insert(mine, {cookie = "sessionid=" .. session .. "; csrftoken=" .. CSRF,
                          etags = {}, answers = {}, draft = 0, words = 0})
    end
  end
  teacher = {cookie = "sessionid=" .. DATA.teacher .. "; csrftoken=" .. CSRF, etags = {}}
  math.randomseed(7919 * (id + 1))
  pending = nil
  counts = {ok = 0, not_modified = 0, errors = 0, conflicts = 0}
end

local function get(person, path)
  pending = {kind = "get", person = person, path = path}
  local headers = {Cookie = person.cookie}
  if person.etags[path] then headers["If-None-Match"] = person.etags[path] end
  return wrk.format("GET", path, headers)
end

local function post(person, path, body, extra)
  local headers = {Cookie = person.cookie, ["X-CSRFToken"] = CSRF, ["HX-Request"] = "true",
                   ["Content-Type"] = "application/x-www-form-urlencoded"}
  for k, v in pairs(extra or {}) do headers[k] = v end
  return wrk.format("POST", path, headers, body)
end

function request()
  local roll = math.random()
  local student = mine[math.random(#mine)]
  if roll < 0.45 then
    return get(student, DATA.modules[math.random(#DATA.modules)])
  elseif roll < 0.80 then
    local answer = DATA.answers[math.random(#DATA.answers)]
    local q = answer.question
    student.words = student.words + 1
    pending = {kind = "answer", person = student, question = q}
    local body = "answer-" .. q .. "=My+answer+grows+" .. student.words ..
                 "&revision-" .. q .. "=" .. (student.answers[q] or 0)
    return post(student, answer.path, body)
  elseif roll < 0.90 then
    student.words = student.words + 1
    pending = {kind = "draft", person = student}
    local body = "text=My+draft+grows+" .. student.words .. "&revision=" .. student.draft
    return post(student, DATA.draft, body, {["X-Autosave"] = "1"})
  elseif roll < 0.95 then
    return get(teacher, DATA.dashboard)
  else
    return get(student, DATA.home)
  end
end

function response(status, headers, body)
  local p = pending
  if status == 304 then
    counts.not_modified = counts.not_modified + 1
  elseif status >= 200 and status < 300 then
    counts.ok = counts.ok + 1
  else
    counts.errors = counts.errors + 1
    if status == 409 then counts.conflicts = counts.conflicts + 1 end
  end
  if p == nil then return end
  local revision = headers["X-Revision"]
  if p.kind == "get" and headers["ETag"] then
    p.person.etags[p.path] = headers["ETag"]
  elseif p.kind == "answer" and status == 200 then
    -- The saved answer's new revision comes back in the status fragment, as the page's field.
    local saved = string.match(body, 'name="revision%-' .. p.question .. '" value="(%d+)"')
    if saved then p.person.answers[p.question] = tonumber(saved) end
  elseif p.kind == "draft" and revision then
    p.person.draft = tonumber(revision)
  end
end

function done(summary, latency, requests)
  local totals = {ok = 0, not_modified = 0, errors = 0, conflicts = 0}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, _ in pairs(totals) do totals[k] = totals[k] + c[k] end
  end
  io.write(string.format("MIX ok=%d not_modified=%d errors=%d conflicts=%d\n",
    totals.ok, totals.not_modified, totals.errors, totals.conflicts))
end
"""

APP_PORT, FLOOR_PORT = 8341, 8342
CSRF = "benchcsrfsecret0123456789abcdefg"  # 32 characters, the shape of Django's secret
THREADS = 16
RATIO_TARGET, P99_TARGET_MS = 0.15, 100.0


def ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def lua_value(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string of plain ASCII is a Lua string too
    return str(value)


def wrk(port: int, path: str, seconds: int, script: Path | None, cookie: str = "") -> dict:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{THREADS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if script:
        command += ["-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(  # noqa: S603 - wrk with our arguments
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "socket_errors": (m.group(1) if (m := re.search(r"Socket errors: (.*)", out)) else ""),
    }
    if mix := re.search(r"MIX ok=(\d+) not_modified=(\d+) errors=(\d+) conflicts=(\d+)", out):
        result.update(
            zip(("ok", "not_modified", "errors", "conflicts"), map(int, mix.groups()), strict=True)
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--students", type=int, default=200)
    args = parser.parse_args()
    seconds = max(5, min(args.seconds, 120))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="historyclass-class-"))
    url = (
        fresh_postgres("historyclass_bench")
        if args.db == "postgres"
        else fresh_sqlite(workdir / "bench.sqlite3")
    )
    env = production_env(DATABASE_URL=url)
    print(f"[{args.db}] preparing a class of {args.students} …", flush=True)
    prepare(env)
    run(env, "load_lessons")
    data = django(env, SETUP_CODE.format(count=args.students))
    script = workdir / "mix.lua"
    script.write_text(
        f"DATA = {lua_value(data)}\nCSRF = {json.dumps(CSRF)}\nTHREADS = {THREADS}\n" + MIX_LUA
    )
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "floor_app", "PYTHONPATH": str(ROOT / "scripts")}
    with (
        gunicorn(env, APP_PORT, 2, workdir / "app.log"),
        gunicorn(floor_env, FLOOR_PORT, 2, workdir / "floor.log", app="floor_app:application"),
    ):
        cookies = {"sessionid": data["students"][0], "csrftoken": CSRF}
        for path in (*data["modules"], data["home"]):
            check = request(APP_PORT, "GET", path, cookies=cookies)
            if check.status != 200:
                sys.exit(f"{path} answered {check.status}; see {workdir / 'app.log'}")
        wrk(FLOOR_PORT, "/", 3, None)  # warm up both
        # Pages only: a warm-up that saved work would leave revisions the mix's browsers,
        # starting afresh, do not know.
        wrk(APP_PORT, data["modules"][0], 3, None, f"sessionid={data['students'][0]}")
        floor = wrk(FLOOR_PORT, "/", seconds, None)
        mix = wrk(APP_PORT, "/", seconds, script)
        floor_after = wrk(FLOOR_PORT, "/", seconds, None)

    floor_rps = (floor["rps"] + floor_after["rps"]) / 2
    ratio = mix["rps"] / floor_rps
    total = mix["ok"] + mix["not_modified"] + mix["errors"]
    print(
        f"\n[{args.db}] {args.students} students, wrk {THREADS} connections, {seconds} s"
        f" (floor measured before and after the mix)\n"
    )
    print(f"{'':8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"{'floor':8}{floor_rps:>9.0f}{floor['p50']:>9.1f}{floor['p99']:>9.1f}")
    print(f"{'mix':8}{mix['rps']:>9.0f}{mix['p50']:>9.1f}{mix['p99']:>9.1f}")
    print(
        f"\nratio to the floor {ratio:.3f} (target >= {RATIO_TARGET}); "
        f"{mix['not_modified']} of {total} answered 304 ({mix['not_modified'] / total:.0%}); "
        f"errors {mix['errors']} (409: {mix['conflicts']}) {mix['socket_errors']}"
    )
    failures = []
    if ratio < RATIO_TARGET:
        failures.append(f"ratio {ratio:.3f} < {RATIO_TARGET}")
    if mix["p99"] >= P99_TARGET_MS:
        failures.append(f"p99 {mix['p99']:.1f} ms >= {P99_TARGET_MS:.0f} ms")
    if mix["errors"]:
        failures.append(f"{mix['errors']} errors")
    for failure in failures:
        print(f"MISSED: {failure}")
    print("OK" if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
