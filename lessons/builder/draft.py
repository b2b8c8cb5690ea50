"""Propose a draft lesson in the "Reading Like a Historian" pattern from built documents."""

from __future__ import annotations

from .rubric import ASSIGNMENT_POINTS, propose_rubric
from .text import sentence_spans, words
from .types import (
    UNNAMED,
    BuiltDocument,
    Corroboration,
    DraftLesson,
    DraftModule,
    DraftQuestion,
    Event,
    Excerpt,
    SourceRef,
)

_MAX_EXCERPTS_PER_STUDY = 8
_MAX_PAIRS_SHOWN = 4
_BACKGROUND_PARAGRAPHS = 6
_READING_WORDS_PER_MINUTE = 150
_MINUTES_PER_QUESTION = 3
_DISCUSSION_MINUTES = 15
_ASSIGNMENT_MINUTES = 40

_SOURCING = {
    "participant": "{who} took part in these events. What did {who} stand to gain or lose by "
    "saying this?",
    "contemporary_observer": "{who} watched these events at the time. What could {who} see for "
    "themselves, and what could they not know?",
    "historian": "{who} wrote later, as a historian. What evidence could {who} use that people "
    "at the time did not have?",
    "unknown": "The document does not say who said this. Who is speaking, and what clues in the "
    "passage tell you about their relation to the events?",
}
_STUDY_GROUPS = (
    ("Participants' own words", frozenset({"participant"})),
    (
        "How observers and historians told it",
        frozenset({"contemporary_observer", "historian", "unknown"}),
    ),
)


UNTITLED = "Documents for study"


def propose_lesson(
    *, documents: list[BuiltDocument], corroborations: list[Corroboration]
) -> DraftLesson:
    """Return a draft lesson whose every module and question is marked as a proposal."""
    background = max(
        documents, key=lambda d: (d.shape == "wikitext", len(d.references), len(d.events))
    )
    # A document without a title of its own lends the lesson the next one's.
    title = next((d.title for d in [background, *documents] if d.title), UNTITLED)
    timeline = sorted(
        (event for document in documents for event in document.events),
        key=lambda e: (e.year, e.month or 0, e.document, e.start),
    )
    excerpts = [(d.name, i, e) for d in documents for i, e in enumerate(d.excerpts)]
    roles = {e.speaker_role for _, _, e in excerpts}
    central_question = _central_question(title, roles)
    modules = [_background_module(background, title, timeline)]
    modules += _study_modules(excerpts)
    if len(documents) > 1:
        modules.append(_corroboration_module(documents, corroborations))
    modules.append(_discussion_module(title, central_question, roles))
    modules.append(_assignment_module(central_question, len(documents)))
    return DraftLesson(
        title=title,
        central_question=central_question,
        summary=_summary(background, documents, timeline),
        editor_note=_editor_note(documents),
        estimated_minutes=_minutes(modules),
        documents=documents,
        modules=modules,
        timeline=timeline,
        gaps=[gap for document in documents for gap in document.gaps],
        corroborations=corroborations,
    )


def _topic(title: str) -> str:
    return title[:1].lower() + title[1:] if title.startswith(("The ", "A ", "An ")) else title


def _central_question(title: str, roles: set[str]) -> str:
    if title.rstrip().endswith("?"):
        return title.strip()
    if title == UNTITLED:
        return "What do these documents tell us, and how far can we trust them?"
    topic = _topic(title)
    if {"participant", "contemporary_observer"} <= roles:
        return (
            f"Why did {topic} happen, and how far can we trust what participants and observers "
            "said about it at the time?"
        )
    return f"Why did {topic} happen, and how do the sources explain it?"


def _summary(
    background: BuiltDocument, documents: list[BuiltDocument], timeline: list[Event]
) -> str:
    first = background.paragraphs[0].text
    lead = " ".join(first[s:e] for s, e in sentence_spans(first)[:2])
    span = f" It covers {_year(timeline[0].year)}–{_year(timeline[-1].year)}." if timeline else ""
    return f"{lead}{span}"


def _year(year: int) -> str:
    return f"{-year} BC" if year < 0 else str(year)


def _editor_note(documents: list[BuiltDocument]) -> str:
    """The builder's own account of the draft, for editors only, never for the catalogue."""
    names = "; ".join(f"“{d.title or 'untitled document'}”" for d in documents)
    return f"Draft built from {len(documents)} document(s): {names}."


def _background_module(background: BuiltDocument, title: str, timeline: list[Event]) -> DraftModule:
    body = "\n\n".join(p.text for p in background.paragraphs[:_BACKGROUND_PARAGRAPHS])
    questions = [
        DraftQuestion(
            text="What does the background reading give as the causes of "
            f"{_topic(title)}? Quote the sentence that supports your answer.",
            skill="close_reading",
        )
    ]
    if timeline:
        span = f"{timeline[0].date_text} to {timeline[-1].date_text}"
        question = (
            f"Using the timeline from {span}, which events set the stage for the documents "
            "you will read, and why?"
        )
        questions.insert(0, DraftQuestion(text=question, skill="contextualization"))
    sources = [
        SourceRef(event.document, "event", index, event.text, event.start, event.end)
        for index, event in enumerate(timeline)
    ]
    return DraftModule(
        kind="background",
        title=f"Background: {title}",
        body=body,
        sources=sources,
        questions=questions,
        timeline=timeline,
    )


