"""The curated Great Purge lesson that ships with the app meets the lesson standard."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from lessons.curated import lesson_load
from lessons.models import Excerpt, Lesson, Question, SourcedFact

LESSON_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "lessons" / "great-purge.json"


@pytest.fixture
def lesson(db):
    loaded, created = lesson_load(path=LESSON_FILE)
    assert created
    return loaded


def all_text(lesson: Lesson) -> str:
    parts = [lesson.title, lesson.summary, lesson.central_question]
    for module in lesson.modules.all():
        parts += [module.title, module.body]
        parts += [e.text + " " + e.context for e in module.excerpts.all()]
        parts += [f.text + " " + f.label for f in module.facts.all()]
    return " ".join(parts)


def test_it_loads_published_with_both_documents(lesson):
    assert lesson.status == "published"
    assert lesson.documents.count() == 2


def test_loading_again_changes_nothing(lesson):
    again, created = lesson_load(path=LESSON_FILE)
    assert not created and again.pk == lesson.pk
    assert Lesson.objects.count() == 1


def test_it_has_all_five_module_kinds_in_the_lesson_pattern_order(lesson):
    kinds = list(lesson.modules.values_list("kind", flat=True))
    assert set(kinds) == {
        "background",
        "document_study",
        "corroboration",
        "discussion",
        "assignment",
    }
    order = ["background", "document_study", "corroboration", "discussion", "assignment"]
    assert kinds == sorted(kinds, key=order.index)


def test_every_excerpt_and_fact_points_at_its_words_in_its_document(lesson):
    for excerpt in Excerpt.objects.filter(module__lesson=lesson).select_related("document"):
        assert excerpt.has_source_span, excerpt.text[:60]
    for fact in SourcedFact.objects.filter(module__lesson=lesson).select_related("document"):
        assert fact.end > fact.start
        assert fact.document.cleaned_text[fact.start : fact.end].strip()


def test_it_has_at_least_eight_attributed_excerpts_including_the_named_ones(lesson):
    excerpts = Excerpt.objects.filter(module__lesson=lesson)
    attributed = excerpts.exclude(speaker="unnamed")
    assert attributed.count() >= 8
    speakers = " | ".join(attributed.values_list("speaker", flat=True))
    for name in ("Kamenev", "Zinoviev", "Observer", "Feuchtwanger", "Anna Louise Strong", "Stalin"):
        assert name in speakers, name
    kamenev = attributed.filter(speaker__contains="Kamenev").first()
    assert kamenev.speaker_role == "participant"
    assert (
        attributed.filter(speaker__contains="Observer").first().speaker_role
        == "contemporary_observer"
    )


def test_it_has_twelve_guiding_questions_covering_all_four_skills(lesson):
    questions = Question.objects.filter(module__lesson=lesson)
    assert questions.count() >= 12
    assert set(questions.values_list("skill", flat=True)) == {
        "sourcing",
        "contextualization",
        "corroboration",
        "close_reading",
    }


def test_the_discussion_has_one_prompt(lesson):
    discussion = lesson.modules.get(kind="discussion")
    assert discussion.questions.count() == 1


def test_the_timeline_runs_from_december_1934_to_august_1940(lesson):
    events = SourcedFact.objects.filter(module__lesson=lesson, kind="event").exclude(year=None)
    dates = sorted((e.year, e.month or 0) for e in events)
    assert dates[0] == (1934, 12)
    assert dates[-1] == (1940, 8)


def test_the_assignment_is_a_dbq_with_a_four_by_four_rubric(lesson):
    assignment = lesson.modules.get(kind="assignment")
    rubric = assignment.rubric
    criteria = list(rubric.criteria.all())
    assert len(criteria) == 4
    titles = " ".join(c.title.lower() for c in criteria)
    for word in ("claim", "evidence", "sourcing", "context"):
        assert word in titles
    for criterion in criteria:
        assert criterion.levels.count() == 4
    assert assignment.points == rubric.max_points == 16


@pytest.mark.parametrize(
    "pattern",
    [
        r"Kirov",
        r"troika",
        r"Leningrad",
        r"Yezhov",
        r"Beria",
        r"August 1936",
        r"January 1937",
        r"March 1938",
        r"Bukharin",
        r"military",
        r"00447",
        r"268,950",
        r"75,950",
        r"national operations",
        r"1\.6 million",
        r"700,000",
        r"interrogation",
        r"confess",
        r"Observer",
        r"Feuchtwanger",
        r"historians?",
    ],
)
def test_it_covers_the_checklist(lesson, pattern):
    assert re.search(pattern, all_text(lesson), re.IGNORECASE), pattern


def test_the_demo_command_loads_it(db):
    call_command("load_demo")
    assert Lesson.objects.filter(slug="great-purge", status="published").exists()
