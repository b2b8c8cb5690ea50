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
    full = (
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
    excerpts = list(full.excerpts.all())
    # Each excerpt's card names who, when and what kind; the document all of them come from
    # is described once, in the module's list of sources.
    full.sources = list({excerpt.document_id: excerpt.document for excerpt in excerpts}.values())
    asked = {}
    for question in full.questions.all():
        if question.excerpt_id is not None:
            asked.setdefault(question.excerpt_id, []).append(question.pk)
    for excerpt in excerpts:
        # The player puts the answer boxes of these questions under the excerpt.
        excerpt.question_ids = tuple(asked.get(excerpt.pk, ()))
    return full


def lesson_evidence(lesson_id: int) -> dict:
    """The lesson's excerpts (with their editors' notes) and its timeline, for quoting beside
    the written assignment: three queries, whatever the number of modules."""
    excerpts = (
        Excerpt.objects.filter(module__lesson_id=lesson_id)
        .select_related("document", "module")
        .defer(*LIGHT_DOCUMENT)
        .prefetch_related("document__editor_notes")
        .order_by("module__position", "position", "pk")
    )
    facts = (
        SourcedFact.objects.filter(module__lesson_id=lesson_id)
        .select_related("document")
        .defer(*LIGHT_DOCUMENT)
        .order_by("kind", "year", "month", "position", "pk")
    )
    return {"excerpts": list(excerpts), "facts": list(facts)}
