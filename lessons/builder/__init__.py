"""Turn raw source documents into a draft history lesson; plain Python, no Django inside."""

from .errors import BuilderError
from .pipeline import build_document, build_lesson
from .types import (
    UNNAMED,
    BuiltDocument,
    Corroboration,
    DraftLesson,
    DraftModule,
    DraftQuestion,
    DroppedParagraph,
    Event,
    Excerpt,
    Figure,
    Gap,
    GapEvidence,
    Paragraph,
    Passage,
    Reference,
    RubricCriterion,
    RubricLevel,
    SourceRef,
)
from .upload import MAX_UPLOAD_BYTES, content_hash, decode_upload

__all__ = [
    "UNNAMED",
    "MAX_UPLOAD_BYTES",
    "BuilderError",
    "BuiltDocument",
    "Corroboration",
    "DraftLesson",
    "DraftModule",
    "DraftQuestion",
    "DroppedParagraph",
    "Event",
    "Excerpt",
    "Figure",
    "Gap",
    "GapEvidence",
    "Paragraph",
    "Passage",
    "Reference",
    "RubricCriterion",
    "RubricLevel",
    "SourceRef",
    "build_document",
    "build_lesson",
    "content_hash",
    "decode_upload",
]
