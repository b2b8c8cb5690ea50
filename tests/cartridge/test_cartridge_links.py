"""Where the download is offered: the catalogue's lesson page and the studio's lesson page."""

from django.test import Client
from django.urls import reverse

from lessons.models import Lesson

from .conftest import export_url

LABEL = "Download as Common Cartridge"


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_catalogue_page_of_a_published_lesson_offers_the_download(lesson, teacher):
    text = page(teacher, reverse("lessons:lesson-detail", args=[lesson.pk]))
    assert f'href="{export_url(lesson)}" download>{LABEL}</a>' in text


def test_a_draft_and_another_teachers_copy_offer_no_download(lesson, admin_user, other_teacher):
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    assert LABEL not in page(admin_user, reverse("lessons:lesson-detail", args=[lesson.pk]))
    Lesson.objects.filter(pk=lesson.pk).update(status="published", owner=other_teacher)
    assert LABEL not in page(admin_user, reverse("lessons:lesson-detail", args=[lesson.pk]))
    assert LABEL in page(other_teacher, reverse("lessons:lesson-detail", args=[lesson.pk]))


def test_the_studio_page_of_a_published_lesson_offers_the_download(lesson, admin_user):
    text = page(admin_user, reverse("studio:lesson-edit", args=[lesson.pk]))
    assert f'href="{export_url(lesson)}" download>{LABEL}</a>' in text


def test_the_studio_page_of_a_draft_or_of_another_teachers_copy_offers_none(
    lesson, admin_user, other_teacher
):
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    assert LABEL not in page(admin_user, reverse("studio:lesson-edit", args=[lesson.pk]))
    Lesson.objects.filter(pk=lesson.pk).update(status="published", owner=other_teacher)
    assert LABEL not in page(admin_user, reverse("studio:lesson-edit", args=[lesson.pk]))
    assert LABEL in page(other_teacher, reverse("studio:lesson-edit", args=[lesson.pk]))
