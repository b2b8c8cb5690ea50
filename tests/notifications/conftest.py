"""Notification tests start from the coursework cast: a lesson with one module of every kind
assigned to the shared class."""

from tests.coursework.conftest import (  # noqa: F401
    assignment,
    document,
    lesson,
    other_assignment,
)
