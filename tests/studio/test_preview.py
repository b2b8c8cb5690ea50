"""The studio's preview: each module through the student's own templates, saving nothing."""

import re

import pytest
from django.urls import reverse

from coursework.models import Answer, Post, Submission
from lessons.models import Lesson
from tests.coursework.conftest import ALL_KINDS, build_lesson

pytestmark = pytest.mark.django_db


def preview_url(lesson, position: int) -> str:
    return reverse("studio:lesson-preview", args=[lesson.pk, position])


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def every_kind(document):
    return build_lesson(document, ALL_KINDS)


def test_every_module_kind_previews_with_the_not_saved_notice(client, teacher, every_kind):
    client.force_login(teacher)
    for module in every_kind.modules.all():
        page = html(client.get(preview_url(every_kind, module.position)))
        assert "Preview: answers are not saved." in page, module.kind
        assert f"<h1>{module.title}</h1>" in page
        assert f"Module {module.position} of {len(ALL_KINDS)}" in page


def test_questions_use_the_players_answer_boxes_but_post_nowhere(client, teacher, every_kind):
    client.force_login(teacher)
    study = every_kind.modules.get(kind="document_study")
    page = html(client.get(preview_url(every_kind, study.position)))
    # As in the player, each excerpt's questions are answered right under it.
    assert 'class="excerpt-questions"' in page
    for question in study.questions.all():
        assert f'<label for="answer-{question.pk}">{question.text}</label>' in page
        assert f'<textarea id="answer-{question.pk}" rows="4"></textarea>' in page
    # No form of the page can send anything but the log-out button.
    actions = re.findall(r'<form[^>]*action="([^"]*)"', page)
    assert actions == [reverse("accounts:logout")]
    assert "Save answers" not in page and "answers-save" not in page


def test_discussion_and_writing_boxes_are_shown_disabled(client, teacher, every_kind):
    client.force_login(teacher)
    discussion = every_kind.modules.get(kind="discussion")
    page = html(client.get(preview_url(every_kind, discussion.position)))
    assert "Post your own answer first." in page
    assert '<textarea id="preview-post" rows="4" disabled></textarea>' in page
    assert discussion.questions.get().text in page
    writing = every_kind.modules.get(kind="assignment")
    page = html(client.get(preview_url(every_kind, writing.position)))
    assert "Your written work" in page and "<strong>Status:</strong> Draft" in page
    assert '<textarea id="preview-response" rows="16" disabled></textarea>' in page
    assert "Rubric: Essay rubric" in page
    actions = re.findall(r'<form[^>]*action="([^"]*)"', page)
    assert actions == [reverse("accounts:logout")]


def test_the_preview_shows_what_the_students_player_shows(
    client, teacher, student, classroom, every_kind
):
    from coursework import services

    assignment = services.assignment_create(classroom=classroom, lesson=every_kind, teacher=teacher)
    for module in every_kind.modules.all():
        client.force_login(student)
        player = html(
            client.get(reverse("coursework:player-module", args=[assignment.pk, module.position]))
        )
        client.force_login(teacher)
        preview = html(client.get(preview_url(every_kind, module.position)))
        for excerpt in module.excerpts.all():
            assert (
                f'id="excerpt-{excerpt.pk}"' in player and f'id="excerpt-{excerpt.pk}"' in preview
            )
        for question in module.questions.all():
            assert question.text in player and question.text in preview
        assert f'<p class="kind-label">{module.get_kind_display()}</p>' in preview
        # A document study's questions sit under the excerpt they ask about, in both.
        pairs = player.count('class="study-pair"')
        assert preview.count('class="study-pair"') == pairs
        if module.kind == "document_study" and module.questions.exclude(excerpt=None).exists():
            assert pairs > 0


def test_previewing_saves_no_work(client, teacher, every_kind):
    client.force_login(teacher)
    for module in every_kind.modules.all():
        client.get(preview_url(every_kind, module.position))
    assert not Answer.objects.exists()
    assert not Post.objects.exists()
    assert not Submission.objects.exists()


def test_the_old_preview_address_sends_readers_to_the_studio(client, teacher, every_kind):
    client.force_login(teacher)
    response = client.get(reverse("lessons:lesson-preview", args=[every_kind.pk, 2]))
    assert response.status_code == 301
    assert response.url == preview_url(every_kind, 2)


def test_who_may_preview(
    client, teacher, other_teacher, student, admin_user, draft_lesson, teachers_copy, every_kind
):
    from tests.studio.conftest import grant_authoring

    cases = [
        (teacher, every_kind, 200),
        (teacher, draft_lesson, 404),  # the school's draft: authors only
        (teacher, teachers_copy, 200),  # their own copy
        (other_teacher, teachers_copy, 404),
        (student, every_kind, 403),
        (admin_user, teachers_copy, 200),
        (grant_authoring(other_teacher), draft_lesson, 200),
    ]
    for person, lesson, status in cases:
        client.force_login(person)
        assert client.get(preview_url(lesson, 1)).status_code == status, (person, lesson)
    client.logout()
    assert client.get(preview_url(every_kind, 1)).url.startswith(reverse("accounts:login"))


def test_a_missing_module_is_404_and_posting_is_refused(client, teacher, every_kind):
    client.force_login(teacher)
    assert client.get(preview_url(every_kind, 99)).status_code == 404
    assert client.post(preview_url(every_kind, 1)).status_code == 405


@pytest.mark.parametrize("position", [2, "last"])
def test_the_preview_keeps_its_queries_however_many_modules(
    client, teacher, document, position, django_assert_max_num_queries
):
    small = build_lesson(document, ALL_KINDS, title="Small")
    big = build_lesson(document, ALL_KINDS * 4, title="Big")
    client.force_login(teacher)

    def url(lesson: Lesson) -> str:
        return preview_url(lesson, lesson.modules.count() if position == "last" else position)

    client.get(url(small))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        html(client.get(url(small)))
    with django_assert_max_num_queries(len(first.captured_queries)):
        html(client.get(url(big)))


def test_only_those_who_may_author_are_offered_the_editor(
    client, teacher, admin_user, every_kind, teachers_copy
):
    editor = reverse("studio:lesson-edit", args=[every_kind.pk])
    client.force_login(teacher)
    page = html(client.get(preview_url(every_kind, 1)))
    assert f'href="{editor}"' not in page and "Open in the studio" not in page
    own = html(client.get(preview_url(teachers_copy, 1)))
    assert reverse("studio:lesson-edit", args=[teachers_copy.pk]) in own
    assert "Back to the editor" in own
    client.force_login(admin_user)
    assert "Open in the studio" in html(client.get(preview_url(every_kind, 1)))
