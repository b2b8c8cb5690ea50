"""Showing source text with an editor's notes set in at their places."""

from django import template

from lessons.passages import text_with_notes

register = template.Library()


@register.filter
def with_editor_notes(excerpt):
    """The excerpt's words with the editor's notes that fall inside its span, in [brackets].

    Reads the document's notes through `document.editor_notes.all()`, so a page that
    prefetches them (see lessons.selectors.module_content) makes no query per excerpt.
    """
    return text_with_notes(excerpt.text, excerpt.start, excerpt.document.editor_notes.all())
