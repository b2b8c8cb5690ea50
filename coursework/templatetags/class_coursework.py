"""What a class page shows of coursework, for templates outside this app."""

from django import template

from .. import selectors
from ..forms import AssignForm

register = template.Library()


@register.simple_tag
def class_assignments(classroom):
    """The class's active assignments: who finished, what waits for grading, who is late."""
    return selectors.class_assignments(classroom)


@register.simple_tag(takes_context=True)
def lesson_assign_form(context):
    """The assign form the page was given back with its errors, or a new one."""
    return context.get("assign_form") or AssignForm()
