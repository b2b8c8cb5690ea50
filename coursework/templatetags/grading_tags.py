"""The grading screen's rubric form, built in Python.

A rubric of four criteria with four levels each is sixteen radio buttons, shown as a grid: a
row per criterion (a fieldset with its legend), a cell per level whose label holds the
level's title, points and description, so the whole cell chooses it. While the work can be
graded each radio carries the attributes that save a choice by htmx. Written out by
the template loop they were most of the page's rendering time. The markup that is the same
on every submission graded by a rubric is made once and kept in the shared cache (a rubric in
use by a grade never changes, so its pk names its markup for good); each page adds which
level is chosen, the htmx attributes and the comments. The markup is what the template made
before.
"""

from django import template
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString

from coursework.comment_bank import bank_controls, bank_for
from coursework.grades import CriterionScore
from coursework.models import Answer, Post
from coursework.selectors import CriterionRow, RubricTable

register = template.Library()

# Changes whenever the cached markup below changes, so no process reads another's.
RUBRIC_FIELDS_SHAPE = 2

_LEVEL_OPENING = (
    '<label class="level-cell" for="level-{}">'
    '<input type="radio" id="level-{}" name="level-{}" value="{}"'
)
_LEVEL_CLOSING = (
    '><span class="level-title">{}</span> <span class="level-points">{} pts</span>'
    ' <span class="level-description">{}</span></label>'
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
    '<fieldset class="criterion">{}<div class="level-grid">{}</div>'
    '<label for="comment-{}">Comment <span class="visually-hidden">on {}</span></label>'
    '<textarea id="comment-{}" name="comment-{}" rows="2">{}</textarea>{}</fieldset>'
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
            format_html(_LEVEL_OPENING, level.pk, level.pk, criterion.pk, level.pk),
            format_html(_LEVEL_CLOSING, level.title, level.points, level.description),
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
    bank: dict | None = None,
    bank_url: str = "",
    action: str = "",
) -> SafeString:
    """A fieldset per criterion: its levels as radio buttons in a row of cells, the chosen one
    checked, and the comment box; a choice saves at once while the work can be graded.
    `bank` holds the teacher's banked comments by criterion pk (None: for any criterion);
    `action` is the form's save action ("save" or "regrade"), empty when it can't be saved."""
    bank = bank or {}
    general = bank.get(None, [])
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
                bank_controls(
                    str(criterion.pk),
                    f"the comment on {criterion.title}",
                    bank.get(criterion.pk, []) + general,
                    bank_url=bank_url,
                    action=action,
                )
                if action
                else _NOTHING,
            )
        )
    return format_html_join("", _CRITERION, fieldsets)


@register.simple_tag
def banked_comments(teacher, rubric: RubricTable) -> dict:
    """The teacher's banked comments for the rubric's criteria and for any criterion."""
    return bank_for(teacher, [criterion.pk for criterion in rubric.criteria])


@register.simple_tag
def overall_bank(bank: dict, *, bank_url: str, action: str) -> SafeString:
    """The overall comment's bank controls: the comments kept for the work as a whole."""
    if not action:
        return _NOTHING
    return bank_controls(
        "overall", "the overall comment", bank.get(None, []), bank_url=bank_url, action=action
    )


_RECORD_ANSWER = "<dt>{}</dt><dd>{}</dd>"
_RECORD_POST = '<li><span class="muted">{}, {}{}</span>{}</li>'
_HIDDEN = escape(" · hidden")


# The student's answers and posts, as student_record reads them: put together once, as
# Prefetch querysets are, since building their joins cost more than running them.
_RECORD_ANSWERS = (
    Answer.objects.exclude(text="")
    .order_by("question__position", "question__pk")
    .values_list(
        "question__module_id",
        "question__module__position",
        "question__module__title",
        "question__text",
        "text",
    )
)
_RECORD_POSTS = Post.objects.order_by("created_at", "pk").values_list(
    "module_id", "module__position", "module__title", "parent_id", "created_at", "hidden_at", "text"
)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %b %H:%M")


@register.simple_tag
def student_record(submission) -> SafeString:
    """The student's other work on the assignment, module by module: their answers to the
    guiding questions and their discussion posts, read in two queries as plain rows."""
    modules: dict[int, tuple] = {}
    answers = _RECORD_ANSWERS.filter(
        assignment_id=submission.assignment_id, student_id=submission.student_id
    )
    for module_id, position, title, question, text in answers:
        modules.setdefault(module_id, (position, title, [], []))[2].append(
            (question, linebreaks(text, autoescape=True))
        )
    posts = _RECORD_POSTS.filter(
        assignment_id=submission.assignment_id, author_id=submission.student_id
    )
    for module_id, position, title, parent_id, created_at, hidden_at, text in posts:
        modules.setdefault(module_id, (position, title, [], []))[3].append(
            (
                "Reply" if parent_id else "Post",
                _when(created_at),
                _HIDDEN if hidden_at else _NOTHING,
                linebreaks(text, autoescape=True),
            )
        )
    if not modules:
        return format_html(
            "<p>{}</p>", "No answers to the guiding questions and no discussion posts yet."
        )
    parts = []
    for _position, title, module_answers, module_posts in sorted(modules.values()):
        parts.append(format_html("<h3>{}</h3>", title))
        if module_answers:
            parts.append(
                format_html(
                    '<dl class="record-answers">{}</dl>',
                    format_html_join("", _RECORD_ANSWER, module_answers),
                )
            )
        if module_posts:
            parts.append(
                format_html(
                    '<ul class="record-posts">{}</ul>',
                    format_html_join("", _RECORD_POST, module_posts),
                )
            )
    return format_html_join("", "{}", ((part,) for part in parts))


@register.simple_tag
def form_action(can_grade: bool, can_regrade: bool) -> str:
    """What the grade form's buttons do: "save", "regrade", or "" when it can't be saved."""
    return "save" if can_grade else "regrade" if can_regrade else ""
