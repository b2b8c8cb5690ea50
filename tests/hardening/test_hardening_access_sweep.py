"""Every URL the resolver knows, admin included, as every kind of person, with every method.

The patterns come from Django's resolver, not from a list kept by hand, so a new view that
is not in EXPECTED below fails this test until someone decides who may use it. Parameters are
filled with real objects of the first class (its lesson, the student's submission and post);
each request runs in a savepoint that is rolled back, so a POST can't change what the next
request sees.

Outcomes: 200 is any success (2xx, or a redirect that is not to a login page), "login" a
redirect to the app's login page, "admin-login" a redirect to the admin's, otherwise the
status code itself. A method a view does not accept must answer 405 to everyone.
"""

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult, get_date_max
from lti_tool.models import LtiRegistration

from accounts.models import Classroom, Enrollment, RosterImport, User
from coursework.models import BankedComment
from lessons.models import Criterion, Excerpt, Module, Question, SourceDocument
from notifications.models import Notification
from sis.models import OneRosterImport

from .conftest import (
    DISCUSS,
    MAIN_NAMES,
    MAIN_WORK,
    OTHER_NAMES,
    OTHER_WORK,
    STUDY,
    WRITE,
    module_of,
)

PEOPLE = ["admin", "teacher", "student", "other_teacher", "other_student", "anonymous"]
OK, LOGIN, ADMIN_LOGIN = 200, "login", "admin-login"


def row(admin, teacher, student, other_teacher, other_student, anonymous=LOGIN) -> dict:
    return dict(
        zip(
            PEOPLE, [admin, teacher, student, other_teacher, other_student, anonymous], strict=False
        )
    )


