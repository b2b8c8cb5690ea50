"""Who may author what: sentences about people and lessons."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lessons.models import Lesson
from studio.access import (
    LessonReadOnly,
    can_author,
    can_author_school_lessons,
    lesson_for_author,
    lessons_authorable_by,
    module_of,
    require_editable,
)

pytestmark = pytest.mark.django_db


def test_admin_may_author_every_lesson_including_teachers_copies(
    admin_user, draft_lesson, teachers_copy
):
    assert set(lessons_authorable_by(admin_user)) == {draft_lesson, teachers_copy}
    assert lesson_for_author(admin_user, teachers_copy.pk) == teachers_copy


def test_teacher_with_permission_authors_school_lessons_and_own_copies_only(
    author, draft_lesson, teachers_copy
):
    assert can_author_school_lessons(author)
    assert set(lessons_authorable_by(author)) == {draft_lesson}
    assert lesson_for_author(author, draft_lesson.pk) == draft_lesson
    with pytest.raises(Http404):
        lesson_for_author(author, teachers_copy.pk)


def test_teacher_without_permission_authors_own_copy_only(teacher, draft_lesson, teachers_copy):
    assert can_author(teacher)
    assert not can_author_school_lessons(teacher)
    assert list(lessons_authorable_by(teacher)) == [teachers_copy]
    assert lesson_for_author(teacher, teachers_copy.pk) == teachers_copy
    with pytest.raises(PermissionDenied):
        lesson_for_author(teacher, draft_lesson.pk)


def test_another_teachers_copy_is_not_found(other_teacher, teachers_copy):
    assert not lessons_authorable_by(other_teacher).exists()
    with pytest.raises(Http404):
        lesson_for_author(other_teacher, teachers_copy.pk)


def test_student_may_author_nothing_even_with_the_permission(student, draft_lesson):
    from tests.studio.conftest import grant_authoring

    student = grant_authoring(student)
    assert not can_author(student)
    assert not lessons_authorable_by(student).exists()
    with pytest.raises(PermissionDenied):
        lesson_for_author(student, draft_lesson.pk)


def test_missing_lesson_is_not_found_for_everyone(admin_user, student):
    for person in (admin_user, student):
        with pytest.raises(Http404):
            lesson_for_author(person, 99999)


def test_inactive_author_may_author_nothing(author, draft_lesson):
    author.is_active = False
    author.save()
    assert not can_author(author)
    assert not lessons_authorable_by(author).exists()


def test_published_and_archived_lessons_are_read_only(draft_lesson):
    require_editable(draft_lesson)
    for status in (Lesson.Status.PUBLISHED, Lesson.Status.ARCHIVED):
        draft_lesson.status = status
        with pytest.raises(LessonReadOnly, match="read-only"):
            require_editable(draft_lesson)


def test_module_of_another_lesson_is_not_found(draft_lesson, teachers_copy):
    module = draft_lesson.modules.first()
    assert module_of(draft_lesson, module.pk) == module
    with pytest.raises(Http404):
        module_of(teachers_copy, module.pk)
