"""Guiding questions reach students in every module that has them, the Background module's
too, exactly as the lesson preview shows them; answering them completes the module."""

import html as markup
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from coursework import services
from coursework.dashboard import dashboard_build
from coursework.models import Answer
from lessons.curated import lesson_load
from lessons.models import Module, Question
from tests.coursework.conftest import READING, module_url, page, state_of

LESSON_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "lessons" / "great-purge.json"


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def great_purge(db):
    lesson, _ = lesson_load(path=LESSON_FILE)
    return lesson


@pytest.fixture
def purge_assignment(great_purge, classroom, teacher):
    return services.assignment_create(classroom=classroom, lesson=great_purge, teacher=teacher)


def question_block(html: str) -> str:
    """The guiding questions' section of a page, from its heading to the end of the section."""
    start = html.find('<section aria-labelledby="answers-heading">')
    return html[start : html.index("</section>", start)] if start >= 0 else ""


def labels(html: str) -> list[str]:
    """The question texts of the answer boxes in a page, in order."""
    found = re.findall(r'<label for="answer-\d+">(.*?)</label>', question_block(html), re.S)
    return [markup.unescape(text) for text in found]


def test_every_question_of_the_curated_lesson_appears_to_the_student_as_in_the_preview(
    as_student, purge_assignment, great_purge, teacher
):
    preview = Client()
    preview.force_login(teacher)
    answered = 0
    for module in great_purge.modules.all():
        texts = list(module.questions.values_list("text", flat=True))
        student_html = page(as_student.get(module_url(purge_assignment, module.position)))
        preview_url = reverse("lessons:lesson-preview", args=[great_purge.pk, module.position])
        preview_html = page(preview.get(preview_url, follow=True))
        if module.kind == Module.Kind.DISCUSSION:
            for text in texts:  # the prompt, answered by posting
                assert markup.escape(text) in student_html and markup.escape(text) in preview_html
            continue
        if module.kind == Module.Kind.DOCUMENT_STUDY:
            # Each excerpt's questions are under it, in the questions' order, in both.
            for html in (student_html, preview_html):
                found = re.findall(r'<label for="answer-\d+">(.*?)</label>', html, re.S)
                assert sorted(markup.unescape(t) for t in found) == sorted(texts), module.title
        else:
            assert labels(student_html) == texts, module.title
            assert labels(preview_html) == texts, module.title
        answered += len(texts)
    background = great_purge.modules.get(kind=Module.Kind.BACKGROUND)
    assert background.questions.count() == 5
    assert answered == Question.objects.filter(module__lesson=great_purge).count() - 1


def test_preview_shows_the_same_question_markup_as_the_students_page_without_saving(
    as_student, purge_assignment, great_purge, teacher
):
    preview = Client()
    preview.force_login(teacher)
    background = great_purge.modules.get(kind=Module.Kind.BACKGROUND)
    student_block = question_block(page(as_student.get(module_url(purge_assignment, 1))))
    preview_url = reverse("lessons:lesson-preview", args=[great_purge.pk, background.position])
    preview_block = question_block(page(preview.get(preview_url, follow=True)))
    assert "Guiding questions" in student_block and "Guiding questions" in preview_block
    saving = module_url(purge_assignment, background.position, "answers-save")
    assert f'action="{saving}"' in student_block and "Save answers" in student_block
    assert "<form" not in preview_block and "Save answers" not in preview_block
    for question in background.questions.all():
        skill = f"Skill: {question.get_skill_display()}"
        assert skill in student_block and skill in preview_block


def test_background_with_questions_completes_when_they_are_answered_not_when_opened(
    as_student, purge_assignment, great_purge, student
):
    background = great_purge.modules.get(kind=Module.Kind.BACKGROUND)
    as_student.get(module_url(purge_assignment, background.position))
    assert state_of(purge_assignment, student, background.position) == "in_progress"
    url = module_url(purge_assignment, background.position, "answers-save")
    form = {}
    for question in background.questions.all():
        form[f"answer-{question.pk}"] = "Kirov was murdered in December 1934."
        form[f"revision-{question.pk}"] = 0
    assert as_student.post(url, form).status_code == 302
    assert state_of(purge_assignment, student, background.position) == "complete"
    assert Answer.objects.filter(student=student, question__module=background).count() == 5


def test_background_without_questions_still_completes_when_opened(as_student, assignment, student):
    as_student.get(module_url(assignment, READING))
    assert state_of(assignment, student, READING) == "complete"


def test_student_who_answered_everything_shows_every_question_answered(
    as_student, purge_assignment, great_purge, student
):
    for module in great_purge.modules.all():
        as_student.get(module_url(purge_assignment, module.position))
        if module.kind == Module.Kind.DISCUSSION:
            as_student.post(
                module_url(purge_assignment, module.position, "post-create"),
                {"text": "The confessions were forced."},
            )
            continue
        form = {}
        for question in module.questions.all():
            form[f"answer-{question.pk}"] = "An answer."
            form[f"revision-{question.pk}"] = 0
        if form:
            as_student.post(module_url(purge_assignment, module.position, "answers-save"), form)
    (row,) = dashboard_build(purge_assignment).rows
    assert row.skills, "the dashboard has skill results"
    for skill, result in row.skills.items():
        assert result.answered == result.asked, skill
