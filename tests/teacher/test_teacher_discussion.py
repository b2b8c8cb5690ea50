"""Moderating a class discussion: the teacher sees every post, hides one with a kept
reason, shows it again, pins, and replies as the teacher."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from coursework import services
from coursework.models import Post
from tests.teacher.conftest import TALK, page, post


def board_url(talk) -> str:
    return reverse("coursework:discussion", args=[talk.pk, TALK])


def moderate(client, talk, target: Post, **data):
    return client.post(reverse("coursework:post-moderate", args=[talk.pk, target.pk]), data)


def stored(target: Post) -> dict:
    return Post.objects.filter(pk=target.pk).values().get()


def student_view(client, talk, student) -> str:
    client.force_login(student)
    return page(client.get(reverse("coursework:player-module", args=[talk.pk, TALK])))


def last_message(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


@pytest.fixture
def posts(talk, student, classmate):
    return post(talk, student, "Trade mattered most."), post(talk, classmate, "Votes mattered.")


def test_teacher_sees_every_post_without_posting(as_teacher, talk, posts, classmate):
    post(talk, classmate, "Agreed, partly.", parent=posts[0])
    response = as_teacher.get(board_url(talk))
    html = page(response)
    assert response.status_code == 200
    assert "Was it worth it?" in html
    for text in ["Trade mattered most.", "Votes mattered.", "Agreed, partly."]:
        assert text in html
    assert "Post your own answer first" not in html


def test_empty_discussion_says_no_posts(as_teacher, talk):
    assert "No posts yet." in page(as_teacher.get(board_url(talk)))


def test_hiding_a_post_keeps_the_reason_and_students_see_a_notice(
    client, as_teacher, talk, posts, teacher, classmate
):
    target = posts[0]
    response = moderate(as_teacher, talk, target, action="hide", reason="Off topic")
    assert response.status_code == 302 and response.url == board_url(talk)
    hidden = stored(target)
    assert hidden["hidden_at"] is not None
    assert (hidden["hidden_reason"], hidden["hidden_by_id"]) == ("Off topic", teacher.pk)
    html = page(as_teacher.get(board_url(talk)))
    assert "Trade mattered most." in html  # the teacher still reads it
    assert "Hidden by Maria Rivera" in html and "Reason: Off topic" in html
    html = student_view(client, talk, classmate)
    assert "This post was hidden by the teacher." in html
    assert "Trade mattered most." not in html
    assert "Off topic" not in html
    assert "Votes mattered." in html


def test_hiding_needs_a_reason(as_teacher, talk, posts):
    before = stored(posts[0])
    response = moderate(as_teacher, talk, posts[0], action="hide", reason="   ")
    assert "Give a reason for hiding the post" in last_message(response)
    assert stored(posts[0]) == before


def test_showing_again_keeps_the_reason(client, as_teacher, talk, posts, classmate):
    moderate(as_teacher, talk, posts[0], action="hide", reason="Off topic")
    moderate(as_teacher, talk, posts[0], action="show")
    shown = stored(posts[0])
    assert shown["hidden_at"] is None and shown["hidden_reason"] == "Off topic"
    assert "Trade mattered most." in student_view(client, talk, classmate)


def test_pinning_puts_a_post_first_and_unpinning_undoes_it(
    client, as_teacher, talk, posts, student
):
    moderate(as_teacher, talk, posts[1], action="pin")
    assert stored(posts[1])["pinned"] is True
    html = student_view(client, talk, student)
    assert html.index("Votes mattered.") < html.index("Trade mattered most.")
    assert '<span class="tag">Pinned</span>' in html
    client.force_login(talk.classroom.teachers.first())
    moderate(client, talk, posts[1], action="unpin")
    assert stored(posts[1])["pinned"] is False


def test_teacher_replies_as_the_teacher(client, as_teacher, talk, posts, teacher, student):
    response = moderate(as_teacher, talk, posts[0], action="reply", text="  Which trade?  ")
    assert last_message(response) == "Your reply is posted."
    reply = Post.objects.get(author=teacher)
    assert (reply.parent_id, reply.text, reply.module_id) == (
        posts[0].pk,
        "Which trade?",
        posts[0].module_id,
    )
    html = student_view(client, talk, student)
    assert "Which trade?" in html
    assert 'Maria Rivera</strong> <span class="tag">Teacher</span>' in html


def test_an_empty_reply_is_refused(as_teacher, talk, posts):
    response = moderate(as_teacher, talk, posts[0], action="reply", text="  ")
    assert "Write something before posting" in last_message(response)
    assert Post.objects.count() == 2


def test_an_unknown_action_changes_nothing(as_teacher, talk, posts):
    before = stored(posts[0])
    response = moderate(as_teacher, talk, posts[0], action="delete")
    assert last_message(response) == "Choose what to do with the post."
    assert stored(posts[0]) == before and Post.objects.count() == 2


def test_a_post_of_another_assignment_is_not_found(
    as_teacher, talk, assignment, posts, other_classroom, other_teacher, other_student
):
    elsewhere = services.assignment_create(
        classroom=other_classroom, lesson=talk.lesson, teacher=other_teacher
    )
    foreign = post(elsewhere, other_student, "Other class.")
    before = stored(foreign)
    assert moderate(as_teacher, talk, foreign, action="pin").status_code == 404
    assert stored(foreign) == before


def test_a_module_that_is_not_a_discussion_is_not_found(as_teacher, talk):
    url = reverse("coursework:discussion", args=[talk.pk, 1])
    assert as_teacher.get(url).status_code == 404
