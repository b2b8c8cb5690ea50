"""The lesson player's reading: a module's content, and in a document study each excerpt's
answer boxes right under it.

The content (lessons/module_content.html) is the same for every student of a class, so a
published lesson's is rendered once per class and cached, as pieces: a document study's head,
each excerpt with the ids of the questions that ask about it, and its tail. The student's
answer boxes go between the pieces.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from .answer_boxes import answer_boxes

register = template.Library()

# Kinds whose guiding questions are answered under the excerpt they ask about.
INTERLEAVED_KINDS = frozenset({"document_study"})
_GROUP = '<div class="excerpt-questions" role="group" aria-label="{}">{}</div>'


@dataclass
class Piece:
    html: str
    # The questions asked about this piece's excerpt; None for a piece that is no excerpt.
    question_ids: tuple | None = None
    boxes: str = ""


@dataclass
class Reading:
    pieces: list
    # Answered in a form opened before the content (answers_form.html closes it).
    in_form: bool = False
    # The questions not placed under an excerpt, shown after the content.
    rest: list = field(default_factory=list)


def _render(module, interleaved: bool, back: str) -> list[tuple]:
    loaded = module() if callable(module) else module
    ctx = {"module": loaded, "back_path": back}
    if not interleaved:
        return [(render_to_string("lessons/module_content.html", ctx), None)]
    pieces = [(render_to_string("lessons/module_content.html", {**ctx, "part": "head"}), None)]
    for excerpt in loaded.excerpts.all():
        card = render_to_string("lessons/excerpt_card.html", {**ctx, "excerpt": excerpt})
        pieces.append((card, excerpt.question_ids))
    pieces.append((render_to_string("lessons/module_content.html", {**ctx, "part": "tail"}), None))
    return pieces


def _pieces(context, interleaved: bool) -> list[tuple]:
    module, lesson, assignment = context["module"], context["lesson"], context.get("assignment")
    # The passage links lead back to this module of this class's assignment (or preview).
    back = quote(context["request"].path, safe="/")
    if assignment is None or lesson.status == "draft" or not lesson.published_at:
        return _render(context["full_module"], interleaved, back)
    # A published (or since archived) lesson never changes.
    key = f"module-reading:{assignment.pk}:{module.pk}:{lesson.published_at.timestamp()}"
    pieces = cache.get(key)
    if pieces is None:
        pieces = _render(context["full_module"], interleaved, back)
        cache.set(key, pieces, 86400)
    return pieces


@register.simple_tag(takes_context=True)
def module_reading(context) -> Reading:
    """The module's content for the player: in a document study with questions, each
    excerpt with its own questions' answer boxes, the others left for after the content."""
    module = context["module"]
    questions = list(context.get("questions") or ())
    interleaved = module.kind in INTERLEAVED_KINDS and bool(questions)
    pieces = _pieces(context, interleaved)
    if not interleaved:
        return Reading([Piece(html) for html, _ in pieces], rest=questions)
    by_pk = {question.pk: question for question in questions}
    # The studio's preview has no assignment: its boxes send nothing.
    assignment = context.get("assignment")
    save_url = context.get("save_url") or (
        reverse("coursework:answers-save", args=[assignment.pk, module.position])
        if assignment
        else ""
    )
    placed = set()
    shown_pieces = []
    for html, question_ids in pieces:
        piece = Piece(html, question_ids)
        shown = [by_pk[pk] for pk in question_ids or () if pk in by_pk and pk not in placed]
        if shown:
            placed.update(question.pk for question in shown)
            boxes = answer_boxes(
                context, shown, context.get("answers"), context.get("conflicts"), save_url
            )
            label = "Question on this excerpt" if len(shown) == 1 else "Questions on this excerpt"
            piece.boxes = format_html(_GROUP, label, boxes)
        shown_pieces.append(piece)
    rest = [question for question in questions if question.pk not in placed]
    return Reading(shown_pieces, in_form=True, rest=rest)
