from pathlib import Path

import pytest

from lessons.models import (
    Criterion,
    Excerpt,
    Lesson,
    Level,
    Module,
    Question,
    Rubric,
    SourceDocument,
)

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
WEB_FILE = SOURCES / "000_665a2d081ee84e32.txt"
WIKI_FILE = SOURCES / "004_630794c8bc6d6129.txt"


@pytest.fixture
def document(db):
    text = 'The council met in May 1901. Its leader said: "We shall build the bridge this year."'
    return SourceDocument.objects.create(
        title="Council minutes",
        origin="minutes.txt",
        content_hash="h1",
        shape="web",
        raw_text=text,
        cleaned_text=text,
    )


def make_rubric() -> Rubric:
    rubric = Rubric.objects.create(title="Essay rubric")
    for position, title in enumerate(["Claim", "Evidence", "Sourcing", "Context"], start=1):
        criterion = Criterion.objects.create(rubric=rubric, position=position, title=title)
        for points in (4, 3, 2, 1):
            Level.objects.create(
                criterion=criterion,
                position=5 - points,
                title=f"L{points}",
                points=points,
                description=f"{title} at {points}",
            )
    return rubric


@pytest.fixture
def draft_lesson(document):
    """A small complete draft: reading, one document study with an excerpt, an assignment."""
    lesson = Lesson.objects.create(
        title="The Bridge",
        slug="the-bridge",
        central_question="Why build it?",
        grade_band="Grades 9–12",
    )
    lesson.documents.add(document)
    Module.objects.create(
        lesson=lesson, position=1, kind="background", title="Background", body="Read."
    )
    study = Module.objects.create(lesson=lesson, position=2, kind="document_study", title="Study")
    quote = "We shall build the bridge this year."
    start = document.cleaned_text.index(quote)
    excerpt = Excerpt.objects.create(
        module=study,
        document=document,
        text=quote,
        start=start,
        end=start + len(quote),
        speaker="Its leader",
        speaker_role="participant",
        date_text="May 1901",
    )
    Question.objects.create(
        module=study, text="Who is speaking?", skill="sourcing", excerpt=excerpt
    )
    Module.objects.create(
        lesson=lesson,
        position=3,
        kind="assignment",
        title="Write",
        body="Was the bridge worth building? Use the leader's words.",
        points=16,
        rubric=make_rubric(),
    )
    return lesson


@pytest.fixture
def published_lesson(draft_lesson):
    from lessons.services import lesson_publish

    lesson_publish(lesson=draft_lesson)
    return draft_lesson
