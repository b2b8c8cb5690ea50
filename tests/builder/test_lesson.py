"""build_lesson: cross-document gaps and corroboration, and the proposed draft lesson."""

import json
from functools import cache
from pathlib import Path

from lessons.builder import DraftLesson, build_lesson

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
SCRAPED = "000_665a2d081ee84e32"
WIKI = "004_630794c8bc6d6129"
PATTERN = ["background", "document_study", "corroboration", "discussion", "assignment"]
SKILLS = {"sourcing", "contextualization", "corroboration", "close_reading"}


@cache
def lesson() -> DraftLesson:
    documents = [(n, (SOURCES / f"{n}.txt").read_text(encoding="utf-8")) for n in [SCRAPED, WIKI]]
    return build_lesson(documents=documents)


def gap(text: str):
    [found] = [g for g in lesson().gaps if g.document == SCRAPED and g.text == text]
    return found


def test_trial_gaps_are_corroborated_by_the_other_document():
    for text, year, stated in [
        ("in August, ,", "1936", "The first Moscow Trial took place in August 1936"),
        ("in January ,", "1937", "The second Moscow Show Trial took place in January 1937"),
        ("in March, ,", "1938", "the third in March 1938"),
    ]:
        [evidence] = gap(text).corroborated_by
        assert evidence.document == WIKI
        assert evidence.value == year
        assert evidence.text.startswith(stated)
        wiki = lesson().documents[1]
        assert wiki.cleaned_text[evidence.start : evidence.end] == evidence.text


def test_gaps_without_a_matching_statement_stay_open():
    assert gap("since November ,").corroborated_by == []
    assert gap("on 14th July, ,").corroborated_by == []


def test_both_documents_telling_the_first_trial_are_paired():
    pairs = lesson().corroborations
    first_trial = [p for p in pairs if "Kamenev" in p.first.text and "August 1936" in p.second.text]
    assert first_trial and first_trial[0].month == 8
    texts = {d.name: d.cleaned_text for d in lesson().documents}
    for pair in pairs:
        assert pair.first.document != pair.second.document
        for passage in (pair.first, pair.second):
            assert texts[passage.document][passage.start : passage.end] == passage.text


def test_draft_follows_the_lesson_pattern_and_is_marked_draft():
    draft = lesson()
    assert draft.is_draft
    kinds = [m.kind for m in draft.modules]
    assert kinds == sorted(kinds, key=PATTERN.index)
    assert set(kinds) == set(PATTERN)
    assert 1 <= kinds.count("document_study") <= 2
    assert all(m.draft for m in draft.modules)
    assert all(q.draft and q.skill in SKILLS for m in draft.modules for q in m.questions)
    assert draft.title == "The Great Terror"
    assert draft.central_question.endswith("?")
    assert draft.summary and draft.estimated_minutes > 0


def test_background_carries_a_sorted_timeline():
    background = lesson().modules[0]
    keys = [(e.year, e.month or 0) for e in background.timeline]
    assert keys == sorted(keys)
    # A decade ("During the 1930s") opens the timeline; the first dated month follows it.
    assert [e.date_text for e in background.timeline if e.month][0] == "May 1933"
    assert any(q.skill == "contextualization" for q in background.questions)


def test_document_studies_question_every_excerpt_by_its_sourcing():
    documents = {d.name: d for d in lesson().documents}
    for module in [m for m in lesson().modules if m.kind == "document_study"]:
        assert module.sources
        for source in module.sources:
            excerpt = documents[source.document].excerpts[source.index]
            assert excerpt.text == source.text
            asked = [q for q in module.questions if q.source == source]
            assert 1 <= len(asked) <= 2
            assert asked[0].skill == "sourcing"
    speakers = {s.text[:20] for m in lesson().modules for s in m.sources if s.kind == "excerpt"}
    assert any(text.startswith("I Kamenev") for text in speakers)


def test_corroboration_and_discussion_prompts_are_tagged():
    by_kind = {m.kind: m for m in lesson().modules}
    assert all(q.skill == "corroboration" for q in by_kind["corroboration"].questions)
    assert by_kind["corroboration"].sources
    assert len(by_kind["discussion"].questions) == 1


def test_assignment_has_a_four_by_four_rubric():
    assignment = next(m for m in lesson().modules if m.kind == "assignment")
    assert [c.name for c in assignment.rubric] == ["Claim", "Evidence", "Sourcing", "Context"]
    for criterion in assignment.rubric:
        assert [level.points for level in criterion.levels] == [4, 3, 2, 1]
        assert all(level.description for level in criterion.levels)
    assert assignment.points == 16
    assert lesson().central_question in assignment.body


def test_draft_serialises_to_json():
    data = json.loads(json.dumps(lesson().to_dict()))
    assert data["is_draft"] is True
    assert data["documents"][0]["name"] == SCRAPED
    assert data["modules"][-1]["rubric"][0]["levels"][0]["points"] == 4


def test_a_single_document_lesson_skips_corroboration():
    text = (SOURCES / f"{WIKI}.txt").read_text(encoding="utf-8")
    draft = build_lesson(documents=[(WIKI, text)])
    kinds = [m.kind for m in draft.modules]
    assert "corroboration" not in kinds
    assert kinds[0] == "background" and kinds[-1] == "assignment"
