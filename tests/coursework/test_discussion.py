"""Discussion: post first, then see classmates' posts and reply; edit within 15 minutes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coursework import services
from coursework.models import Post
from tests.coursework.conftest import DISCUSS, DISCUSSION_PROMPT, module_url, page, state_of


@pytest.fixture
def module(lesson):
    return lesson.modules.get(position=DISCUSS)


@pytest.fixture
def classmate_post(assignment, module, classmate, teacher) -> Post:
    post = services.post_create(
        assignment=assignment, author=classmate, module=module, text="Bruno thinks it was wise."
    )
    services.post_create(
        assignment=assignment, author=teacher, module=module, text="Why wise?", parent=post
    )
    return post


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


def post_to(client, assignment, **data):
    return client.post(module_url(assignment, DISCUSS, "post-create"), data)


def edit_url(assignment, post) -> str:
    return reverse("coursework:post-edit", args=[assignment.pk, post.pk])


def test_classmates_posts_appear_only_after_the_student_has_posted(
    as_student, assignment, classmate_post
):
    before = page(as_student.get(module_url(assignment, DISCUSS)))
    assert DISCUSSION_PROMPT in before
    assert '<label for="id_text">Your post</label>' in before
    assert '<button type="submit">Post</button>' in before
    assert "Bruno thinks it was wise." not in before
    assert "Why wise?" not in before

    response = post_to(as_student, assignment, text="Amara says it was needed.")
    assert response.url == module_url(assignment, DISCUSS)
    after = page(as_student.get(response.url))
    assert "Your post is shared." in after
    assert "Amara says it was needed." in after
    assert "Bruno thinks it was wise." in after
    assert "Why wise?" in after
    assert f'<label for="reply-{classmate_post.pk}">Reply to Bruno Silva</label>' in after
    assert '<button type="submit">Post</button>' not in after


def test_discussion_completes_when_the_student_has_posted(as_student, assignment, student):
    as_student.get(module_url(assignment, DISCUSS))
    assert state_of(assignment, student, DISCUSS) == "in_progress"
    post_to(as_student, assignment, text="My view.")
    assert state_of(assignment, student, DISCUSS) == "complete"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_or_blank_post_is_refused_with_a_message(as_student, assignment, student, text):
    response = post_to(as_student, assignment, text=text)
    assert response.status_code == 400
    assert "Write something before posting" in page(response)
    assert not Post.objects.exists()
    assert state_of(assignment, student, DISCUSS) != "complete"


def test_replying_before_posting_is_refused(as_student, assignment, classmate_post):
    response = post_to(as_student, assignment, text="Me too!", parent=classmate_post.pk)
    assert response.status_code == 400
    assert "Post your own answer before replying to classmates." in page(response)
    assert Post.objects.count() == 2  # the classmate's post and the teacher's reply


def test_reply_after_posting_is_shown_under_the_post(as_student, assignment, classmate_post):
    post_to(as_student, assignment, text="My view.")
    response = post_to(as_student, assignment, text="I disagree, Bruno.", parent=classmate_post.pk)
    assert response.status_code == 302
    reply = Post.objects.get(text="I disagree, Bruno.")
    assert reply.parent == classmate_post
    html = page(as_student.get(response.url))
    assert "Your reply is posted." in html
    thread = html.split(f'id="post-{classmate_post.pk}"')[1].split('class="reply-form"')[0]
    assert "I disagree, Bruno." in thread


def test_student_edits_own_post_within_15_minutes(as_student, assignment, student, module):
    post = services.post_create(assignment=assignment, author=student, module=module, text="Frist")
    html = page(as_student.get(module_url(assignment, DISCUSS)))
    assert "Edit your post" in html
    response = as_student.post(edit_url(assignment, post), {"text": "First"}, follow=True)
    assert "Your post is updated." in page(response)
    post.refresh_from_db()
    assert post.text == "First" and post.edited_at is not None


def test_editing_is_refused_after_15_minutes(as_student, assignment, student, module):
    post = services.post_create(assignment=assignment, author=student, module=module, text="Old")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert "Edit your post" not in page(as_student.get(module_url(assignment, DISCUSS)))
    response = as_student.post(edit_url(assignment, post), {"text": "New"}, follow=True)
    assert "Posts can be edited for 15 minutes after posting" in page(response)
    post.refresh_from_db()
    assert post.text == "Old" and post.edited_at is None


def test_editing_a_post_to_blank_is_refused(as_student, assignment, student, module):
    post = services.post_create(assignment=assignment, author=student, module=module, text="Mine")
    response = as_student.post(edit_url(assignment, post), {"text": "  "}, follow=True)
    assert "Write something before posting" in page(response)
    post.refresh_from_db()
    assert post.text == "Mine"


def test_student_cannot_edit_a_classmates_post(as_student, assignment, classmate_post):
    response = as_student.post(edit_url(assignment, classmate_post), {"text": "Hacked"})
    assert response.status_code == 404
    classmate_post.refresh_from_db()
    assert classmate_post.text == "Bruno thinks it was wise." and classmate_post.edited_at is None


def test_posting_to_a_module_without_discussion_is_404(as_student, assignment):
    response = as_student.post(module_url(assignment, 1, "post-create"), {"text": "Hi"})
    assert response.status_code == 404
    assert not Post.objects.exists()
