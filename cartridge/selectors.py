"""Reads for the export: a lesson's modules with everything their pages show."""

from django.db.models import Prefetch

from lessons.models import Excerpt, Lesson, Module, Question, SourcedFact, SourceDocument
from lessons.selectors import LIGHT_DOCUMENT


def modules_for_export(lesson: Lesson) -> list[Module]:
    """The lesson's modules in order, each with its excerpts (their documents and the
    editors' notes), questions and facts: six queries, whatever the lesson holds."""
    excerpts = (
        Excerpt.objects.select_related("document")
        .defer(*LIGHT_DOCUMENT)
        .prefetch_related("document__editor_notes")
    )
    facts = (
        SourcedFact.objects.select_related("document")
        .defer(*LIGHT_DOCUMENT)
        .order_by("kind", "year", "month", "position", "pk")
    )
    return list(
        lesson.modules.order_by("position").prefetch_related(
            Prefetch("excerpts", queryset=excerpts),
            Prefetch("questions", queryset=Question.objects.select_related("excerpt")),
            Prefetch("facts", queryset=facts),
        )
    )


def documents_for_export(modules: list[Module]) -> list[SourceDocument]:
    """The documents the modules' excerpts and facts come from, with their text, editors'
    notes and references, to ship beside the pages: three queries."""
    ids = {excerpt.document_id for module in modules for excerpt in module.excerpts.all()}
    ids |= {fact.document_id for module in modules for fact in module.facts.all()}
    return list(
        SourceDocument.objects.filter(pk__in=ids)
        .defer("raw_text", "report")
        .prefetch_related("editor_notes", "references")
        .order_by("title", "pk")
    )
