"""Lesson pages keep a fixed number of queries however many modules and excerpts there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Excerpt, Lesson, Module, Question, SourcedFact
from lessons.services import lesson_publish
from tests.lessons.conftest import make_rubric


def build(document, modules: int) -> Lesson:
    lesson = Lesson.objects.create(
        title=f"L{modules}", slug=f"l{modules}", central_question="?", grade_band="Grade 9"
    )
    lesson.documents.add(document)
    quote = "We shall build the bridge this year."
    start = document.cleaned_text.index(quote)
    for position in range(1, modules):
        module = Module.objects.create(
            lesson=lesson, position=position, kind="document_study", title=f"M{position}"
        )
        for _ in range(position % 4 + 1):
            excerpt = Excerpt.objects.create(
                module=module, document=document, text=quote, start=start, end=start + len(quote)
            )
            Question.objects.create(module=module, text="Why?", skill="sourcing", excerpt=excerpt)
            SourcedFact.objects.create(
                module=module,
                kind="event",
                document=document,
                label="May 1901",
                year=1901,
                month=5,
                text="The council met.",
                start=0,
                end=10,
            )
    Module.objects.create(
        lesson=lesson,
        position=modules,
        kind="assignment",
        title="Write",
        body="Write.",
        points=16,
        rubric=make_rubric(),
    )
    lesson_publish(lesson=lesson)
    return lesson


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["lesson-detail", "lesson-preview-study", "lesson-preview-last"])
def test_lesson_pages_use_the_same_queries_for_3_and_15_modules(client, teacher, document, view):
    small, big = build(document, 3), build(document, 15)
    client.force_login(teacher)

    def url(lesson):
        if view == "lesson-detail":
            return reverse("lessons:lesson-detail", args=[lesson.pk])
        position = 2 if view == "lesson-preview-study" else lesson.modules.count()
        return reverse("studio:lesson-preview", args=[lesson.pk, position])

    assert queries(client, url(small)) == queries(client, url(big))