# Shapes that recur, named after the access rules of accounts/access.py and friends.
EVERYONE = row(OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(OK, OK, OK, OK, OK)
# Teachers and staff; students 403 (lessons come to them through their classes).
TEACHERS = row(OK, OK, 403, OK, 403)
# The class's own teachers and staff; the class's student 403; outsiders 404.
CLASS_TEACHER = row(OK, OK, 403, 404, 404)
# Work views of the class's teachers: anyone else 404, classmates too.
WORK_VIEWER = row(OK, OK, 404, 404, 404)
# The student's own lesson: staff and the class's teacher 403 (they read it elsewhere).
CLASS_STUDENT = row(403, 403, OK, 404, 404)
GET = "GET"
POST = "POST"

EXPECTED: dict[str, dict[str, dict]] = {
    # accounts
    "coursework:home": {GET: SIGNED_IN},
    # Logging in while logged in goes home; an empty form is re-shown.
    "accounts:login": {GET: EVERYONE, POST: row(OK, OK, OK, OK, OK, OK)},
    # Logging out ends the session and goes to the login page.
    "accounts:logout": {POST: row(*[LOGIN] * 6)},
    "accounts:password-change": {GET: SIGNED_IN, POST: SIGNED_IN},
    "accounts:password-change-done": {GET: SIGNED_IN},
    "accounts:password-reset": {GET: EVERYONE, POST: EVERYONE},
    "accounts:password-reset-done": {GET: EVERYONE},
    "accounts:password-reset-confirm": {GET: EVERYONE, POST: EVERYONE},
    "accounts:password-reset-complete": {GET: EVERYONE},
    # A POST without any field shows the empty form again (a browser always sends `code`;
    # an empty or wrong code is refused with 400, see the hostile-input tests).
    "accounts:class-join": {GET: SIGNED_IN, POST: SIGNED_IN},
    "accounts:class-create": {GET: TEACHERS, POST: TEACHERS},
    # The class page's tabs: overview, assignments, roster, settings.
    "accounts:class-detail": {GET: CLASS_TEACHER},
    "accounts:class-assignments": {GET: CLASS_TEACHER},
    "accounts:class-settings": {GET: CLASS_TEACHER},
    # An empty rename, co-teacher or roster form is refused on the class page (400).
    "accounts:class-rename": {POST: row(400, 400, 403, 404, 404)},
    "accounts:class-archive": {POST: CLASS_TEACHER},
    "accounts:class-code-regenerate": {POST: CLASS_TEACHER},
    "accounts:class-joining": {POST: CLASS_TEACHER},
    "accounts:class-coteacher-add": {POST: row(400, 400, 403, 404, 404)},
    "accounts:class-roster": {GET: CLASS_TEACHER, POST: row(400, 400, 403, 404, 404)},
    "accounts:class-roster-import": {GET: CLASS_TEACHER},
    # GET asks to confirm the removal; POST removes.
    "accounts:class-student-remove": {GET: CLASS_TEACHER, POST: CLASS_TEACHER},
    # A person's page: self, staff, their teacher; 404 for anyone who shares no class.
    "accounts:user-detail": {GET: row(OK, OK, OK, 404, 404)},
    # lessons
    "lessons:lesson-list": {GET: TEACHERS},
    "lessons:lesson-detail": {GET: TEACHERS},
    # The preview moved to the studio: the old address sends everyone there.
    "lessons:lesson-preview": {GET: SIGNED_IN},
    # Assigning from the catalogue: an empty form is refused (400).
    "lessons:lesson-assign": {GET: TEACHERS, POST: row(400, 400, 403, 400, 403)},
    # The document is in a published lesson (teachers) assigned to both classes (students).
    "lessons:document-detail": {GET: SIGNED_IN},
    # The published school lesson as a Common Cartridge download: whoever may assign it.
    "cartridge:lesson-cartridge": {GET: TEACHERS},
    # studio: the lesson editor. Admins and authors open any school lesson, teachers their
    # own copies; the lesson here is published, so every write is refused, admins' too.
    "studio:lesson-list": {GET: row(OK, OK, 403, OK, 403)},
    **{
        f"studio:{page}": {GET: row(OK, 403, 403, 403, 403), POST: row(403, 403, 403, 403, 403)}
        for page in [
            "lesson-edit",
            "module-edit",
            "module-remove",
            "question-remove",
            "rubric-edit",
        ]
    },
    **{
        f"studio:{action}": {POST: row(403, 403, 403, 403, 403)}
        for action in [
            "module-add",
            "module-reorder",
            "module-move",
            "excerpt-add",
            "excerpt-remove",
            "excerpt-move",
            "question-add",
            "question-edit",
            "question-move",
            "rubric-copy",
            "rubric-start",
        ]
    },
    # studio: preview, publishing, versions and copies. Any teacher previews and copies a
    # published lesson; only its authors check, publish, version and archive it. Publishing
    # a lesson already published is refused with the checklist (400).
    "studio:lesson-preview": {GET: TEACHERS},
    "studio:lesson-copy": {POST: TEACHERS},
    "studio:lesson-checklist": {GET: row(OK, 403, 403, 403, 403)},
    "studio:lesson-changes": {GET: row(OK, 403, 403, 403, 403)},
    "studio:lesson-publish": {GET: row(OK, 403, 403, 403, 403), POST: row(400, 403, 403, 403, 403)},
    "studio:lesson-new-version": {POST: row(OK, 403, 403, 403, 403)},
    "studio:lesson-archive": {GET: row(OK, 403, 403, 403, 403), POST: row(OK, 403, 403, 403, 403)},
    # studio: importing. Only admins and authors import; the lesson here is published, so
    # its review is read-only and every correction is refused, for admins too (403).
    "studio:import-new": {GET: row(OK, 403, 403, 403, 403), POST: row(400, 403, 403, 403, 403)},
    "studio:import-lesson": {GET: row(OK, 403, 403, 403, 403)},
    "studio:import-review": {GET: row(OK, 403, 403, 403, 403)},
    **{
        f"studio:import-{action}": {POST: row(403, 403, 403, 403, 403)}
        for action in ["restore", "reject", "unreject", "excerpt-create", "gap-fill", "note-delete"]
    },
    # coursework, teacher side
    "coursework:assignment-create": {POST: row(400, 400, 403, 404, 404)},
    "coursework:assignment-update": {POST: CLASS_TEACHER},
    "coursework:assignment-withdraw": {POST: CLASS_TEACHER},
    # Students' own dates: no student ticked is refused on the page (400). Recipients and
    # an accommodation note sent empty mean the whole class and no note.
    "coursework:student-dates": {GET: CLASS_TEACHER, POST: row(400, 400, 403, 404, 404)},
    "coursework:recipients": {POST: CLASS_TEACHER},
    "coursework:accommodation-edit": {POST: CLASS_TEACHER},
    "coursework:student-work": {GET: WORK_VIEWER},
    "coursework:dashboard": {GET: CLASS_TEACHER},
    "coursework:dashboard-csv": {GET: CLASS_TEACHER},
    "coursework:grading": {GET: CLASS_TEACHER},
    "coursework:grade-return-all": {POST: CLASS_TEACHER},
    "coursework:grade": {GET: CLASS_TEACHER},
    "coursework:student-record": {GET: CLASS_TEACHER},
    # A bank button without the comment box it is under is refused (400).
    "coursework:grade-bank": {POST: row(400, 400, 403, 404, 404)},
    # A teacher's own comment bank; an empty comment is refused (400).
    "coursework:comment-bank": {GET: TEACHERS, POST: row(400, 400, 403, 400, 403)},
    # A banked comment is its owner's (the teacher's): 404 for everyone else but students.
    "coursework:comment-bank-edit": {
        GET: row(404, OK, 403, 404, 403),
        POST: row(404, 400, 403, 404, 403),
    },
    "coursework:comment-bank-delete": {POST: row(404, OK, 403, 404, 403)},
    # A save without the grade's revision is refused (400).
    "coursework:grade-save": {POST: row(400, 400, 403, 404, 404)},
    "coursework:grade-return": {POST: CLASS_TEACHER},
    "coursework:revision-request": {POST: CLASS_TEACHER},
    "coursework:discussion": {GET: CLASS_TEACHER},
    "coursework:post-moderate": {POST: CLASS_TEACHER},
    "coursework:gradebook": {GET: CLASS_TEACHER},
    "coursework:gradebook-csv": {GET: CLASS_TEACHER},
    # coursework, student side
    "coursework:player": {GET: CLASS_STUDENT},
    "coursework:player-module": {GET: CLASS_STUDENT},
    "coursework:answers-save": {POST: CLASS_STUDENT},
    # An empty post is refused with a message on the page (400).
    "coursework:post-create": {POST: row(403, 403, 400, 404, 404)},
    "coursework:post-edit": {POST: CLASS_STUDENT},
    "coursework:draft-save": {POST: CLASS_STUDENT},
    "coursework:submit": {POST: CLASS_STUDENT},
    "coursework:unsubmit": {POST: CLASS_STUDENT},
    # notifications: everyone has their own; another's is 404 to all, staff too.
    "notifications:list": {GET: SIGNED_IN},
    "notifications:badge": {GET: SIGNED_IN},
    "notifications:read-all": {POST: SIGNED_IN},
    "notifications:settings": {GET: SIGNED_IN, POST: SIGNED_IN},
    "notifications:open": {GET: row(404, 404, OK, 404, 404)},
    "notifications:read": {POST: row(404, 404, OK, 404, 404)},
    # lms: the LTI routes answer everyone alike. Without the platform's login request or a
    # signed launch they refuse (400); deep linking's answer needs a deep-linking launch
    # in the session (403). Our keyset and Canvas's configuration are public.
    "lms:login": {GET: row(*[400] * 6), POST: row(*[400] * 6)},
    "lms:launch": {GET: row(*[400] * 6), POST: row(*[400] * 6)},
    "lms:deep-link": {POST: row(*[403] * 6)},
    "lms:jwks": {GET: EVERYONE},
    "lms:config": {GET: EVERYONE},
    # sis: OneRoster imports are for admins; an empty upload is refused on the form (400).
    "sis:import-new": {GET: row(OK, 403, 403, 403, 403), POST: row(400, 403, 403, 403, 403)},
    "sis:import-detail": {GET: row(OK, 403, 403, 403, 403)},
    # Roster sync from the LMS: the class's teachers and staff, and only for a class linked
    # to an LMS course (this one is not, so 404 for them too).
    "lms_services:roster-sync": {POST: row(404, 404, 403, 404, 404)},
    # admin: exceptions to the rules below
    # The admin's login page answers everyone; staff are sent on to the index.
    "admin:login": {GET: EVERYONE, POST: EVERYONE},
    # Logging out of the admin takes POST only and ends at the login page; non-staff are
    # sent to the admin's index (whatever the method), which sends them to its login.
    "admin:logout": {POST: row(LOGIN, OK, OK, OK, OK, OK)},
    # Autocomplete without its query parameters is refused even for staff.
    "admin:autocomplete": {
        GET: row(403, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN),
        POST: row(403, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN),
    },
    # The admin's unknown-page catch-all.
    "admin:<unnamed (?P<url>.*)$>": {
        GET: row(404, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN),
        POST: row(404, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN),
    },
    # Published content is read-only: staff may view it but not change or delete it.
    **{
        f"admin:lessons_{model}_{view}": {
            GET: row(403 if view == "delete" else OK, *[ADMIN_LOGIN] * 5),
            POST: row(403, *[ADMIN_LOGIN] * 5),
        }
        # A rubric in use by a published lesson or a grade is frozen the same way.
        for model in ["lesson", "module", "excerpt", "question", "rubric", "criterion"]
        for view in ["change", "delete"]
    },
    # Modules and rubrics are added in the studio, not the admin.
    **{
        f"admin:lessons_{model}_add": {
            GET: row(403, *[ADMIN_LOGIN] * 5),
            POST: row(403, *[ADMIN_LOGIN] * 5),
        }
        for model in ["module", "rubric", "criterion"]
    },
    # Background job results are read-only: staff may list and view them, nothing more.
    "admin:django_tasks_database_dbtaskresult_add": {
        GET: row(403, *[ADMIN_LOGIN] * 5),
        POST: row(403, *[ADMIN_LOGIN] * 5),
    },
    "admin:django_tasks_database_dbtaskresult_change": {
        GET: row(OK, *[ADMIN_LOGIN] * 5),
        POST: row(403, *[ADMIN_LOGIN] * 5),
    },
    # OneRoster imports are made on the upload page; the admin reads and deletes them.
    **{
        f"admin:sis_onerosterimport_{view}": {
            GET: row(OK if view == "change" else 403, *[ADMIN_LOGIN] * 5),
            POST: row(403, *[ADMIN_LOGIN] * 5),
        }
        for view in ["add", "change"]
    },
    "admin:django_tasks_database_dbtaskresult_delete": {
        GET: row(403, *[ADMIN_LOGIN] * 5),
        POST: row(403, *[ADMIN_LOGIN] * 5),
    },
}

# Everything else in the admin: staff get the page, everyone else the admin's login.
ADMIN_ONLY = row(OK, *[ADMIN_LOGIN] * 5)
EXPECTED_RULES: list[tuple[str, dict[str, dict]]] = [
    ("admin:*", {GET: ADMIN_ONLY, POST: ADMIN_ONLY}),
]


def expected_for(key: str) -> dict[str, dict] | None:
    if key in EXPECTED:
        return EXPECTED[key]
    return next((rule for glob, rule in EXPECTED_RULES if fnmatch.fnmatchcase(key, glob)), None)


@dataclass
class Route:
    key: str  # "namespace:name", or "namespace:<unnamed pattern>" for unnamed patterns
    parts: list  # the pattern objects from the root down
    callback: object

    @property
    def route(self) -> str:
        return "".join(str(part) for part in self.parts)


def all_routes(patterns=None, parts=(), namespace="") -> Iterator[Route]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_routes(pattern.url_patterns, (*parts, pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield Route(f"{namespace}{name}", [*parts, pattern.pattern], pattern.callback)


def declared_methods(callback) -> set[str] | None:
    """The methods a view says it takes: a class-based view's handlers, or the list given to
    require_http_methods (require_GET, require_POST) anywhere in its decorators; None for a
    view that says nothing (the admin's), which is tried with both."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {
            m.upper()
            for m in ("get", "post")
            if hasattr(view_class, m) and m in view_class.http_method_names
        }
    func = callback
    while func is not None:
        closure = dict(zip(func.__code__.co_freevars, func.__closure__ or (), strict=True))
        if "request_method_list" in closure:
            return {m.upper() for m in closure["request_method_list"].cell_contents} & {
                GET,
                POST,
            }
        func = getattr(func, "__wrapped__", None)
    return None


PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def fill(route: Route, values) -> str:
    """The route's URL with each parameter replaced by values(route, name)."""
    out = ""
    for part in route.parts:
        text = str(part).lstrip("^").rstrip("$")
        out += PARAM.sub(lambda m: str(values(route, m["name"] or m["group"])), text)
    return "/" + out


def _first_segment(route: Route) -> str:
    return route.route.split("/", 1)[0]


class Cast:
    """The people and the real objects of the first class that fill each URL."""

    def __init__(self, *, people, work, lesson, document, student, classroom):
        self.people, self.work, self.lesson = people, work, lesson
        self.document, self.student, self.classroom = document, student, classroom
        rubric = work.submission.module.rubric
        self.roster_import = RosterImport.objects.create(classroom=classroom, status="done")
        self.oneroster_import = OneRosterImport.objects.create(status="done")
        self.banked = BankedComment.objects.create(
            teacher=classroom.teachers.get(), text="Cite the document."
        )
        self.notification = Notification.objects.create(
            recipient=student, kind=Notification.Kind.RETURNED, text="Returned.", url="/"
        )
        job = DBTaskResult.objects.create(
            args_kwargs={"args": [self.roster_import.pk], "kwargs": {}},
            task_path="accounts.tasks.roster_import_job",
            backend_name="default",
            run_after=get_date_max(),
        )
        self.admin_objects = {
            "accounts.user": student,
            "accounts.classroom": classroom,
            "accounts.enrollment": Enrollment.objects.get(student=student, classroom=classroom),
            "auth.group": Group.objects.create(name="Reviewers"),
            "lessons.lesson": lesson,
            "lessons.module": Module.objects.filter(lesson=lesson).first(),
            "lessons.excerpt": Excerpt.objects.filter(module__lesson=lesson).first(),
            "lessons.question": Question.objects.filter(module__lesson=lesson).first(),
            "lessons.rubric": rubric,
            "lessons.criterion": Criterion.objects.filter(rubric=rubric).first(),
            "lessons.sourcedocument": document,
            "django_tasks_database.dbtaskresult": job,
            "sis.onerosterimport": self.oneroster_import,
            "lti_tool.ltiregistration": LtiRegistration.objects.create(
                name="Canvas",
                issuer="https://canvas.example.edu",
                client_id="10000000000001",
                auth_url="https://canvas.example.edu/api/lti/authorize_redirect",
                token_url="https://canvas.example.edu/login/oauth2/token",
                keyset_url="https://canvas.example.edu/api/lti/security/jwks",
            ),
        }

    def value(self, route: Route, name: str):
        key = route.key.split(":", 1)[1]
        if route.key.startswith("admin:"):
            return self.admin_value(route, name)
        positions = {
            "player-module": STUDY,
            "answers-save": STUDY,
            "post-create": DISCUSS,
            "discussion": DISCUSS,
            "draft-save": WRITE,
            "submit": WRITE,
            "unsubmit": WRITE,
            "lesson-preview": 1,
        }
        by_segment = {
            "classes": self.classroom.pk,
            "assignments": self.work.assignment.pk,
            "work": self.work.assignment.pk,
            "users": self.student.pk,
            "lessons": self.lesson.pk,
            "studio": self.lesson.pk,
            "documents": self.document.pk,
            "grading": self.banked.pk,
            "notifications": self.notification.pk,
            "sis": self.oneroster_import.pk,
        }
        if name == "pk":
            return by_segment[_first_segment(route)]
        if name in {"module_pk", "excerpt_pk", "question_pk"}:
            return self.studio_value(key, name)
        if name == "position":
            return positions[key]
        if name == "uidb64":
            return urlsafe_base64_encode(force_bytes(self.student.pk))
        if name == "token":
            return default_token_generator.make_token(self.student)
        return {
            "student_pk": self.student.pk,
            "submission_pk": self.work.submission.pk,
            "post_pk": self.work.post.pk,
            "import_pk": self.roster_import.pk,
            "lesson_pk": self.lesson.pk,
            "document_pk": self.document.pk,
        }[name]

    def studio_value(self, key: str, name: str) -> int:
        """The lesson editor's objects: the written assignment for its rubric pages, the
        document study (with its excerpt and questions) for the rest."""
        module = module_of(self.work.assignment, WRITE if key.startswith("rubric") else STUDY)
        if name == "module_pk":
            return module.pk
        related = module.excerpts if name == "excerpt_pk" else module.questions
        return related.values_list("pk", flat=True)[0]

    def admin_value(self, route: Route, name: str):
        if name == "object_id" and "content_type_id" in route.route:
            return self.student.pk  # view on site: a user, whose page is theirs
        if name in {"object_id", "id"}:
            app_label, model_name = route.route.split("/")[1:3]
            return self.admin_objects[f"{app_label}.{model_name}"].pk
        if name == "content_type_id":
            return ContentType.objects.get_for_model(User).pk
        if name == "app_label":
            return "accounts"
        if name == "url":
            return "no-such-page/"
        raise KeyError(name)


def outcome(response):
    if response.status_code in {301, 302, 303, 307}:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return LOGIN
        return OK
    if 200 <= response.status_code < 300:
        return OK
    return response.status_code


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# What one class's people must never read: the other class's students' names and work.
FORBIDDEN = {
    "teacher": OTHER_NAMES + list(OTHER_WORK.values()),
    "student": OTHER_NAMES + list(OTHER_WORK.values()),
    "other_teacher": MAIN_NAMES + list(MAIN_WORK.values()),
    "other_student": MAIN_NAMES + list(MAIN_WORK.values()),
}


@pytest.fixture
def cast(admin_user, teacher, classroom, student, other_teacher, other_student, work, other_work):
    people = {
        "admin": admin_user,
        "teacher": teacher,
        "student": student,
        "other_teacher": other_teacher,
        "other_student": other_student,
        "anonymous": None,
    }
    clients = {}
    for label, person in people.items():
        client = Client()
        if person is not None:
            client.force_login(person)
        clients[label] = (client, SimpleCookie(client.cookies.output(header="", sep=";")))
    return Cast(
        people=clients,
        work=work,
        lesson=work.assignment.lesson,
        document=SourceDocument.objects.get(),
        student=User.objects.get(pk=student.pk),
        classroom=Classroom.objects.get(pk=classroom.pk),
    )


def send(cast: Cast, person: str, method: str, url: str):
    """One request as one person, rolled back afterwards, with the person's session restored."""
    client, cookies = cast.people[person]
    client.cookies = SimpleCookie(cookies.output(header="", sep=";"))
    with transaction.atomic():
        response = client.generic(method, url)
        transaction.set_rollback(True)
    return response


def test_every_url_answers_every_person_as_the_table_says(cast):
    routes = list(all_routes())
    problems = []
    leaks = []
    seen_keys = set()
    for route in routes:
        seen_keys.add(route.key)
        expected = expected_for(route.key)
        if expected is None:
            problems.append(f"{route.key} ({route.route}): no row in EXPECTED")
            continue
        url = fill(route, cast.value)
        assert resolve(url).func == route.callback, f"{url} does not resolve to {route.key}"
        declared = declared_methods(route.callback)
        if declared is None:
            # Undeclared: a method the admin (who may do anything) gets 405 for is not taken.
            declared = {m for m in (GET, POST) if send(cast, "admin", m, url).status_code != 405}
            wanted = {m: expected[m] for m in declared if m in expected}
        else:
            wanted = expected
        if set(wanted) != declared:
            problems.append(f"{route.key}: takes {sorted(declared)}, table has {sorted(wanted)}")
        for method in (GET, POST):
            for person in PEOPLE:
                response = send(cast, person, method, url)
                got = outcome(response)
                want = wanted[method][person] if method in wanted else 405
                if method not in declared and got != 405:
                    # A view may check who is asking before the method: the app's views
                    # send an anonymous visitor to log in, the admin sends non-staff to its
                    # login (or, from its logout, to its index).
                    if person == "anonymous" and got == LOGIN:
                        want = got
                    sent_on = {ADMIN_LOGIN, OK} if route.key == "admin:logout" else {ADMIN_LOGIN}
                    if person != "admin" and route.key.startswith("admin:") and got in sent_on:
                        want = got
                if got != want:
                    problems.append(f"{route.key} {method} as {person}: {got}, expected {want}")
                text = body_of(response)
                leaks += [
                    f"{route.key} {method} as {person} shows {word!r}"
                    for word in FORBIDDEN.get(person, [])
                    if word in text
                ]
    assert not problems, "\n".join(problems)
    assert not leaks, "\n".join(leaks)
    # The table has no rows for URLs that no longer exist.
    assert set(EXPECTED) <= seen_keys, set(EXPECTED) - seen_keys
    # Sanity: the sweep covered the admin, every app and real work of the first class.
    assert {k.split(":")[0] for k in seen_keys} == {
        "admin",
        "accounts",
        "lessons",
        "coursework",
        "studio",
        "notifications",
        "lms",
        "lms_services",
        "sis",
        "cartridge",
    }
    assert len(routes) > 100


def test_the_sweep_rolls_back_what_posts_change(cast):
    """Each POST in the sweep runs in a savepoint: the class, the work and the sessions
    are unchanged afterwards, so one row's request can't hide another row's answer."""
    url = reverse("accounts:class-archive", args=[cast.classroom.pk])
    assert send(cast, "teacher", POST, url).status_code == 302
    assert Classroom.objects.get(pk=cast.classroom.pk).archived is False
    assert send(cast, "teacher", POST, reverse("accounts:logout")).status_code == 302
    assert send(cast, "teacher", GET, reverse("coursework:home")).status_code == 200
    assert LogEntry.objects.count() == 0


def test_the_sweep_finds_a_view_missing_from_the_table(settings):
    """A view nobody put in the table is reported, not silently passed."""
    assert expected_for("coursework:a-new-view") is None
    assert expected_for("admin:accounts_user_export") is not None
    assert declared_methods(resolve(reverse("coursework:home")).func) == {GET}
    assert declared_methods(resolve("/classes/1/rename/").func) == {POST}
    assert declared_methods(resolve(reverse("accounts:class-join")).func) == {GET, POST}
    assert declared_methods(resolve(reverse("accounts:logout")).func) == {POST}
    assert declared_methods(resolve(reverse("admin:index")).func) is None
