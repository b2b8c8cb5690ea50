"""The draft lesson's wording fits its documents: who, when, what kind, what it claims."""

from functools import cache
from pathlib import Path

from lessons.builder import DraftLesson, build_lesson

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"

MONTGOMERY = (
    "The bus boycott in Montgomery\n\n"
    "The boycott began in December 1955. In 1956 the minister Ralph Abernathy told the crowd, "
    '"We are not going back to the buses until we are treated with dignity."\n\n'
    "Johnnie Carr and Virginia Durr said, "
    '"We walked to work every morning that winter and never once felt alone on the road."\n\n'
    "The crowd waited in the cold.\n\n"
    '"Let it be told to the future world that in the depth of winter hope survived."\n'
)


@cache
def draft(*names: str) -> DraftLesson:
    documents = []
    for name in names:
        path = CORPUS / name if (CORPUS / name).exists() else SOURCES / name
        documents.append((name, path.read_text(encoding="utf-8")))
    return build_lesson(documents=documents)


@cache
def montgomery() -> DraftLesson:
    return build_lesson(documents=[("montgomery.txt", MONTGOMERY)])


def questions_about(lesson: DraftLesson) -> list[tuple]:
    excerpts = {(d.name, i): e for d in lesson.documents for i, e in enumerate(d.excerpts)}
    return [
        (excerpts[(q.source.document, q.source.index)], q.text)
        for m in lesson.modules
        for q in m.questions
        if q.source is not None and q.source.kind == "excerpt"
    ]


def test_each_guiding_question_names_speaker_date_kind_and_claim():
    asked = questions_about(montgomery())
    assert asked
    for excerpt, text in asked:
        if excerpt.speaker != "unnamed":
            assert excerpt.speaker in text, text
        assert excerpt.date_text in text, text
        kind = excerpt.source_kind or "source"
        assert kind in text, text
        assert " ".join(excerpt.text.split()[:5]).rstrip(",.") in text, text


def test_a_dated_excerpt_is_asked_about_its_date():
    abernathy = [t for e, t in questions_about(montgomery()) if e.speaker == "Ralph Abernathy"]
    assert any("in 1956" in text for text in abernathy), abernathy


def test_an_unnamed_speaker_reads_as_the_unnamed_speaker_and_this_source():
    unnamed = [t for e, t in questions_about(montgomery()) if e.speaker == "unnamed"]
    assert unnamed
    assert any("the unnamed speaker" in text for text in unnamed)
    assert any("this source" in text for text in unnamed)
    assert not any("unknown" in text or "Unnamed" in text for text in unnamed)


def test_plural_speakers_take_a_plural_verb():
    plural = [t for e, t in questions_about(montgomery()) if " and " in e.speaker]
    assert plural and all("Virginia Durr say “" in text for text in plural[:1]), plural
    assert not any("Durr says" in text for text in plural)


def test_no_question_is_asked_twice_in_a_lesson():
    for lesson in (montgomery(), draft("txt_ted_stevenson_injustice_captions.txt")):
        texts = [" ".join(q.text.lower().split()) for m in lesson.modules for q in m.questions]
        assert len(texts) == len(set(texts))


def test_only_a_participant_is_asked_what_they_saw_for_themselves():
    lesson = draft("md_ballou_letter_1861.md", "txt_ted_stevenson_injustice_captions.txt")
    asked = questions_about(lesson)
    assert any(e.speaker_role == "participant" for e, _ in asked)
    for excerpt, text in asked:
        eyewitness = "first hand" in text or "for themselves" in text
        assert eyewitness == (excerpt.speaker_role == "participant" and "took part" in text), text


def test_an_assignment_asks_for_no_excerpts_when_the_lesson_has_none():
    lesson = draft("txt_caption_transcript_change_life.txt")
    assert not any(s.kind == "excerpt" for m in lesson.modules for s in m.sources)
    body = lesson.modules[-1].body
    assert "no excerpts" in body
    assert "at least three" not in body and "at least 3" not in body
    assert "timeline" not in body


def test_an_assignment_names_the_number_of_excerpts_the_lesson_holds():
    lesson = montgomery()
    shown = sum(1 for m in lesson.modules for s in m.sources if s.kind == "excerpt")
    assert shown == 3
    assert "at least 3 of the 3 excerpts in this lesson" in lesson.modules[-1].body


def test_an_assignment_with_one_excerpt_asks_for_that_excerpt():
    lesson = build_lesson(
        documents=[
            (
                "one.txt",
                'The council met in May 1901. Its leader Anna Marsh said, "We shall build the '
                'bridge this year and the town will cross the river at last."',
            )
        ]
    )
    body = lesson.modules[-1].body
    assert "Support it with the excerpt in this lesson;" in body
    assert "at least" not in body


def test_title_and_central_question_come_from_the_documents_titles():
    lesson = montgomery()
    assert lesson.title == "The bus boycott in Montgomery"
    assert lesson.central_question == (
        "What does this document tell us about “The bus boycott in Montgomery”, and how far "
        "can we trust it?"
    )
    purge = draft("000_665a2d081ee84e32.txt", "004_630794c8bc6d6129.txt")
    assert purge.title == "The Great Terror"
    assert purge.central_question.startswith("What do these documents tell us about the Great ")


def test_an_untitled_document_is_never_named_in_its_questions():
    lesson = draft("txt_caption_transcript_change_life.txt")
    texts = [lesson.central_question] + [q.text for m in lesson.modules for q in m.questions]
    assert not any("Documents for study" in text or ".txt" in text for text in texts)
    assert lesson.central_question == (
        "What does this document tell us, and how far can we trust it?"
    )


def test_a_speaker_the_document_does_not_place_is_asked_about_without_a_role():
    named = [(e, t) for e, t in questions_about(montgomery()) if e.speaker != "unnamed"]
    assert named and all(e.speaker_role == "unknown" for e, _ in named)
    for _, text in named:
        if "took part" in text:
            assert "The document does not say whether" in text, text
        assert "as a historian" not in text and "an observer at the time" not in text, text


def test_a_document_study_title_claims_no_role_its_excerpts_lack():
    titles = [m.title for m in montgomery().modules if m.kind == "document_study"]
    assert titles == ["Voices in the documents"]
    purge = draft("000_665a2d081ee84e32.txt", "004_630794c8bc6d6129.txt")
    titles = [m.title for m in purge.modules if m.kind == "document_study"]
    assert titles == ["Participants' own words", "Other voices in the documents"]
