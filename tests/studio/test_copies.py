"""Teachers' own copies: made from a published lesson, private to their owner everywhere,
published for the owner's classes only, and for everyone only by an admin."""

import pytest
from django.urls import reverse

from coursework.models import Assignment
from lessons.models import Lesson, Question
from lessons.services import lesson_copy_for_teacher, lesson_publish

pytestmark = pytest.mark.django_db


def copy_url(lesson) -> str:
    return reverse("studio:lesson-copy", args=[lesson.pk])


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def own_copy(published_lesson, teacher) -> Lesson:
    """The teacher's copy of the school's published lesson, with one question changed."""
    copy = lesson_copy_for_teacher(lesson=published_lesson, teacher=teacher)
    Question.objects.filter(module__lesson=copy).update(text="Who is speaking, and why now?")
    return copy


class TestMakingACopy:
    def test_make_my_own_copy_gives_a_private_draft_opened_in_the_studio(
        self, client, teacher, published_lesson
    ):
        client.force_login(teacher)
        response = client.post(copy_url(published_lesson))
        copy = Lesson.objects.get(owner=teacher)
        assert response.url == reverse("studio:lesson-edit", args=[copy.pk])
        assert (copy.status, copy.copied_from, copy.version) == ("draft", published_lesson, 1)
        assert copy.previous_version is None
        assert copy.slug and copy.slug != published_lesson.slug
        assert copy.modules.count() == published_lesson.modules.count()
        assert Question.objects.get(module__lesson=copy).text == "Who is speaking?"
        published_lesson.refresh_from_db()
        assert published_lesson.status == "published" and published_lesson.owner is None

    def test_the_catalogue_card_and_the_lesson_page_offer_the_copy(
        self, client, teacher, published_lesson
    ):
        client.force_login(teacher)
        form = f'<form method="post" action="{copy_url(published_lesson)}">'
        assert form in html(client.get(reverse("lessons:lesson-list")))
        assert form in html(client.get(published_lesson.get_absolute_url()))

    def test_only_a_published_lesson_is_copied(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        response = client.post(copy_url(draft_lesson), follow=True)
        assert "only a published lesson can be copied" in html(response)
        assert Lesson.objects.count() == 1

    def test_students_and_strangers_copy_nothing(
        self, client, student, other_teacher, published_lesson, own_copy
    ):
        client.force_login(student)
        assert client.post(copy_url(published_lesson)).status_code == 403
        lesson_publish(lesson=own_copy)
        client.force_login(other_teacher)
        assert client.post(copy_url(own_copy)).status_code == 404
        assert Lesson.objects.count() == 2

    def test_an_admin_cannot_copy_another_teachers_copy(
        self, client, admin_user, teacher, own_copy
    ):
        lesson_publish(lesson=own_copy)
        client.force_login(admin_user)
        response = client.post(copy_url(own_copy), follow=True)
        assert "only the school&#x27;s lessons and your own copies can be copied" in html(response)
        assert Lesson.objects.count() == 2
        assert not Lesson.objects.filter(copied_from=own_copy).exists()

    def test_the_owner_may_copy_their_own_published_copy(self, client, teacher, own_copy):
        lesson_publish(lesson=own_copy)
        client.force_login(teacher)
        response = client.post(copy_url(own_copy))
        again = Lesson.objects.get(copied_from=own_copy)
        assert response.url == reverse("studio:lesson-edit", args=[again.pk])
        assert again.owner == teacher

    def test_copying_takes_post_only(self, client, teacher, published_lesson):
        client.force_login(teacher)
        assert client.get(copy_url(published_lesson)).status_code == 405

    def test_the_copy_shows_what_changed_from_the_original(self, client, teacher, own_copy):
        client.force_login(teacher)
        page = html(client.get(reverse("studio:lesson-changes", args=[own_copy.pk])))
        assert "Compared with the lesson it was copied from" in page
        assert "and why now?" in page


class TestPrivacy:
    def test_another_teachers_copy_is_404_everywhere(
        self, client, other_teacher, other_classroom, own_copy
    ):
        lesson_publish(lesson=own_copy)
        client.force_login(other_teacher)
        for url in [
            own_copy.get_absolute_url(),
            reverse("lessons:lesson-assign", args=[own_copy.pk]),
            reverse("studio:lesson-preview", args=[own_copy.pk, 1]),
            reverse("studio:lesson-checklist", args=[own_copy.pk]),
            reverse("studio:lesson-changes", args=[own_copy.pk]),
            reverse("studio:lesson-edit", args=[own_copy.pk]),
        ]:
            assert client.get(url).status_code == 404, url
        assert (
            "who is speaking, and why now"
            not in html(client.get(reverse("lessons:lesson-list"))).lower()
        )
        catalogue = html(client.get(reverse("lessons:lesson-list")))
        assert catalogue.count(">The Bridge</a>") == 1
        class_page = html(client.get(other_classroom.get_absolute_url()))
        assert f'<option value="{own_copy.pk}">' not in class_page

    def test_another_teacher_cannot_assign_the_copy_by_posting_its_number(
        self, client, other_teacher, other_classroom, own_copy
    ):
        lesson_publish(lesson=own_copy)
        client.force_login(other_teacher)
        response = client.post(
            reverse("coursework:assignment-create", args=[other_classroom.pk]),
            {"lesson": own_copy.pk},
        )
        assert response.status_code == 400
        assert "That lesson is not published, so it can&#x27;t be assigned." in html(response)
        response = client.post(
            reverse("lessons:lesson-assign", args=[own_copy.pk]),
            {"classroom": other_classroom.pk},
        )
        assert response.status_code == 404
        assert not Assignment.objects.exists()

    def test_a_draft_copy_is_neither_offered_nor_assignable(
        self, client, teacher, classroom, own_copy
    ):
        client.force_login(teacher)
        assert "Your own copy" not in html(client.get(reverse("lessons:lesson-list")))
        assert client.get(reverse("lessons:lesson-assign", args=[own_copy.pk])).status_code == 404


class TestPublishingACopy:
    def test_the_owner_publishes_for_their_own_use_after_the_same_checklist(
        self, client, teacher, other_teacher, own_copy
    ):
        client.force_login(teacher)
        assert "Every check passes." in html(
            client.get(reverse("studio:lesson-checklist", args=[own_copy.pk]))
        )
        confirm = html(client.get(reverse("studio:lesson-publish", args=[own_copy.pk])))
        assert "in your catalogue only" in confirm
        response = client.post(reverse("studio:lesson-publish", args=[own_copy.pk]), follow=True)
        assert "Only you see it in the catalogue." in html(response)
        own_copy.refresh_from_db()
        assert (own_copy.status, own_copy.owner) == ("published", teacher)
        catalogue = html(client.get(reverse("lessons:lesson-list")))
        assert "Your own copy" in catalogue and catalogue.count(">The Bridge</a>") == 2
        client.force_login(other_teacher)
        assert "Your own copy" not in html(client.get(reverse("lessons:lesson-list")))

    def test_a_copy_with_problems_is_refused_like_any_lesson(self, client, teacher, own_copy):
        Question.objects.filter(module__lesson=own_copy).delete()
        client.force_login(teacher)
        response = client.post(reverse("studio:lesson-publish", args=[own_copy.pk]))
        assert response.status_code == 400
        assert "it has no guiding question." in html(response)
        own_copy.refresh_from_db()
        assert own_copy.status == "draft"

    def test_the_owner_assigns_the_copy_and_each_class_reads_its_own_question(
        self,
        client,
        teacher,
        student,
        classroom,
        other_teacher,
        other_student,
        other_classroom,
        published_lesson,
        own_copy,
    ):
        lesson_publish(lesson=own_copy)
        client.force_login(teacher)
        response = client.post(
            reverse("lessons:lesson-assign", args=[own_copy.pk]), {"classroom": classroom.pk}
        )
        assert response.url == classroom.get_absolute_url()
        mine = Assignment.objects.get(classroom=classroom)
        assert mine.lesson == own_copy
        client.force_login(other_teacher)
        client.post(
            reverse("lessons:lesson-assign", args=[published_lesson.pk]),
            {"classroom": other_classroom.pk},
        )
        theirs = Assignment.objects.get(classroom=other_classroom)
        client.force_login(student)
        page = html(client.get(reverse("coursework:player-module", args=[mine.pk, 2])))
        assert "Who is speaking, and why now?" in page
        client.force_login(other_student)
        page = html(client.get(reverse("coursework:player-module", args=[theirs.pk, 2])))
        assert "Who is speaking?" in page and "why now" not in page

    def test_an_admin_publishes_a_copy_for_everyone(self, other_teacher, own_copy, client):
        from lessons.services import lesson_publish_for_everyone

        lesson_publish_for_everyone(lesson=own_copy)
        own_copy.refresh_from_db()
        assert (own_copy.status, own_copy.owner) == ("published", None)
        client.force_login(other_teacher)
        catalogue = html(client.get(reverse("lessons:lesson-list")))
        assert catalogue.count(">The Bridge</a>") == 2
        assert client.get(own_copy.get_absolute_url()).status_code == 200
