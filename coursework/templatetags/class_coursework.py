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
    """The assign form the page was given back with its errors, or a new one with the
    lesson named in the address (?lesson=) chosen."""
    if context.get("assign_form"):
        return context["assign_form"]
    request = context.get("request")
    lesson = request.GET.get("lesson", "") if request else ""
    initial = {"lesson": lesson} if lesson.isdigit() else {}
    return AssignForm(user=context.get("user"), classroom=context.get("classroom"), initial=initial)