def _study_modules(excerpts: list[tuple[str, int, Excerpt]]) -> list[DraftModule]:
    modules = []
    for title, roles in _STUDY_GROUPS:
        chosen = [item for item in excerpts if item[2].speaker_role in roles]
        # Named speakers first: an attributed source teaches sourcing better.
        chosen.sort(key=lambda item: (item[2].speaker == UNNAMED, item[0], item[1]))
        chosen = sorted(chosen[:_MAX_EXCERPTS_PER_STUDY], key=lambda item: (item[0], item[1]))
        if not chosen:
            continue
        sources, questions = [], []
        for document, index, excerpt in chosen:
            ref = SourceRef(document, "excerpt", index, excerpt.text, excerpt.start, excerpt.end)
            sources.append(ref)
            questions += _excerpt_questions(excerpt, ref)
        body = (
            "Read each excerpt with its sourcing card: who is speaking, when, in what kind of "
            "source, and where it sits in its document. Then answer the guiding questions."
        )
        modules.append(
            DraftModule(
                kind="document_study", title=title, body=body, sources=sources, questions=questions
            )
        )
    return modules


def _excerpt_questions(excerpt: Excerpt, ref: SourceRef) -> list[DraftQuestion]:
    who = excerpt.speaker if excerpt.speaker != UNNAMED else "the speaker"
    sourcing = _SOURCING[excerpt.speaker_role if excerpt.speaker != UNNAMED else "unknown"]
    questions = [DraftQuestion(text=sourcing.format(who=who), skill="sourcing", source=ref)]
    if excerpt.date_text:
        when = (
            excerpt.date_text
            if excerpt.date_text.startswith("at ")
            else (f"in {excerpt.date_text}")
        )
        questions.append(
            DraftQuestion(
                text=f"What was happening {when} that helps explain why {who} said this?",
                skill="contextualization",
                source=ref,
            )
        )
    else:
        kind = excerpt.source_kind if excerpt.source_kind != "unknown" else "passage"
        questions.append(
            DraftQuestion(
                text=f"Which words in this {kind} show how {who} saw the events, and what do they "
                "leave out?",
                skill="close_reading",
                source=ref,
            )
        )
    return questions


def _corroboration_module(
    documents: list[BuiltDocument], corroborations: list[Corroboration]
) -> DraftModule:
    titles = {document.name: f"“{document.title}”" for document in documents}
    sources, questions = [], []
    for index, pair in enumerate(corroborations[:_MAX_PAIRS_SHOWN]):
        for passage in (pair.first, pair.second):
            sources.append(
                SourceRef(
                    passage.document, "passage", index, passage.text, passage.start, passage.end
                )
            )
        about = " and ".join(pair.shared_terms[:2])
        both = f"{titles[pair.first.document]} and {titles[pair.second.document]}"
        question = (
            f"Compare what {both} say about {about}. Where do they agree, where do they "
            "differ, and which do you trust more?"
        )
        questions.append(DraftQuestion(text=question, skill="corroboration", source=sources[-2]))
    for document in documents:
        for gap in document.gaps:
            if gap.corroborated_by:
                other = gap.corroborated_by[0]
                questions.append(
                    DraftQuestion(
                        text=f"{titles[document.name]} leaves out a date in: “{gap.sentence}” "
                        f"{titles[other.document]} supplies it. Does it change how you read the "
                        "passage?",
                        skill="corroboration",
                    )
                )
                break
    if not questions:
        questions.append(
            DraftQuestion(
                text="Find one event that two of the documents both describe. Where do their "
                "accounts agree, and where do they differ?",
                skill="corroboration",
            )
        )
    body = (
        "Read the passages side by side. Each pair comes from different documents that "
        "seem to tell the same event."
    )
    return DraftModule(
        kind="corroboration",
        title="Corroboration: comparing the documents",
        body=body,
        sources=sources,
        questions=questions,
    )


def _discussion_module(title: str, central_question: str, roles: set[str]) -> DraftModule:
    if {"participant", "contemporary_observer"} <= roles:
        prompt = DraftQuestion(
            text=f"Participants and observers told different stories about {_topic(title)}. "
            "Whose account do you find most convincing, and why? Quote one excerpt.",
            skill="sourcing",
        )
    else:
        prompt = DraftQuestion(
            text=f"{central_question} Give one piece of evidence from the documents and say "
            "how far you trust it.",
            skill="corroboration",
        )
    return DraftModule(kind="discussion", title="Discussion", body=prompt.text, questions=[prompt])


def _assignment_module(central_question: str, document_count: int) -> DraftModule:
    documents = min(2, document_count)
    body = (
        f"Write an essay that answers the central question: {central_question} State a clear "
        f"claim. Support it with at least three excerpts or passages from at least {documents} "
        "document(s); for each, say who wrote or said it, when, and what kind of source it "
        "is, and use the background and timeline to explain its context. Address one piece of "
        "evidence that cuts against your claim."
    )
    prompt = DraftQuestion(text=central_question, skill="corroboration")
    return DraftModule(
        kind="assignment",
        title="Written argument",
        body=body,
        questions=[prompt],
        rubric=propose_rubric(),
        points=ASSIGNMENT_POINTS,
    )


def _minutes(modules: list[DraftModule]) -> int:
    reading = sum(
        len(words(m.body)) + sum(len(words(s.text)) for s in m.sources)
        for m in modules
        if m.kind in ("background", "document_study")
    )
    questions = sum(len(m.questions) for m in modules if m.kind != "assignment")
    total = (
        reading / _READING_WORDS_PER_MINUTE
        + questions * _MINUTES_PER_QUESTION
        + _DISCUSSION_MINUTES
        + _ASSIGNMENT_MINUTES
    )
    return int(5 * round(total / 5))
