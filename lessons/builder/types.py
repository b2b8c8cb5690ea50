"""Plain dataclasses the builder takes in and hands out; no behaviour beyond serialising."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Shape = Literal["wikitext", "web", "markdown", "html"]
SpeakerRole = Literal["participant", "contemporary_observer", "historian", "unknown"]
Skill = Literal["sourcing", "contextualization", "corroboration", "close_reading"]
ModuleKind = Literal["background", "document_study", "corroboration", "discussion", "assignment"]
GapKind = Literal["missing_year", "missing_number"]

# The speaker of a quotation the document does not attribute; the editor fills it in.
UNNAMED = "unnamed"
# A role or kind of source the text does not state; the editor fills it in.
ROLE_NOT_STATED: SpeakerRole = "unknown"
KIND_NOT_STATED = ""


@dataclass(frozen=True)
class Reference:
    """A citation the source gives for one sentence of one paragraph."""

    author: str
    year: str
    pages: str
    paragraph: int
    sentence: str = ""
    start: int = 0
    end: int = 0
    note: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A kept paragraph; `cleaned_text[start:end] == text`."""

    text: str
    start: int
    end: int
    section: str = ""
    references: list[Reference] = field(default_factory=list)


@dataclass(frozen=True)
class DroppedParagraph:
    """A paragraph left out of the cleaned text, with why, so an editor can restore it."""

    text: str
    reason: str
    score: float
    references: list[Reference] = field(default_factory=list)
    # Its number among the source's paragraphs, and the cleaned-text offset it would return to.
    position: int = -1
    at: int = 0


@dataclass(frozen=True)
class Excerpt:
    """Quoted words with who said them; `cleaned_text[start:end] == text`."""

    document: str
    text: str
    start: int
    end: int
    paragraph: int
    speaker: str
    speaker_role: SpeakerRole
    date_text: str
    source_kind: str
    introducer: str
    quoted: bool = True


@dataclass(frozen=True)
class Event:
    """A dated statement for the timeline; `cleaned_text[start:end] == text`."""

    document: str
    date_text: str
    year: int
    month: int | None
    text: str
    start: int
    end: int
    sentence: str = ""
    # The year was not written beside the day and month; it was taken from the text before.
    inferred: bool = False


@dataclass(frozen=True)
class Figure:
    """A number the text states and what it counts; `cleaned_text[start:end] == value_text`."""

    document: str
    value_text: str
    value: float | None
    qualifier: str
    what: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class GapEvidence:
    """Where another imported document states what a gap is missing."""

    document: str
    text: str
    start: int
    end: int
    sentence: str
    value: str


@dataclass(frozen=True)
class Gap:
    """A spot where the source lost a year or number; `cleaned_text[start:end] == text`."""

    document: str
    kind: GapKind
    text: str
    start: int
    end: int
    sentence: str
    month: int | None = None
    corroborated_by: list[GapEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltDocument:
    """One cleaned source document and everything extracted from it."""

    name: str
    shape: Shape
    title: str
    cleaned_text: str
    paragraphs: list[Paragraph]
    dropped: list[DroppedParagraph]
    references: list[Reference]
    excerpts: list[Excerpt]
    events: list[Event]
    figures: list[Figure]
    gaps: list[Gap]
    repairs: int
    author: str = ""
    date: str = ""
    site: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict of the whole document."""
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A span of one document's cleaned text; `cleaned_text[start:end] == text`."""

    document: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Corroboration:
    """Two documents telling the same event."""

    first: Passage
    second: Passage
    shared_terms: list[str]
    month: int | None
    score: float


@dataclass(frozen=True)
class SourceRef:
    """Points a module at an excerpt, event or passage in a named document."""

    document: str
    kind: Literal["excerpt", "event", "passage"]
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class DraftQuestion:
    """A proposed guiding question, tagged with the skill it exercises."""

    text: str
    skill: Skill
    source: SourceRef | None = None
    draft: bool = True


@dataclass(frozen=True)
class RubricLevel:
    """One level of a rubric criterion."""

    label: str
    points: int
    description: str


@dataclass(frozen=True)
class RubricCriterion:
    """One rubric criterion with its levels, best first."""

    name: str
    skill: Skill | Literal["argument"]
    levels: list[RubricLevel]


@dataclass(frozen=True)
class DraftModule:
    """A proposed lesson module in the lesson-pattern order."""

    kind: ModuleKind
    title: str
    body: str
    sources: list[SourceRef] = field(default_factory=list)
    questions: list[DraftQuestion] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)
    rubric: list[RubricCriterion] = field(default_factory=list)
    points: int = 0
    draft: bool = True


@dataclass(frozen=True)
class DraftLesson:
    """A proposed lesson built from several documents, for an editor to finish."""

    title: str
    central_question: str
    summary: str
    estimated_minutes: int
    documents: list[BuiltDocument]
    modules: list[DraftModule]
    timeline: list[Event]
    gaps: list[Gap]
    corroborations: list[Corroboration]
    is_draft: bool = True
    # How the draft was made; shown to editors, never on a lesson page or in the catalogue.
    editor_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict of the whole draft."""
        return asdict(self)
