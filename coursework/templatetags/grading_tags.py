"""The grading screen's rubric form, built in Python.

A rubric of four criteria with four levels each is sixteen radio buttons, each with its label
and, while the work can be graded, the attributes that save a choice by htmx. Written out by
the template loop they were most of the page's rendering time; here each is one format_html
call. The markup is what the template made before.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from coursework.grades import CriterionScore
from coursework.selectors import CriterionRow

register = template.Library()

_LEVEL = (
    '<div class="level"><input type="radio" id="level-{}" name="level-{}" value="{}"{}{}>'
    '<label for="level-{}">{} ({} pts): <span class="level-description">{}</span></label></div>'
)
# Saves the choice at once; the page's revision, version and CSRF token go with it.
_SAVE_ON_CHANGE = (
    ' data-hx-post="{}" data-hx-trigger="change" data-hx-sync="#grade-form:queue all"'
    ' data-hx-vals=\'{{"criterion": "{}"}}\' data-hx-include="#grade-revision, #grade-version,'
    " [name='level-{}']:checked, [name='csrfmiddlewaretoken']\""
    ' data-hx-target="#total" data-hx-swap="outerHTML"'
)
_CRITERION = (
    '<fieldset class="criterion"><legend>{}{}</legend>{}'
    '<label for="comment-{}">Comment <span class="visually-hidden">on {}</span></label>'
    '<textarea id="comment-{}" name="comment-{}" rows="2">{}</textarea></fieldset>'
)


@register.simple_tag
def criterion_fields(
    criteria: list[tuple[CriterionRow, CriterionScore | None]], *, can_grade: bool, save_url: str
) -> SafeString:
    """A fieldset per criterion: its levels as radio buttons, the chosen one checked, and the
    comment box; a choice saves at once while the work can be graded."""
    fieldsets = []
    for criterion, score in criteria:
        chosen = score.level_id if score else None
        save = (
            format_html(_SAVE_ON_CHANGE, save_url, criterion.pk, criterion.pk) if can_grade else ""
        )
        levels = format_html_join(
            "",
            _LEVEL,
            (
                (
                    level.pk,
                    criterion.pk,
                    level.pk,
                    " checked" if level.pk == chosen else "",
                    save,
                    level.pk,
                    level.title,
                    level.points,
                    level.description,
                )
                for level in criterion.levels
            ),
        )
        skill = (
            format_html(' <span class="tag skill-tag">{}</span>', criterion.skill_label)
            if criterion.skill
            else ""
        )
        fieldsets.append(
            (
                criterion.title,
                skill,
                levels,
                criterion.pk,
                criterion.title,
                criterion.pk,
                criterion.pk,
                score.comment if score else "",
            )
        )
    return format_html_join("", _CRITERION, fieldsets)
