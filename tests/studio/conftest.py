"""Studio fixtures: a teacher given the authoring permission, a school draft, a published
lesson, and a teacher's own copy, on top of the shared cast of tests/conftest.py."""

import pytest
from django.contrib.auth.models import Permission

from lessons.models import Lesson
from tests.conftest import make_user
from tests.lessons.conftest import document, draft_lesson, published_lesson  # noqa: F401


def grant_authoring(user):
    user.user_permissions.add(Permission.objects.get(codename="author_lessons"))
    # The permission cache lives on the instance; a fresh one sees the new permission.
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def author(db):
    """A teacher given "Can author lessons"."""
    return grant_authoring(
        make_user("author", role="teacher", first_name="Ada", last_name="Author")
    )


@pytest.fixture
def teachers_copy(draft_lesson, teacher) -> Lesson:  # noqa: F811
    """The shared teacher's own private draft, made from the school's draft."""
    from lessons.services import lesson_new_version

    copy = lesson_new_version(lesson=draft_lesson)
    copy.owner = teacher
    copy.copied_from = draft_lesson
    copy.save(update_fields=["owner", "copied_from"])
    return copy
