"""The table rows of the progress dashboard and the gradebook, built in Python.

A class of 200 has about 2,000 progress cells. Rendered one by one through an include, lookups,
`{% url %}` and the date filter, they cost far more than the rest of the page, so each distinct
cell is made once per page with format_html, and each row is one format_html call taking its
cells as ready-made HTML. The markup is what the templates made before.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coursework.dashboard import (
    SKILLS,
    Dashboard,
    GradebookCell,
    GradebookRow,
    SkillResult,
    minute_time,
)

register = template.Library()

GRADEBOOK_BADGES = {
    "missing": ("○", "Missing"),
    "late": ("!", "Late"),
    "submitted": ("◐", "Submitted"),
    "graded": ("✎", "Graded"),
    "returned": ("✓", "Returned"),
    "unassigned": ("–", "Not assigned"),
}
_LATE = format_html(
    '<span class="flag flag-late"><span aria-hidden="true">{}</span> {}</span>', "!", "Late"
)
_STUCK = format_html(
    ' <span class="flag flag-stuck"><span aria-hidden="true">{}</span> {}</span>', "⏸", "Stuck"
)
FLAGS = {(False, False): "", (True, False): _LATE, (False, True): _STUCK}
FLAGS[(True, True)] = _LATE + _STUCK
# Any number the URL could not otherwise contain: reversed once, then replaced by each pk.
_PK_SLOT = 987654321


def _url_maker(name: str, *args):
    """A function of the last pk giving reverse(name, args=[*args, pk]), reversing only once."""
    url = reverse(name, args=[*args, _PK_SLOT])
    head, slot, tail = url.rpartition(str(_PK_SLOT))
    if not slot:
        return lambda pk: reverse(name, args=[*args, pk])
    return lambda pk: f"{head}{pk}{tail}"


def _rows(row_format: str, count: int, values: list) -> SafeString:
    """`count` rows of `row_format`, filled in order from `values`, as one format_html call:
    a row's every value is escaped unless it is already HTML."""
    return format_html(row_format * count, *values) if count else format_html("{}", "")


class _CellOpenings(dict):
    """Each state's opening of a cell, its badge included, made when first asked for."""

    def __missing__(self, state: str) -> SafeString:
        badge = render_to_string("coursework/state_badge.html", {"state": state})
        self[state] = opening = format_html('<td class="cell cell-{}">{}', state, badge)
        return opening


@register.simple_tag
def progress_rows(board: Dashboard) -> SafeString:
    """One <tr> per shown student: name, a state per module with its time, percent, flags.

    Cells are told apart by state and the minute of their time, so each minute is put in the
    current time zone and formatted as the date filter's "j M H:i" once, however many
    students worked in it."""
    zone = timezone.get_current_timezone()
    work_url = _url_maker("coursework:student-work", board.assignment.pk)
    names = board.names
    row_format = '<tr><th scope="row"><a href="{}">{}</a></th>' + "{}" * len(board.modules) + "{}"
    opening = _CellOpenings()
    untimed: dict[str, SafeString] = {}
    timed: dict[tuple[str, int], SafeString] = {}
    tails: dict[tuple, SafeString] = {}
    values = []
    for row in board.rows:
        ending = (row.percent, row.is_late, row.is_stuck)
        tail = tails.get(ending)
        if tail is None:
            tail = tails[ending] = format_html(
                "<td>{}%</td><td>{}</td></tr>", row.percent, FLAGS[ending[1:]]
            )
        values += (work_url(row.student.pk), names[row.student.pk])
        for state, minute in row.cells:
            if minute is None:
                cell = untimed.get(state)
                if cell is None:
                    cell = untimed[state] = format_html("{}</td>", opening[state])
            else:
                cell = timed.get((state, minute))
                if cell is None:
                    local = minute_time(minute).astimezone(zone)
                    cell = timed[state, minute] = format_html(
                        '{}<br><span class="when">{} {} {}</span></td>',
                        opening[state],
                        local.day,
                        str(MONTHS_3[local.month]).title(),  # the date filter's "M"
                        f"{local.hour:02d}:{local.minute:02d}",
                    )
            values.append(cell)
        values.append(tail)
    return _rows(row_format, len(board.rows), values)


class _Badges(dict):
    """Each state's badge (coursework/state_badge.html), rendered when first asked for."""

    def __missing__(self, state: str) -> SafeString:
        # render_to_string's answer is already marked safe; format_html keeps it so.
        self[state] = badge = format_html(
            "{}", render_to_string("coursework/state_badge.html", {"state": state})
        )
        return badge


class _ModuleLines(dict):
    """One module's line in the phone list for each state, made when first asked for."""

    def __init__(self, label: SafeString, badges: _Badges):
        super().__init__()
        self.label, self.badges = label, badges

    def __missing__(self, state: str) -> SafeString:
        self[state] = line = format_html(
            '<li><span class="module-name">{}</span> {}</li>', self.label, self.badges[state]
        )
        return line


