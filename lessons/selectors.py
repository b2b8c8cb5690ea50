"""Reads of lesson content shared by the lesson pages and the student's player."""

from django.db.models import Prefetch

from .models import Excerpt, Module, Question, SourcedFact

LIGHT_DOCUMENT = ("document__raw_text", "document__cleaned_text", "document__report")


def module_content(module: Module) -> Module:
    """The module with its excerpts, questions and facts loaded in a fixed number of queries."""
    excerpts = (
        Excerpt.objects.select_related("document")
        .defer(*LIGHT_DOCUMENT)
        # An editor's notes go into the excerpts' text in [brackets] (excerpt_card.html).
        .prefetch_related("document__editor_notes")
    )
    facts = SourcedFact.objects.select_related("document").defer(*LIGHT_DOCUMENT)
    return (
        Module.objects.filter(pk=module.pk)
        .select_related("rubric")
        .prefetch_related(
            Prefetch("excerpts", queryset=excerpts),
            Prefetch("questions", queryset=Question.objects.select_related("excerpt")),
            Prefetch("facts", queryset=facts.order_by("kind", "year", "month", "position")),
            "rubric__criteria__levels",
        )
        .get()
    )
