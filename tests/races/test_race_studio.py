"""Two authors save the same module of a draft lesson at the same moment: exactly one save
wins, the other is refused as stale with both versions shown, and nothing is mixed."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from lessons.models import Module
from lessons.services import lesson_new_version
from tests.conftest import make_user
from tests.races.conftest import at_once


def test_two_authors_saving_the_same_module_at_once_one_wins(tab, lesson, admin_user):
    draft = lesson_new_version(lesson=lesson)
    module = draft.modules.get(kind="document_study")
    author = make_user("author", role="teacher")
    author.user_permissions.add(Permission.objects.get(codename="author_lessons"))
    url = reverse("studio:module-edit", args=[draft.pk, module.pk])
    first, second = tab(admin_user), tab(author)
    replies = at_once(
        lambda: first.post(url, {"revision": 1, "title": "From the admin", "body": "A"}),
        lambda: second.post(url, {"revision": 1, "title": "From the author", "body": "B"}),
    )
    assert sorted(reply.status for reply in replies) == [302, 409]
    saved = Module.objects.get(pk=module.pk)
    assert saved.revision == 2
    assert (saved.title, saved.body) in {("From the admin", "A"), ("From the author", "B")}
    refused = next(reply for reply in replies if reply.status == 409)
    assert saved.title in refused.text  # the stored version, shown to the one refused
    assert "Your version (not saved)" in refused.text


def test_make_a_new_version_clicked_twice_at_once_makes_one_draft(tab, lesson, admin_user):
    url = reverse("studio:lesson-new-version", args=[lesson.pk])
    first, second = tab(admin_user), tab(admin_user)
    replies = at_once(lambda: first.post(url, {}), lambda: second.post(url, {}))
    assert [reply.status for reply in replies] == [302, 302]
    drafts = lesson.next_versions.filter(status="draft")
    assert drafts.count() == 1
    assert {reply.location for reply in replies} == {
        reverse("studio:lesson-edit", args=[drafts.get().pk])
    }


def test_publishing_while_a_module_is_saved_never_changes_the_published_lesson(
    tab, lesson, admin_user
):
    draft = lesson_new_version(lesson=lesson)
    module = draft.modules.get(kind="document_study")
    save_url = reverse("studio:module-edit", args=[draft.pk, module.pk])
    publish_url = reverse("studio:lesson-publish", args=[draft.pk])
    editor, publisher = tab(admin_user), tab(admin_user)
    replies = at_once(
        lambda: editor.post(save_url, {"revision": 1, "title": "Changed", "body": "New"}),
        lambda: publisher.post(publish_url, {}),
    )
    draft.refresh_from_db()
    saved = Module.objects.get(pk=module.pk)
    assert draft.status == "published"
    if saved.title == "Changed":
        # The save landed first, and publishing judged the lesson with it.
        assert replies[0].status == 302
    else:
        assert replies[0].status == 403
        assert saved.revision == 1
