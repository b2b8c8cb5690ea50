"""Propose a draft lesson in the "Reading Like a Historian" pattern from built documents."""

from __future__ import annotations

import re
from dataclasses import replace

from .rubric import ASSIGNMENT_POINTS, propose_rubric
from .text import sentence_spans, words
from .types import (
    ROLE_NOT_STATED,
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

# A lead longer than this is cut with an ellipsis: the question points at the excerpt, the
# student reads the whole of it on the sourcing card beside the question.
_LEAD_WORDS = 14
_STUDY_GROUPS = (
    frozenset({"participant"}),
    frozenset({"contemporary_observer", "historian", ROLE_NOT_STATED}),
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
    central_question = _central_question(title, roles, len(documents))
    modules = [_background_module(background, title, timeline)]
    modules += _study_modules(excerpts)
    if len(documents) > 1:
        modules.append(_corroboration_module(documents, corroborations))
    modules.append(_discussion_module(title, central_question, roles))
    shown = [source for m in modules for source in m.sources if source.kind == "excerpt"]
    modules.append(_assignment_module(central_question, len(documents), shown, bool(timeline)))
    modules = _without_repeated_questions(modules)
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


_SMALL_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with vs".split()  # noqa: SIM905
)


def _topic(title: str) -> str:
    """The title as a topic in a sentence: "the Great Terror", or a headline in quotation marks."""
    words_ = title.split()
    if any(w[:1].islower() and w.lower() not in _SMALL_WORDS for w in words_[1:]):
        return f"“{title}”"
    return title[:1].lower() + title[1:] if title.startswith(("The ", "A ", "An ")) else title


def _central_question(title: str, roles: set[str], document_count: int) -> str:
    if title.rstrip().endswith("?"):
        return title.strip()
    if document_count > 1:
        sources, do, them = "these documents", "do", "them"
    else:
        sources, do, them = "this document", "does", "it"
    if title == UNTITLED:
        return f"What {do} {sources} tell us, and how far can we trust {them}?"
    topic = _topic(title)
    if {"participant", "contemporary_observer"} <= roles:
        return (
            f"What {do} {sources} tell us about {topic}, and how far can we trust what "
            "participants and observers said at the time?"
        )
    return f"What {do} {sources} tell us about {topic}, and how far can we trust {them}?"


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
            text=(
                f"What does the background reading say about {_topic(title)}?"
                if title != UNTITLED
                else "What does the background reading tell you about the events?"
            )
            + " Quote the sentence that supports your answer.",
            skill="close_reading",
        )
    ]
    if timeline:
        span = f"{_bare(timeline[0].date_text)} to {_bare(timeline[-1].date_text)}"
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
    modules: list[DraftModule] = []
    for roles in _STUDY_GROUPS:
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
        title = _study_title({e.speaker_role for _, _, e in chosen}, after_others=bool(modules))
        modules.append(
            DraftModule(
                kind="document_study", title=title, body=body, sources=sources, questions=questions
            )
        )
    return modules


def _study_title(roles: set[str], *, after_others: bool) -> str:
    """A title that claims no more about the speakers than their roles say."""
    if roles == {"participant"}:
        return "Participants' own words"
    if ROLE_NOT_STATED in roles:
        return "Other voices in the documents" if after_others else "Voices in the documents"
    if roles == {"historian"}:
        return "How historians told it"
    if roles == {"contemporary_observer"}:
        return "How observers at the time told it"
    return "How observers and historians told it"


def _excerpt_questions(excerpt: Excerpt, ref: SourceRef) -> list[DraftQuestion]:
    """Two questions that name the speaker, the date, the kind of source and its claim."""
    unnamed = excerpt.speaker == UNNAMED
    who = "the unnamed speaker" if unnamed else excerpt.speaker
    plural = not unnamed and _is_plural(excerpt.speaker)
    they = "they" if unnamed or plural else who
    was = "were" if plural else "was"
    known = excerpt.source_kind and excerpt.source_kind != "unknown"
    kind = f"this {excerpt.source_kind}" if known else "this source"
    when = _when(excerpt.date_text)
    lead = f"“{_lead(excerpt.text)}”"
    if unnamed:
        sourcing = (
            f"The document does not say who speaks in {kind}{when}: {lead}. What clues in the "
            "passage tell you who the unnamed speaker was and how they knew about the events?"
        )
    elif excerpt.speaker_role == "participant":
        sourcing = (
            f"{_capital(who)} took part in the events. In {kind}{when}, {who} {_says(plural)} "
            f"{lead}. What could {who} see at first hand, and what did {they} stand to gain or "
            "lose by saying this?"
        )
    elif excerpt.speaker_role == "contemporary_observer":
        sourcing = (
            f"{_capital(who)} {was} an observer at the time. In {kind}{when}, {who} "
            f"{_says(plural)} {lead}. What could {they} know then, and what could {they} not "
            "yet know?"
        )
    elif excerpt.speaker_role == "historian":
        sourcing = (
            f"{_capital(who)} wrote later, as a historian. In {kind}{when}, {who} "
            f"{'argue' if plural else 'argues'} {lead}. What evidence could {they} use that "
            "people at the time did not have?"
        )
    else:
        # The document does not place the speaker: the student works it out from the clues.
        sourcing = (
            f"In {kind}{when}, {who} {_says(plural)} {lead}. The document does not say whether "
            f"{who} took part in the events, watched them at the time or looked back on them "
            f"later. What clues tell you which, and how {they} knew about the events?"
        )
    questions = [DraftQuestion(text=sourcing, skill="sourcing", source=ref)]
    if excerpt.date_text:
        questions.append(
            DraftQuestion(
                text=f"What was happening{when} that helps explain why {who} said {lead} in "
                f"{kind}?",
                skill="contextualization",
                source=ref,
            )
        )
    else:
        questions.append(
            DraftQuestion(
                text=f"Which words in {lead} show how {who} saw the events, and what does "
                f"{kind} leave out?",
                skill="close_reading",
                source=ref,
            )
        )
    return questions


