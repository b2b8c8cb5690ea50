"""The table rows of the progress dashboard and the gradebook, built in Python.

A class of 200 has about 2,000 progress cells. Rendered one by one through an include, lookups,
`{% url %}` and the date filter, they cost far more than the rest of the page, so the rows are
joined here from pieces made once per page. The markup is what the templates made before.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from coursework.dashboard import SKILLS, Dashboard, GradebookCell, GradebookRow, StudentRow

register = template.Library()

GRADEBOOK_BADGES = {
    "missing": ("○", "Missing"),
    "late": ("!", "Late"),
    "submitted": ("◐", "Submitted"),
    "graded": ("✎", "Graded"),
    "returned": ("✓", "Returned"),
}
LATE = '<span class="flag flag-late"><span aria-hidden="true">!</span> Late</span>'
STUCK = ' <span class="flag flag-stuck"><span aria-hidden="true">⏸</span> Stuck</span>'
# Any number the URL could not otherwise contain: reversed once, then replaced by each pk.
_PK_SLOT = 987654321


def _url_maker(name: str, *args):
    """A function of the last pk giving reverse(name, args=[*args, pk]), reversing only once."""
    url = reverse(name, args=[*args, _PK_SLOT])
    head, slot, tail = url.rpartition(str(_PK_SLOT))
    if not slot:
        return lambda pk: reverse(name, args=[*args, pk])
    return lambda pk: f"{head}{pk}{tail}"


class _Months(dict):
    """Month numbers to the date filter's "M" names, escaped."""

    def __missing__(self, month: int) -> str:
        name = self[month] = conditional_escape(str(MONTHS_3[month]).title())
        return name


def _progress_cells(cells, zone, months: _Months, opening: dict) -> list[str]:
    html = []
    for state, moment in cells:
        if state not in opening:
            badge = render_to_string("coursework/state_badge.html", {"state": state})
            opening[state] = str(format_html('<td class="cell cell-{}">{}', state, badge))
        if moment is None:
            html.append(opening[state] + "</td>")
            continue
        # The date filter's "j M H:i" in the current time zone.
        local = moment.astimezone(zone) if moment.tzinfo is not None else moment
        html.append(
            f'{opening[state]}<br><span class="when">{local.day} {months[local.month]} '
            f"{local.hour:02d}:{local.minute:02d}</span></td>"
        )
    return html


@register.simple_tag
def progress_rows(board: Dashboard) -> SafeString:
    """One <tr> per shown student: name, a state per module with its time, percent, flags."""
    work_url = _url_maker("coursework:student-work", board.assignment.pk)
    zone = timezone.get_current_timezone()
    months = _Months()
    opening: dict[str, str] = {}
    html = []
    for row in board.rows:
        student = row.student
        html.append(
            f'<tr><th scope="row"><a href="{work_url(student.pk)}">'
            f"{conditional_escape(student.display_name)}</a></th>"
        )
        html.extend(_progress_cells(row.cells, zone, months, opening))
        flags = (LATE if row.is_late else "") + (STUCK if row.is_stuck else "")
        html.append(f"<td>{int(row.percent)}%</td><td>{flags}</td></tr>")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or a number


def _level_text(cache: dict, level: float | None) -> str:
    if level is None:
        return "not graded"
    if level not in cache:
        cache[level] = conditional_escape(floatformat(level, 1))
    return f"level {cache[level]}"


def _skill_cells(row: StudentRow, levels: dict) -> str:
    return "".join(
        f"<td>{_level_text(levels, result.level)}<br>"
        f'<span class="muted">{int(result.answered)}/{int(result.asked)} answered</span></td>'
        for result in (row.skills[skill] for skill, _label in SKILLS)
    )


@register.simple_tag
def skill_rows(board: Dashboard) -> SafeString:
    """One <tr> per student: average rubric level and questions answered, by skill."""
    levels: dict[float, str] = {}
    html = [
        f'<tr><th scope="row">{conditional_escape(row.student.display_name)}</th>'
        f"{_skill_cells(row, levels)}</tr>"
        for row in board.all_rows
    ]
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or a number


def _gradebook_cell(cell: GradebookCell) -> str:
    symbol, words = GRADEBOOK_BADGES.get(cell.status, GRADEBOOK_BADGES["returned"])
    points = "" if cell.points is None else f" · {int(cell.points)} pts"
    return str(
        format_html(
            '<td class="gb gb-{}"><span aria-hidden="true">{}</span> {}{}</td>',
            cell.status,
            symbol,
            words,
            points,
        )
    )


@register.simple_tag
def gradebook_rows(rows: list[GradebookRow]) -> SafeString:
    """One <tr> per student: status symbol and words per assignment, and points once graded."""
    made: dict[GradebookCell, str] = {}
    html = []
    for row in rows:
        html.append(f'<tr><th scope="row">{conditional_escape(row.student.display_name)}</th>')
        for cell in row.cells:
            if cell not in made:
                made[cell] = _gradebook_cell(cell)
            html.append(made[cell])
        html.append("</tr>")
    return mark_safe("".join(html))  # noqa: S308 - every piece is escaped by format_html
