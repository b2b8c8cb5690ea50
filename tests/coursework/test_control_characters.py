"""Control characters (a NUL above all, which PostgreSQL can't store) never reach the database."""

import pytest

from coursework.models import Answer, Post
from coursework.services import plain_text
from lessons.models import Question
from tests.coursework.conftest import module_url


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


def test_plain_text_keeps_tabs_and_line_breaks_but_drops_other_controls():
    assert plain_text("a\x00b\x07c\td\ne\r\nf\x7f") == "abc\td\ne\r\nf"


def test_an_answer_with_a_nul_byte_is_stored_without_it(as_student, assignment, student):
    question = Question.objects.filter(module__lesson=assignment.lesson).first()
    position = question.module.position
    response = as_student.post(
        module_url(assignment, position, "answers-save"),
        {f"answer-{question.pk}": "Kamenev\x00 confessed\x1b."},
    )
    assert response.status_code == 302
    assert Answer.objects.get(student=student, question=question).text == "Kamenev confessed."


def test_a_post_edit_with_a_nul_byte_is_stored_without_it(as_student, assignment, student):
    from django.urls import reverse

    discussion = assignment.lesson.modules.get(kind="discussion")
    as_student.post(module_url(assignment, discussion.position, "post-create"), {"text": "First"})
    post = Post.objects.get(author=student)
    as_student.post(
        reverse("coursework:post-edit", args=[assignment.pk, post.pk]), {"text": "Fix\x00ed"}
    )
    post.refresh_from_db()
    assert post.text == "Fixed"