@register.simple_tag
def progress_list(board: Dashboard) -> SafeString:
    """The dashboard on a phone: one <li> per shown student, whose summary gives their name,
    a progress bar and their flags, and opens to each module's state and a link to their
    work (whose page has the times).

    Each module's line for a state is made once, and many students share their modules'
    states and their summary's count and flags, so each distinct list of lines and each
    distinct ending is joined or made once per page."""
    work_url = _url_maker("coursework:student-work", board.assignment.pk)
    names = board.names
    total = len(board.modules)
    badges = _Badges()
    line_of = [
        _ModuleLines(format_html("{}. {}", module.position, module.title), badges)
        for module in board.modules
    ]
    lists: dict[tuple[str, ...], SafeString] = {}
    endings: dict[tuple, SafeString] = {}
    items = []
    for row in board.rows:
        ending = (row.complete, row.is_late, row.is_stuck)
        summary_end = endings.get(ending)
        if summary_end is None:
            summary_end = endings[ending] = format_html(
                '<span class="student-progress"><progress max="{}" value="{}" '
                'aria-label="Modules complete">{}%</progress> {} of {} modules</span> {}',
                total,
                row.complete,
                row.percent,
                row.complete,
                total,
                FLAGS[ending[1:]],
            )
        states = tuple([state for state, _minute in row.cells])
        lines = lists.get(states)
        if lines is None:
            # Every line is HTML made above, so format_html leaves them as they are.
            made = [line_of[index][state] for index, state in enumerate(states)]
            lines = lists[states] = format_html("{}" * len(made), *made)
        # Every part is HTML already (the name escaped once for the page, the rest made
        # above) but the address, which format_html escapes.
        name = names[row.student.pk]
        items.append(name)
        items.append(summary_end)
        items.append(lines)
        items.append(work_url(row.student.pk))
        items.append(name)
    return _rows(
        '<li><details><summary><span class="student-name">{}</span>{}</summary>'
        '<ol class="module-states">{}</ol><p><a href="{}">{}’s work</a></p></details></li>',
        len(board.rows),
        items,
    )


@register.simple_tag
def skill_rows(board: Dashboard) -> SafeString:
    """One <tr> per student: average rubric level and questions answered, by skill.

    Many students share all their results (nothing graded yet, every question answered), so
    each distinct set of cells is made once."""
    cell_of: dict[SkillResult, SafeString] = {}
    cells_of: dict[tuple[SkillResult, ...], SafeString] = {}
    cells_format = "{}" * len(SKILLS)
    names = board.names
    values = []
    for row in board.all_rows:
        results = tuple([row.skills[skill] for skill, _label in SKILLS])
        cells = cells_of.get(results)
        if cells is None:
            for result in results:
                if result not in cell_of:
                    level, answered, asked = result
                    cell_of[result] = format_html(
                        '<td>{}<br><span class="muted">{}/{} answered</span></td>',
                        "not graded" if level is None else f"level {floatformat(level, 1)}",
                        answered,
                        asked,
                    )
            cells = cells_of[results] = format_html(cells_format, *map(cell_of.get, results))
        values += (names[row.student.pk], cells)
    row_format = '<tr><th scope="row">{}</th>{}</tr>'
    return _rows(row_format, len(board.all_rows), values)


def _own_due(cell: GradebookCell) -> SafeString:
    """The student's own due date under their status, as the column's heading gives the
    assignment's: "due 12 Mar", in the current time zone."""
    if not cell.own_due:
        return format_html("{}", "")
    if cell.due_at is None:
        return format_html('<br><span class="when own-due">{}</span>', "own dates: no due date")
    local = timezone.localtime(cell.due_at)
    return format_html(
        '<br><span class="when own-due">own due {} {}</span>',
        local.day,
        str(MONTHS_3[local.month]).title(),
    )


def _gradebook_cell(cell: GradebookCell, note: SafeString | str = "") -> SafeString:
    symbol, words = GRADEBOOK_BADGES.get(cell.status, GRADEBOOK_BADGES["returned"])
    return format_html(
        '<td class="gb gb-{}"><span aria-hidden="true">{}</span> {}{}{}{}</td>',
        cell.status,
        symbol,
        words,
        "" if cell.points is None else f" · {cell.points} pts",
        _own_due(cell),
        note,
    )


_NO_TOTAL = format_html('<td class="gb-total">{}</td><td class="gb-total">{}</td>', "—", "—")


def _gradebook_total(total) -> SafeString:
    if not total.graded:
        return _NO_TOTAL
    return format_html(
        '<td class="gb-total">{} / {}</td><td class="gb-total">{}%</td>',
        total.points,
        total.possible,
        floatformat(total.percent, -1),
    )


@register.simple_tag
def gradebook_rows(rows: list[GradebookRow], totals=None, notes=None) -> SafeString:
    """One <tr> per student: status symbol and words per assignment, and points once graded;
    with `totals` (coursework.gradebook.student_totals), the total and percentage last.
    `notes` maps (student pk, column) to HTML another app adds at the end of that cell."""
    made: dict[tuple, SafeString] = {}
    values = []
    for index, row in enumerate(rows):
        values.append(row.student.display_name)
        for column, cell in enumerate(row.cells):
            note = notes.get((row.student.pk, column), "") if notes else ""
            if (cell, note) not in made:
                made[cell, note] = _gradebook_cell(cell, note)
            values.append(made[cell, note])
        if totals is not None:
            values.append(_gradebook_total(totals[index]))
    columns = (len(rows[0].cells) if rows else 0) + (totals is not None)
    row_format = '<tr><th scope="row">{}</th>' + "{}" * columns + "</tr>"
    return _rows(row_format, len(rows), values)
