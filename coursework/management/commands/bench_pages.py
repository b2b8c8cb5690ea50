"""Server CPU time of the pages a class period loads, for requests no cache can answer.

A class of 200 (by default) works through the curated Great Purge lesson: every student has
progress in every module, answers, and most have handed in their writing, some of it graded.
Each page is then asked for 20 times, each time by a different student (or, for the teacher's
pages, right after a different student's work changed), so neither a conditional GET nor a
per-student fragment can answer it. What is shared by the whole class, such as a published
module's rendered content, may be in the cache, as it is after the first student of a period.

Prints the median CPU time of each page (the thread's own time, in process, through Django's
WSGI handler) against its target. `--only dashboard,gradebook` times just those pages (the
students' saves still happen, so the teacher's pages stay cold); `--profile FILE` writes a
cProfile report of the timed requests, the costliest functions first. Everything it creates
is rolled back at the end, so it runs against any database. Run it with production settings
(DEBUG=0) for figures that mean much.
"""

import cProfile
import io
import pstats
import random
import statistics
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Classroom, Enrollment, User
from coursework.grades import CriterionScore, Grade
from coursework.models import Answer, Progress, Submission, SubmissionVersion
from coursework.services import assignment_create
from lessons.curated import lesson_load
from lessons.models import Module

# Milliseconds of CPU for one request, median of 20.
TARGETS = {
    "student module page": 3.0,
    "student home": 3.0,
    "progress dashboard": 15.0,
    "gradebook": 20.0,
    "grading screen": 5.0,
    "autosave": 3.0,
}
SAMPLES = 20
# What --only accepts for each page.
SHORT_NAMES = {
    "module": "student module page",
    "home": "student home",
    "dashboard": "progress dashboard",
    "gradebook": "gradebook",
    "grading": "grading screen",
    "autosave": "autosave",
}


class Rollback(Exception):
    pass


class Browser:
    """One signed-in person's requests, sent through the WSGI handler as a server would."""

    def __init__(self, handler: WSGIHandler, user: User, profiler: cProfile.Profile | None = None):
        from importlib import import_module

        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        self.handler = handler
        self.profiler = profiler
        self.csrf = _get_new_csrf_string()
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}"
        )

    def _environ(self, method: str, path: str, body: bytes = b"", **headers) -> dict:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": self.cookie,
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(body),
            "wsgi.errors": BytesIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["HTTP_X_CSRFTOKEN"] = self.csrf
        environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
        return environ

    def request(
        self, method: str, path: str, data: dict | None = None, *, profile=False, **headers
    ) -> float:
        """CPU milliseconds the request took; fails on an unexpected status."""
        body = urlencode(data or {}, doseq=True).encode()
        environ = self._environ(method, path, body, **headers)
        status = []
        profiler = self.profiler if profile else None
        if profiler:
            profiler.enable()
        start = time.thread_time()
        response = self.handler(environ, lambda s, h, *a: status.append(s))
        b"".join(response)
        elapsed = (time.thread_time() - start) * 1000
        if profiler:
            profiler.disable()
        response.close()
        if not status or status[0][:3] != "200":
            raise RuntimeError(f"{method} {path} answered {status[0] if status else '?'}")
        return elapsed