def _lead(text: str) -> str:
    """The excerpt's opening words, cut at the first sentence or a dozen words or so."""
    spans = sentence_spans(text)
    first = text[spans[0][0] : spans[0][1]] if spans else text
    tokens = first.split()
    cut = len(tokens) > _LEAD_WORDS or len(spans) > 1
    lead = " ".join(tokens[:_LEAD_WORDS]).rstrip(",;:—–-. ").strip('"“”')
    return f"{lead}…" if cut else lead


def _bare(date_text: str) -> str:
    """ "in the 1840's" -> "the 1840's", so it reads after "from" and "to"."""
    return re.sub(r"^(?:in|on|during|by|from|since|until|throughout)\s+", "", date_text, flags=re.I)


def _when(date_text: str) -> str:
    if not date_text:
        return ""
    if date_text.startswith(("at ", "in ", "on ", "during ")):
        return f" {date_text}"
    return f" in {date_text}"


def _is_plural(speaker: str) -> bool:
    """ "Carr and Durr", "the defendants": more than one person speaks."""
    words_ = speaker.split()
    if re.search(r"\s(?:and|&)\s", speaker):
        return True
    return (
        words_[0].lower() in ("the", "some", "many", "several")
        and words_[-1].endswith("s")
        and not words_[-1].endswith("ss")
    )


def _says(plural: bool) -> str:
    return "say" if plural else "says"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _without_repeated_questions(modules: list[DraftModule]) -> list[DraftModule]:
    """Drop a question that repeats one asked earlier in the lesson, word for word."""
    seen: set[str] = set()
    kept = []
    for module in modules:
        questions = []
        for question in module.questions:
            key = " ".join(question.text.lower().split())
            if key not in seen or module.kind in ("discussion", "assignment"):
                seen.add(key)
                questions.append(question)
        kept.append(replace(module, questions=questions))
    return kept


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
            text=f"Both participants and observers speak about {_topic(title)} in these "
            "documents. Whose account do you find most convincing, and why? Quote one excerpt.",
            skill="sourcing",
        )
    else:
        prompt = DraftQuestion(
            text=f"{central_question} Give one piece of evidence from the documents and say "
            "how far you trust it.",
            skill="corroboration",
        )
    return DraftModule(kind="discussion", title="Discussion", body=prompt.text, questions=[prompt])


def _assignment_module(
    central_question: str, document_count: int, excerpts: list[SourceRef], has_timeline: bool
) -> DraftModule:
    """Instructions that ask only for what the lesson holds: its excerpts, documents, timeline."""
    count = len(excerpts)
    if count == 0:
        where = "the documents" if document_count > 1 else "the document"
        evidence = (
            f"This lesson has no excerpts, so support it with passages you quote from {where}, "
            "and say where in the document each one stands."
        )
    else:
        chosen = (
            "the excerpt in this lesson"
            if count == 1
            else f"at least {min(3, count)} of the {count} excerpts in this lesson"
        )
        # Asking for two documents makes sense only when the excerpts come from two.
        spread = " from at least two documents" if len({e.document for e in excerpts}) > 1 else ""
        each = "say" if count == 1 else "for each, say"
        evidence = (
            f"Support it with {chosen}{spread}; {each} who wrote or said it, when, and what "
            "kind of source it is."
        )
    context = (
        "the background reading and the timeline" if has_timeline else "the background reading"
    )
    body = (
        f"Write an essay that answers the central question: {central_question} State a clear "
        f"claim. {evidence} Use {context} to explain the context. Address one piece of evidence "
        "that cuts against your claim."
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
