"""The LMS connection's parts of other apps' pages: the roster tab's sync button and the
gradebook's passback states. Each renders nothing for a class with no LMS course, and each
reads what it shows in one query at most, whatever the class's size; the gradebook of a
class known (from the cache) to have no passbacks reads nothing."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from coursework.templatetags.board_tags import gradebook_rows

from ..models import ScorePassback
from ..passback import classes_with_passbacks_known, classes_with_passbacks_note
from ..roster_sync import syncable_links

register = template.Library()

State = ScorePassback.State
# When one student's work goes to several grade columns, the cell says the worst of them.
_WORST_FIRST = [State.FAILED, State.RETRYING, State.QUEUED, State.SENT]


@register.inclusion_tag("lms/roster_sync.html")
def lms_roster_sync(classroom) -> dict:
    """The "Sync roster from LMS" form, for a class linked to an LMS course that shares its
    roster; nothing otherwise."""
    links = list(syncable_links(classroom))
    synced = [link.roster_synced_at for link in links if link.roster_synced_at]
    return {
        "classroom": classroom,
        "links": links,
        "last_synced": min(synced) if len(synced) == len(links) and synced else None,
    }


def passback_states(assignments) -> dict[tuple[int, int], tuple[str, str]]:
    """(student, assignment): the state of the work's passback and its last error, for the
    given assignments, in one query."""
    ids = [assignment.pk for assignment in assignments]
    classes = sorted({assignment.classroom_id for assignment in assignments})
    if not ids or classes_with_passbacks_known(classes) is False:
        return {}
    states: dict[tuple[int, int], tuple[str, str]] = {}
    for student_id, assignment_id, state, error in ScorePassback.objects.filter(
        submission__assignment_id__in=ids
    ).values_list("submission__student_id", "submission__assignment_id", "state", "last_error"):
        key = (student_id, assignment_id)
        if key not in states or _WORST_FIRST.index(state) < _WORST_FIRST.index(states[key][0]):
            states[key] = (state, error)
    if not states:
        classes_with_passbacks_note(classes, has=False)
    return states


def passback_note(state: str, error: str = "") -> SafeString:
    """A cell's line about its LMS grade column."""
    if state == State.SENT:
        return format_html('<br><span class="when lms-sent">{}</span>', "Sent to LMS")
    if state == State.RETRYING:
        return format_html(
            '<br><span class="flag flag-stuck lms-retrying" title="{}">{}</span>',
            error,
            "Retrying",
        )
    if state == State.FAILED:
        return format_html(
            '<br><span class="flag flag-late lms-failed" title="{}">LMS: failed</span>'
            '<span class="help"> — {}</span>',
            error,
            Truncator(error).chars(120),
        )
    return format_html('<br><span class="when lms-queued">{}</span>', "Sending to LMS")


@register.simple_tag
def lms_gradebook_rows(rows, totals, assignments) -> SafeString:
    """The gradebook's rows as coursework draws them, each cell whose grade goes to an LMS
    saying whether it was sent, is being retried or failed (and why)."""
    states = passback_states(assignments)
    if not states:
        return gradebook_rows(rows, totals)
    made: dict[tuple[str, str], SafeString] = {}
    notes: dict[tuple[int, int], SafeString] = {}
    for column, assignment in enumerate(assignments):
        for row in rows:
            state = states.get((row.student.pk, assignment.pk))
            if state is not None:
                if state not in made:
                    made[state] = passback_note(*state)
                notes[row.student.pk, column] = made[state]
    return gradebook_rows(rows, totals, notes)