class Command(BaseCommand):
    help = "CPU time of each page a class loads, when no cache can answer it."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=200)
        parser.add_argument(
            "--only",
            default="",
            help=f"Comma-separated pages to time, of: {', '.join(SHORT_NAMES)}. Default: all.",
        )
        parser.add_argument(
            "--profile",
            metavar="FILE",
            default="",
            help="Write a cProfile report of the timed requests to FILE.",
        )

    def handle(self, *args, students, only, profile, **options):
        wanted = [name.strip() for name in only.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in SHORT_NAMES]
        if unknown:
            raise CommandError(
                f"Unknown page {', '.join(unknown)}; choose from {', '.join(SHORT_NAMES)}."
            )
        pages = {SHORT_NAMES[name] for name in wanted} or set(TARGETS)
        profiler = cProfile.Profile() if profile else None
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
        try:
            with transaction.atomic():
                results = self._run(students, pages, profiler)
                raise Rollback
        except Rollback:
            pass
        if profiler:
            self._write_profile(profiler, profile)
        missed = 0
        for name, times in results.items():
            median, target = statistics.median(times), TARGETS[name]
            verdict = "ok" if median <= target else "MISSED"
            missed += verdict != "ok"
            self.stdout.write(
                f"{name:22} median {median:6.2f} ms CPU  (target <= {target:4.1f} ms)  {verdict}"
            )
        if missed:
            raise SystemExit(1)

    def _class(self, count: int):
        lesson, _ = lesson_load(path=Path(settings.BASE_DIR) / "fixtures/lessons/great-purge.json")
        teacher = User.objects.create(username="bench-teacher", role="teacher")
        classroom = Classroom.objects.create(name="Bench class", join_code="BENCH22")
        classroom.teachers.add(teacher)
        password = make_password(None)
        students = User.objects.bulk_create(
            User(
                username=f"bench{i:03d}",
                first_name="Student",
                last_name=f"{i:03d}",
                password=password,
            )
            for i in range(count)
        )
        Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=s) for s in students)
        assignment = assignment_create(
            classroom=classroom,
            lesson=lesson,
            teacher=teacher,
            due_at=timezone.now() + timezone.timedelta(days=3),
        )
        modules = list(lesson.modules.order_by("position"))
        now = timezone.now()
        Progress.objects.bulk_create(
            Progress(
                assignment=assignment,
                student=s,
                module=m,
                state=Progress.State.COMPLETE
                if (i + m.position) % 3
                else Progress.State.IN_PROGRESS,
                completed_at=now if (i + m.position) % 3 else None,
            )
            for i, s in enumerate(students)
            for m in modules
        )
        Answer.objects.bulk_create(
            Answer(assignment=assignment, student=s, question=q, text="An answer, with evidence.")
            for s in students
            for m in modules
            for q in m.questions.all()
            if m.kind in {Module.Kind.DOCUMENT_STUDY, Module.Kind.CORROBORATION}
        )
        writing = next(m for m in modules if m.kind == Module.Kind.ASSIGNMENT)
        drafting = count // 4  # the first quarter is still writing
        essay = "The Terror grew out of fear and the machinery of the state. " * 20
        submissions = Submission.objects.bulk_create(
            Submission(
                assignment=assignment,
                student=s,
                module=writing,
                text=essay,
                status=Submission.Status.SUBMITTED if i >= drafting else Submission.Status.DRAFT,
                submitted_at=now if i >= drafting else None,
            )
            for i, s in enumerate(students)
        )
        versions = SubmissionVersion.objects.bulk_create(
            SubmissionVersion(submission=sub, number=1, text=sub.text, submitted_at=now)
            for sub in submissions
            if sub.status == Submission.Status.SUBMITTED
        )
        rubric = writing.rubric
        criteria = list(rubric.criteria.prefetch_related("levels"))
        grades = Grade.objects.bulk_create(
            Grade(version=v, rubric=rubric, grader=teacher) for v in versions[::2]
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(
                grade=g, criterion=c, level=c.levels.all()[0], points=c.levels.all()[0].points
            )
            for g in grades
            for c in criteria
        )
        return teacher, students, assignment, modules, writing, submissions

    def _write_profile(self, profiler: cProfile.Profile, path: str) -> None:
        report = io.StringIO()
        stats = pstats.Stats(profiler, stream=report).strip_dirs()
        report.write("Own time, costliest first\n")
        stats.sort_stats("tottime").print_stats(40)
        report.write("\nWith callees, costliest first\n")
        stats.sort_stats("cumulative").print_stats(60)
        Path(path).write_text(report.getvalue())
        self.stdout.write(f"Profile written to {path}")

    def _run(
        self, count: int, pages: set[str], profiler: cProfile.Profile | None
    ) -> dict[str, list[float]]:
        teacher, students, assignment, modules, writing, submissions = self._class(count)
        # As in Django's test client: the whole run is one transaction rolled back at the end,
        # so the end of a request must not close the connection.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        handler = WSGIHandler()
        drafting = students[: len(students) // 4]
        chosen = random.Random(7).sample(drafting, SAMPLES + 1)  # noqa: S311 - not a secret
        browsers = [Browser(handler, s, profiler) for s in chosen]
        teacher_tab = Browser(handler, teacher, profiler)
        module_paths = [
            reverse("coursework:player-module", args=[assignment.pk, m.position]) for m in modules
        ]
        home = reverse("coursework:home")
        save = reverse("coursework:draft-save", args=[assignment.pk, writing.position])
        dashboard = reverse("coursework:dashboard", args=[assignment.pk])
        gradebook = reverse("coursework:gradebook", args=[assignment.classroom_id])
        handed_in = [s for s in submissions if s.status == Submission.Status.SUBMITTED]

        # The first request of a period fills what the whole class shares.
        for path in module_paths:
            browsers[-1].request("GET", path)
        teacher_tab.request("GET", dashboard)
        teacher_tab.request("GET", gradebook)

        results: dict[str, list[float]] = {name: [] for name in TARGETS if name in pages}

        def timed(name: str, browser: Browser, method: str, path: str, *args, **kwargs):
            if name in pages:
                results[name].append(browser.request(method, path, *args, profile=True, **kwargs))
            elif name == "autosave":
                # Untimed, but still sent: it is what leaves the teacher's pages cold.
                browser.request(method, path, *args, **kwargs)

        for index, browser in enumerate(browsers[:SAMPLES]):
            path = module_paths[index % len(module_paths)]
            timed("student module page", browser, "GET", path)
            timed("student home", browser, "GET", home)
            timed(
                "autosave",
                browser,
                "POST",
                save,
                {"text": f"My draft, take {index}.", "revision": 0},
                X_AUTOSAVE="1",
                HX_REQUEST="true",
            )
            # That student's save changed the class's work: nothing the teacher saw still holds.
            timed("progress dashboard", teacher_tab, "GET", dashboard)
            timed("gradebook", teacher_tab, "GET", gradebook)
            grade_path = reverse("coursework:grade", args=[assignment.pk, handed_in[index].pk])
            timed("grading screen", teacher_tab, "GET", grade_path)
        return results
