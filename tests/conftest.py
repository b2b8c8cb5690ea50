"""The cast every test starts from: an admin, a teacher with a class and a student in it
(and a classmate when a test asks), and a teacher and a student outside it who should
have no access."""

import pytest
from django.core.cache import cache

from accounts.models import Classroom, Enrollment, User

PASSWORD = "correct-horse-battery"


def make_user(username: str, *, role: str = User.Role.STUDENT, **fields) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        first_name=fields.pop("first_name", username.title()),
        last_name=fields.pop("last_name", "Tester"),
        **fields,
    )


def enroll(classroom: Classroom, *students: User) -> None:
    for student in students:
        Enrollment.objects.create(classroom=classroom, student=student)


def not_modified_queries() -> int:
    """Queries for a 304: the session row (unless sessions are read from the shared cache),
    the user row, and the one query that checks access and reads the stamps."""
    from django.conf import settings

    return 2 if settings.SESSION_ENGINE.endswith("cached_db") else 3


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The production hasher is slow on purpose; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Background jobs run inside the request that enqueues them; the worker has its own tests.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Hashed names need collectstatic first; tests serve the files straight from static/.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(db):
    return make_user("admin", role=User.Role.TEACHER, is_staff=True, is_superuser=True)


@pytest.fixture
def teacher(db):
    return make_user("teacher", role=User.Role.TEACHER, first_name="Maria", last_name="Rivera")


@pytest.fixture
def classroom(teacher):
    room = Classroom.objects.create(name="History 10", join_code="ABCDEF7")
    room.teachers.add(teacher)
    return room


@pytest.fixture
def student(classroom):
    person = make_user("student", first_name="Amara", last_name="Okafor")
    enroll(classroom, person)
    return person


@pytest.fixture
def classmate(classroom) -> User:
    """A second student in the teacher's class."""
    person = make_user("classmate", first_name="Bruno", last_name="Silva")
    enroll(classroom, person)
    return person


@pytest.fixture
def other_teacher(db):
    return make_user("otherteacher", role=User.Role.TEACHER, first_name="David", last_name="Chen")


@pytest.fixture
def other_classroom(other_teacher):
    room = Classroom.objects.create(name="Modern Europe", join_code="XYZWVU9")
    room.teachers.add(other_teacher)
    return room


@pytest.fixture
def other_student(other_classroom):
    person = make_user("otherstudent", first_name="Zoe", last_name="Kowalski")
    enroll(other_classroom, person)
    return person


@pytest.fixture
def loner(db):
    """A student in no class at all."""
    return make_user("loner", first_name="Lone", last_name="Student")
