"""The publish checklist, publishing after confirmation, new versions, their changes and
archiving, in the studio."""

import pytest
from django.urls import reverse

from coursework import services as coursework_services
from lessons.models import Excerpt, Lesson, Module, Question
from lessons.services import lesson_new_version, lesson_publish
from tests.studio.conftest import grant_authoring

pytestmark = pytest.mark.django_db


def checklist(lesson) -> str:
    return reverse("studio:lesson-checklist", args=[lesson.pk])


def publish_url(lesson) -> str:
    return reverse("studio:lesson-publish", args=[lesson.pk])


def html(response) -> str:
    return response.content.decode()


class TestChecklist:
    def test_a_complete_draft_passes_every_check_and_offers_publishing(
        self, client, admin_user, draft_lesson
    ):
        client.force_login(admin_user)
        page = html(client.get(checklist(draft_lesson)))
        assert "Every check passes." in page
        assert f'href="{publish_url(draft_lesson)}"' in page

    def test_every_problem_is_listed_with_a_link_to_where_it_is_fixed(
        self, client, admin_user, draft_lesson
    ):
        Lesson.objects.filter(pk=draft_lesson.pk).update(title=" ", slug="", grade_band="")
        study = draft_lesson.modules.get(kind="document_study")
        Excerpt.objects.filter(module=study).update(text="Words the document never had.")
        Question.objects.filter(module=study).delete()
        Module.objects.filter(lesson=draft_lesson, kind="assignment").update(rubric=None)
        writing = draft_lesson.modules.get(kind="assignment")
        client.force_login(admin_user)
        page = html(client.get(checklist(draft_lesson)))
        editor = reverse("studio:lesson-edit", args=[draft_lesson.pk])
        study_page = reverse("studio:module-edit", args=[draft_lesson.pk, study.pk])
        for text, link in [
            ("The lesson has no title.", f"{editor}#id_title"),
            ("The lesson has no slug", f"{editor}#id_slug"),
            ("The lesson has no grade band.", f"{editor}#id_grade_band"),
            ("its words no longer match the document", f"{study_page}#excerpt-"),
            ("it has no guiding question.", f"{study_page}#questions"),
            (
                "is a written assignment without a rubric.",
                reverse("studio:rubric-edit", args=[draft_lesson.pk, writing.pk]),
            ),
        ]:
            assert text in page, text
            assert f'href="{link}' in page, link
        assert "Fix these 6 problems before publishing" in page
        assert f'href="{publish_url(draft_lesson)}"' not in page

    def test_a_published_lesson_is_read_only_and_offers_a_new_version(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        page = html(client.get(checklist(published_lesson)))
        assert "it is read-only" in page
        assert reverse("studio:lesson-new-version", args=[published_lesson.pk]) in page
        assert reverse("studio:lesson-archive", args=[published_lesson.pk]) in page

    def test_a_teacher_without_the_permission_gets_403_and_another_teachers_copy_is_404(
        self, client, teacher, other_teacher, draft_lesson, teachers_copy
    ):
        client.force_login(teacher)
        assert client.get(checklist(draft_lesson)).status_code == 403
        assert client.get(checklist(teachers_copy)).status_code == 200
        client.force_login(other_teacher)
        assert client.get(checklist(teachers_copy)).status_code == 404
        assert client.post(publish_url(teachers_copy)).status_code == 404

    def test_an_author_checks_school_lessons_and_a_student_is_refused(
        self, client, author, student, draft_lesson
    ):
        client.force_login(author)
        assert client.get(checklist(draft_lesson)).status_code == 200
        client.force_login(student)
        assert client.get(checklist(draft_lesson)).status_code == 403

    def test_the_checklist_keeps_its_queries_however_many_modules(
        self, client, admin_user, draft_lesson, django_assert_max_num_queries
    ):
        client.force_login(admin_user)
        with django_assert_max_num_queries(20) as small:
            client.get(checklist(draft_lesson))
        study = draft_lesson.modules.get(kind="document_study")
        excerpt = study.excerpts.get()
        for position in range(10, 20):
            module = Module.objects.create(
                lesson=draft_lesson, position=position, kind="document_study", title=f"M{position}"
            )
            copy = Excerpt.objects.create(
                module=module,
                document=excerpt.document,
                text=excerpt.text,
                start=excerpt.start,
                end=excerpt.end,
            )
            Question.objects.create(module=module, text="Why?", skill="sourcing", excerpt=copy)
        with django_assert_max_num_queries(len(small.captured_queries)):
            page = html(client.get(checklist(draft_lesson)))
        assert "Every check passes." in page


class TestPublishing:
    def test_publishing_asks_for_confirmation_first(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        page = html(client.get(publish_url(draft_lesson)))
        assert "Publish “The Bridge”?" in page
        assert f'<form method="post" action="{publish_url(draft_lesson)}">' in page
        draft_lesson.refresh_from_db()
        assert draft_lesson.status == "draft"

    def test_confirming_publishes_for_every_teacher(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        response = client.post(publish_url(draft_lesson), follow=True)
        assert "Published “The Bridge” for every teacher." in html(response)
        draft_lesson.refresh_from_db()
        assert draft_lesson.status == "published" and draft_lesson.published_at

    def test_a_lesson_with_problems_is_refused_with_the_list_and_stays_a_draft(
        self, client, admin_user, draft_lesson
    ):
        Lesson.objects.filter(pk=draft_lesson.pk).update(grade_band="")
        Module.objects.filter(lesson=draft_lesson, kind="assignment").update(rubric=None)
        client.force_login(admin_user)
        response = client.post(publish_url(draft_lesson))
        assert response.status_code == 400
        page = html(response)
        assert "Not published: nothing was changed." in page
        assert "The lesson has no grade band." in page and "without a rubric" in page
        draft_lesson.refresh_from_db()
        assert draft_lesson.status == "draft" and draft_lesson.published_at is None

    def test_the_confirmation_page_shows_problems_found_since_instead(
        self, client, admin_user, draft_lesson
    ):
        Lesson.objects.filter(pk=draft_lesson.pk).update(slug="")
        client.force_login(admin_user)
        page = html(client.get(publish_url(draft_lesson)))
        assert "The lesson has no slug" in page
        assert "Publish “The Bridge”?" not in page

    def test_a_published_lesson_cannot_be_published_again(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        response = client.post(publish_url(published_lesson))
        assert response.status_code == 400
        assert "is published, not a draft" in html(response)

    def test_a_teacher_publishes_a_lesson_of_someone_else_never(
        self, client, teacher, draft_lesson
    ):
        client.force_login(teacher)
        assert client.post(publish_url(draft_lesson)).status_code == 403
        draft_lesson.refresh_from_db()
        assert draft_lesson.status == "draft"

    def test_publishing_takes_post_or_get_only(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        assert client.put(publish_url(draft_lesson)).status_code == 405


class TestNewVersions:
    def new_version(self, client, lesson):
        return client.post(reverse("studio:lesson-new-version", args=[lesson.pk]))

    def test_a_new_version_is_a_draft_copy_opened_in_the_editor(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        response = self.new_version(client, published_lesson)
        copy = Lesson.objects.get(previous_version=published_lesson)
        assert response.url == reverse("studio:lesson-edit", args=[copy.pk])
        assert (copy.status, copy.version, copy.slug) == ("draft", 2, published_lesson.slug)
        assert list(copy.modules.values_list("position", "kind", "title")) == list(
            published_lesson.modules.values_list("position", "kind", "title")
        )
        excerpt = Excerpt.objects.get(module__lesson=copy)
        assert excerpt.has_source_span
        assert Question.objects.get(module__lesson=copy).excerpt == excerpt
        assert set(copy.documents.all()) == set(published_lesson.documents.all())
        # The frozen rubric is shared until an author edits it.
        old = published_lesson.modules.get(kind="assignment")
        assert copy.modules.get(kind="assignment").rubric_id == old.rubric_id

    def test_a_second_request_carries_on_with_the_same_draft(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        self.new_version(client, published_lesson)
        response = self.new_version(client, published_lesson)
        assert Lesson.objects.filter(previous_version=published_lesson).count() == 1
        assert response.url == reverse(
            "studio:lesson-edit", args=[Lesson.objects.get(version=2).pk]
        )

    def test_a_draft_gets_no_new_version(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        response = self.new_version(client, draft_lesson)
        assert response.status_code == 400
        assert "is already a draft" in html(response)
        assert Lesson.objects.count() == 1

    def test_a_teacher_may_not_version_the_schools_lesson(self, client, teacher, published_lesson):
        client.force_login(teacher)
        assert self.new_version(client, published_lesson).status_code == 403
        assert Lesson.objects.count() == 1

    def test_publishing_the_new_version_archives_the_one_it_replaces(
        self, client, admin_user, published_lesson
    ):
        copy = lesson_new_version(lesson=published_lesson)
        client.force_login(admin_user)
        client.post(publish_url(copy))
        published_lesson.refresh_from_db()
        copy.refresh_from_db()
        assert (copy.status, published_lesson.status) == ("published", "archived")
        catalogue = html(client.get(reverse("lessons:lesson-list")))
        assert catalogue.count(">The Bridge</a>") == 1 and "(version 2)" in catalogue


class TestChanges:
    def changes(self, client, lesson) -> str:
        return html(client.get(reverse("studio:lesson-changes", args=[lesson.pk])))

    def test_a_new_version_shows_what_changed_against_the_published_one(
        self, client, admin_user, published_lesson
    ):
        copy = lesson_new_version(lesson=published_lesson)
        Lesson.objects.filter(pk=copy.pk).update(central_question="Why build it at all?")
        background = copy.modules.get(position=1)
        study = copy.modules.get(position=2)
        Module.objects.filter(pk=background.pk).update(body="Read this first.")
        Question.objects.filter(module=study).update(text="Who is speaking, and to whom?")
        Question.objects.create(module=study, position=2, text="When?", skill="contextualization")
        Module.objects.filter(pk=copy.modules.get(position=3).pk).delete()
        Module.objects.create(lesson=copy, position=4, kind="discussion", title="Talk")
        client.force_login(admin_user)
        page = self.changes(client, copy)
        assert "Compared with version 1" in page
        assert "<dt>Central question</dt>" in page
        assert '<ins><span class="visually-hidden">[added: </span>it at all?' in page
        assert "<strong>Removed:</strong> “Write” (Written assignment)" in page
        assert "<strong>Added:</strong> module 4, “Talk” (Discussion)" in page
        assert "Module 1: Background" in page and "Read this first." in page
        assert "<strong>Added:</strong> When? (Contextualization)" in page
        assert "<strong>Changed:</strong>" in page and "and to whom?" in page

    def test_moved_modules_are_named(self, client, admin_user, published_lesson):
        copy = lesson_new_version(lesson=published_lesson)
        first, second = copy.modules.get(position=1), copy.modules.get(position=2)
        Module.objects.filter(pk=first.pk).update(position=99)
        Module.objects.filter(pk=second.pk).update(position=1)
        Module.objects.filter(pk=first.pk).update(position=2)
        client.force_login(admin_user)
        page = self.changes(client, copy)
        assert "<strong>Moved</strong> from position 1 to 2." in page
        assert "<strong>Moved</strong> from position 2 to 1." in page

    def test_an_unchanged_version_says_so(self, client, admin_user, published_lesson):
        copy = lesson_new_version(lesson=published_lesson)
        client.force_login(admin_user)
        assert "Nothing has changed yet." in self.changes(client, copy)

    def test_a_lesson_made_from_nothing_has_nothing_to_compare(
        self, client, admin_user, draft_lesson
    ):
        client.force_login(admin_user)
        assert "nothing to compare it with" in self.changes(client, draft_lesson)


class TestArchiving:
    def archive_url(self, lesson) -> str:
        return reverse("studio:lesson-archive", args=[lesson.pk])

    def test_archiving_asks_first_then_takes_the_lesson_out_of_the_catalogue(
        self, client, admin_user, teacher, published_lesson
    ):
        client.force_login(admin_user)
        assert "Archive “The Bridge”?" in html(client.get(self.archive_url(published_lesson)))
        client.post(self.archive_url(published_lesson))
        published_lesson.refresh_from_db()
        assert published_lesson.status == "archived"
        client.force_login(teacher)
        assert "The Bridge" not in html(client.get(reverse("lessons:lesson-list")))
        assign = reverse("lessons:lesson-assign", args=[published_lesson.pk])
        assert client.get(assign).status_code == 404

    def test_a_draft_cannot_be_archived(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        response = client.post(self.archive_url(draft_lesson))
        assert response.status_code == 400
        assert "only a published lesson can be archived" in html(response)
        draft_lesson.refresh_from_db()
        assert draft_lesson.status == "draft"

    def test_an_archived_lesson_stays_readable_where_it_is_assigned(
        self, client, admin_user, teacher, student, classroom, published_lesson
    ):
        assignment = coursework_services.assignment_create(
            classroom=classroom, lesson=published_lesson, teacher=teacher
        )
        client.force_login(admin_user)
        client.post(self.archive_url(published_lesson))
        published_lesson.refresh_from_db()
        assert published_lesson.status == "archived"
        document = published_lesson.documents.get()
        client.force_login(student)
        assert "The Bridge" in html(client.get(reverse("coursework:home")))
        for position in (1, 2, 3):
            url = reverse("coursework:player-module", args=[assignment.pk, position])
            response = client.get(url)
            assert response.status_code == 200, position
        assert "We shall build the bridge this year." in html(
            client.get(reverse("coursework:player-module", args=[assignment.pk, 2]))
        )
        assert client.get(reverse("lessons:document-detail", args=[document.pk])).status_code == (
            200
        )
        client.force_login(teacher)
        for url in [
            classroom.get_absolute_url(),
            reverse("coursework:dashboard", args=[assignment.pk]),
            reverse("coursework:grading", args=[assignment.pk]),
            reverse("coursework:gradebook", args=[classroom.pk]),
            reverse("coursework:student-work", args=[assignment.pk, student.pk]),
            reverse("lessons:lesson-detail", args=[published_lesson.pk]),
            reverse("studio:lesson-preview", args=[published_lesson.pk, 2]),
            reverse("lessons:document-detail", args=[document.pk]),
        ]:
            assert client.get(url).status_code == 200, url
        assert "This lesson is archived" in html(
            client.get(reverse("lessons:lesson-detail", args=[published_lesson.pk]))
        )


def test_an_author_publishes_a_school_lesson_and_a_teacher_assigns_it(
    client, teacher, classroom, draft_lesson
):
    from tests.conftest import make_user

    author = grant_authoring(make_user("writer", role="teacher"))
    client.force_login(author)
    client.post(publish_url(draft_lesson))
    draft_lesson.refresh_from_db()
    assert draft_lesson.status == "published" and draft_lesson.owner is None
    client.force_login(teacher)
    assert "The Bridge" in html(client.get(reverse("lessons:lesson-list")))


def test_the_rules_run_again_when_publishing(draft_lesson):
    """A change made after the checklist was read is judged by the publish itself."""
    from lessons.services import PublishRefused

    Module.objects.filter(lesson=draft_lesson, kind="assignment").update(rubric=None)
    with pytest.raises(PublishRefused):
        lesson_publish(lesson=draft_lesson)
    draft_lesson.refresh_from_db()
    assert draft_lesson.status == "draft"


def test_archiving_and_versioning_are_refused_to_others_with_nothing_changed(
    client, teacher, other_teacher, published_lesson, teachers_copy
):
    lesson_publish(lesson=teachers_copy)
    client.force_login(teacher)
    archive = reverse("studio:lesson-archive", args=[published_lesson.pk])
    assert client.get(archive).status_code == 403
    assert client.post(archive).status_code == 403
    client.force_login(other_teacher)
    for name in ("studio:lesson-archive", "studio:lesson-new-version"):
        assert client.post(reverse(name, args=[teachers_copy.pk])).status_code == 404
    published_lesson.refresh_from_db()
    teachers_copy.refresh_from_db()
    assert (published_lesson.status, teachers_copy.status) == ("published", "published")
    assert Lesson.objects.count() == 2
    # The owner archives and versions their own copy; the new version stays theirs.
    client.force_login(teacher)
    client.post(reverse("studio:lesson-new-version", args=[teachers_copy.pk]))
    version = Lesson.objects.get(previous_version=teachers_copy)
    assert (version.owner, version.version) == (teacher, teachers_copy.version + 1)
    client.post(reverse("studio:lesson-archive", args=[teachers_copy.pk]))
    teachers_copy.refresh_from_db()
    assert teachers_copy.status == "archived"


def test_the_changes_page_keeps_its_queries_however_many_modules(
    client, admin_user, published_lesson, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    copy = lesson_new_version(lesson=published_lesson)
    url = reverse("studio:lesson-changes", args=[copy.pk])
    client.force_login(admin_user)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for position in range(10, 20):
        module = Module.objects.create(
            lesson=copy, position=position, kind="document_study", title=f"M{position}"
        )
        Question.objects.create(module=module, text="Why?", skill="sourcing")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get(url))
    assert "<strong>Added:</strong> module 19, “M19” (Document study)" in page
