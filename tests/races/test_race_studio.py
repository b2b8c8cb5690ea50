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
