"""The grading screen's rubric form, built in Python.

A rubric of four criteria with four levels each is sixteen radio buttons, each with its label
and, while the work can be graded, the attributes that save a choice by htmx. Written out by
the template loop they were most of the page's rendering time. The markup that is the same
on every submission graded by a rubric is made once and kept in the shared cache (a rubric in
use by a grade never changes, so its pk names its markup for good); each page adds which
level is chosen, the htmx attributes and the comments. The markup is what the template made
before.
"""

from django import template
from django.core.cache import cache
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from coursework.grades import CriterionScore
from coursework.selectors import CriterionRow, RubricTable

register = template.Library()

# Changes whenever the cached markup below changes, so no process reads another's.
RUBRIC_FIELDS_SHAPE = 1

_LEVEL_OPENING = '<div class="level"><input type="radio" id="level-{}" name="level-{}" value="{}"'
_LEVEL_CLOSING = (
    '><label for="level-{}">{} ({} pts): <span class="level-description">{}</span></label></div>'
)
_LEGEND = "<legend>{}{}</legend>"
# Saves the choice at once; the page's revision, version and CSRF token go with it.
_SAVE_ON_CHANGE = (
    ' data-hx-post="{}" data-hx-trigger="change" data-hx-sync="#grade-form:queue all"'
    ' data-hx-vals=\'{{"criterion": "{}"}}\' data-hx-include="#grade-revision, #grade-version,'
    " [name='level-{}']:checked, [name='csrfmiddlewaretoken']\""
    ' data-hx-target="#total" data-hx-swap="outerHTML"'
)
_CRITERION = (
    '<fieldset class="criterion">{}{}'
    '<label for="comment-{}">Comment <span class="visually-hidden">on {}</span></label>'
    '<textarea id="comment-{}" name="comment-{}" rows="2">{}</textarea></fieldset>'
)
_CHECKED = escape(" checked")
_NOTHING = escape("")


def _level_markup(criterion: CriterionRow) -> tuple:
    """A criterion's legend, and each level's pk with its markup before and after the part
    that varies by page (checked, and the htmx attributes)."""
    skill = ""
    if criterion.skill:
        skill = format_html(' <span class="tag skill-tag">{}</span>', criterion.skill_label)
    levels = tuple(
        (
            level.pk,
            format_html(_LEVEL_OPENING, level.pk, criterion.pk, level.pk),
            format_html(_LEVEL_CLOSING, level.pk, level.title, level.points, level.description),
        )
        for level in criterion.levels
    )
    return format_html(_LEGEND, criterion.title, skill), levels


def _rubric_markup(rubric: RubricTable) -> dict[int, tuple]:
    """Each criterion's markup that is the same on every page graded by the rubric."""
    key = f"rubric-fields:{rubric.pk}:{RUBRIC_FIELDS_SHAPE}"
    markup = cache.get(key)
    if markup is None:
        markup = {criterion.pk: _level_markup(criterion) for criterion in rubric.criteria}
        cache.set(key, markup, timeout=7 * 24 * 3600)
    return markup


@register.simple_tag
def criterion_fields(
    rubric: RubricTable,
    criteria: list[tuple[CriterionRow, CriterionScore | None]],
    *,
    can_grade: bool,
    save_url: str,
) -> SafeString:
    """A fieldset per criterion: its levels as radio buttons, the chosen one checked, and the
    comment box; a choice saves at once while the work can be graded."""
    markup = _rubric_markup(rubric)
    fieldsets = []
    for criterion, score in criteria:
        legend, levels = markup[criterion.pk]
        chosen = score.level_id if score else None
        save = _NOTHING
        if can_grade:
            save = format_html(_SAVE_ON_CHANGE, save_url, criterion.pk, criterion.pk)
        choices = format_html_join(
            "",
            "{}{}{}{}",
            (
                (opening, _CHECKED if pk == chosen else _NOTHING, save, closing)
                for pk, opening, closing in levels
            ),
        )
        fieldsets.append(
            (
                legend,
                choices,
                criterion.pk,
                criterion.title,
                criterion.pk,
                criterion.pk,
                score.comment if score else "",
            )
        )
    return format_html_join("", _CRITERION, fieldsets)
