"""Median server time of the document-study page and of an autosave, with 200 students.

Everything it creates is rolled back at the end, so it can run against any database.
"""

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Classroom, Enrollment, User
from coursework.models import Answer, Progress
from coursework.services import assignment_create
from lessons.curated import lesson_load
from lessons.models import Module

TARGET_MS = 25.0


class Rollback(Exception):
    pass


def timed(call, runs: int) -> list[float]:
    times = []
    for index in range(runs):
        start = time.perf_counter()
        response = call(index)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code not in (200, 302):
            raise RuntimeError(f"unexpected status {response.status_code}")
    return times


class Command(BaseCommand):
    help = "Time the document-study page and an autosave for one student of a class of 200."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=60)
        parser.add_argument("--students", type=int, default=200)

    def handle(self, *args, runs, students, **options):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        try:
            with transaction.atomic():
                self._run(runs, students)
                raise Rollback
        except Rollback:
            pass

    def _run(self, runs: int, count: int) -> None:
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
        assignment = assignment_create(classroom=classroom, lesson=lesson, teacher=teacher)
        study = lesson.modules.filter(kind=Module.Kind.DOCUMENT_STUDY).first()
        writing = lesson.modules.get(kind=Module.Kind.ASSIGNMENT)
        questions = list(study.questions.all())
        # Classmates' work, so the pages run against a class that has been busy.
        Answer.objects.bulk_create(
            Answer(assignment=assignment, student=s, question=q, text="An answer.")
            for s in students
            for q in questions
        )
        Progress.objects.bulk_create(
            Progress(assignment=assignment, student=s, module=study) for s in students
        )
        client = Client()
        client.force_login(students[0])
        page = reverse("coursework:player-module", args=[assignment.pk, study.position])
        save = reverse("coursework:draft-save", args=[assignment.pk, writing.position])
        client.get(reverse("coursework:player-module", args=[assignment.pk, writing.position]))
        for _ in range(5):
            client.get(page)

        page_times = timed(lambda i: client.get(page), runs)
        text = "The Terror grew out of fear. "
        save_times = timed(
            lambda i: client.post(
                save, {"text": text * (i + 1), "revision": i}, HTTP_X_AUTOSAVE="1"
            ),
            runs,
        )
        for name, times in (("document-study page", page_times), ("autosave", save_times)):
            median = statistics.median(times)
            p95 = sorted(times)[int(len(times) * 0.95) - 1]
            verdict = "meets" if median < TARGET_MS else "misses"
            self.stdout.write(
                f"{name:20} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
                f"({runs} runs, {count} students; {verdict} the {TARGET_MS:.0f} ms target)"
            )
