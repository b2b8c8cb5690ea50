"""The table rows of the progress dashboard and the gradebook, built in Python.

A class of 200 has about 2,000 progress cells. Rendered one by one through an include, lookups,
`{% url %}` and the date filter, they cost far more than the rest of the page, so each distinct
cell is made once per page with format_html and the rows are joined from those pieces. The
markup is what the templates made before.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coursework.dashboard import SKILLS, Dashboard, GradebookCell, GradebookRow, SkillResult

register = template.Library()

GRADEBOOK_BADGES = {
    "missing": ("○", "Missing"),
    "late": ("!", "Late"),
    "submitted": ("◐", "Submitted"),
    "graded": ("✎", "Graded"),
    "returned": ("✓", "Returned"),
}
_LATE = format_html(
    '<span class="flag flag-late"><span aria-hidden="true">{}</span> {}</span>', "!", "Late"
)
_STUCK = format_html(
    ' <span class="flag flag-stuck"><span aria-hidden="true">{}</span> {}</span>', "⏸", "Stuck"
)
FLAGS = {(False, False): "", (True, False): _LATE, (False, True): _STUCK}
FLAGS[(True, True)] = _LATE + _STUCK
_ROW_END = format_html("{}</tr>", "")
# Any number the URL could not otherwise contain: reversed once, then replaced by each pk.
_PK_SLOT = 987654321


def _joined(pieces) -> SafeString:
    """The pieces as one string; any that is not already safe HTML is escaped."""
    return format_html("{}" * len(pieces), *pieces) if pieces else format_html("{}", "")


def _url_maker(name: str, *args):
    """A function of the last pk giving reverse(name, args=[*args, pk]), reversing only once."""
    url = reverse(name, args=[*args, _PK_SLOT])
    head, slot, tail = url.rpartition(str(_PK_SLOT))
    if not slot:
        return lambda pk: reverse(name, args=[*args, pk])
    return lambda pk: f"{head}{pk}{tail}"


class _ProgressCells:
    """Each distinct progress cell of a page, made once: badge, and time as "j M H:i"."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.made: dict[tuple, SafeString] = {}
        self.badges: dict[str, str] = {}

    def _make(self, state: str, when: tuple | None) -> SafeString:
        if state not in self.badges:
            self.badges[state] = render_to_string("coursework/state_badge.html", {"state": state})
        if when is None:
            return format_html('<td class="cell cell-{}">{}</td>', state, self.badges[state])
        day, month, hour, minute = when
        return format_html(
            '<td class="cell cell-{}">{}<br><span class="when">{} {} {}</span></td>',
            state,
            self.badges[state],
            day,
            str(MONTHS_3[month]).title(),  # the date filter's "M"
            f"{hour:02d}:{minute:02d}",
        )

    def __call__(self, state: str, moment) -> SafeString:
        when = None
        if moment is not None:
            local = moment.astimezone(self.zone) if moment.tzinfo is not None else moment
            when = (local.day, local.month, local.hour, local.minute)
        key = (state, when)
        if key not in self.made:
            self.made[key] = self._make(state, when)
        return self.made[key]


def _row(head: SafeString, cells, tail: SafeString) -> SafeString:
    # Adding safe strings keeps them safe; cheaper than formatting each row's many pieces.
    html = head
    for cell in cells:
        html += cell
    return html + tail


@register.simple_tag
def progress_rows(board: Dashboard) -> SafeString:
    """One <tr> per shown student: name, a state per module with its time, percent, flags."""
    work_url = _url_maker("coursework:student-work", board.assignment.pk)
    cell = _ProgressCells()
    tails: dict[tuple, SafeString] = {}
    rows = []
    for row in board.rows:
        ending = (row.percent, row.is_late, row.is_stuck)
        if ending not in tails:
            tails[ending] = format_html(
                "<td>{}%</td><td>{}</td></tr>", row.percent, FLAGS[ending[1:]]
            )
        head = format_html(
            '<tr><th scope="row"><a href="{}">{}</a></th>',
            work_url(row.student.pk),
            row.student.display_name,
        )
        rows.append(_row(head, [cell(state, moment) for state, moment in row.cells], tails[ending]))
    return _joined(rows)


@register.simple_tag
def skill_rows(board: Dashboard) -> SafeString:
    """One <tr> per student: average rubric level and questions answered, by skill."""
    made: dict[tuple, SafeString] = {}

    def skill_cell(result: SkillResult) -> SafeString:
        if result not in made:
            level, answered, asked = result
            made[result] = format_html(
                '<td>{}<br><span class="muted">{}/{} answered</span></td>',
                "not graded" if level is None else f"level {floatformat(level, 1)}",
                answered,
                asked,
            )
        return made[result]

    rows = []
    for row in board.all_rows:
        head = format_html('<tr><th scope="row">{}</th>', row.student.display_name)
        cells = [skill_cell(row.skills[skill]) for skill, _label in SKILLS]
        rows.append(_row(head, cells, _ROW_END))
    return _joined(rows)


def _gradebook_cell(cell: GradebookCell) -> SafeString:
    symbol, words = GRADEBOOK_BADGES.get(cell.status, GRADEBOOK_BADGES["returned"])
    return format_html(
        '<td class="gb gb-{}"><span aria-hidden="true">{}</span> {}{}</td>',
        cell.status,
        symbol,
        words,
        "" if cell.points is None else f" · {cell.points} pts",
    )


@register.simple_tag
def gradebook_rows(rows: list[GradebookRow]) -> SafeString:
    """One <tr> per student: status symbol and words per assignment, and points once graded."""
    made: dict[GradebookCell, SafeString] = {}
    html = []
    for row in rows:
        for cell in row.cells:
            if cell not in made:
                made[cell] = _gradebook_cell(cell)
        head = format_html('<tr><th scope="row">{}</th>', row.student.display_name)
        html.append(_row(head, [made[cell] for cell in row.cells], _ROW_END))
    return _joined(html)
