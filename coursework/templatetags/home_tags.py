"""The home pages' "what next" lists (coursework.home), read where the templates show them."""

from django import template

from coursework.home import SOON, student_next, teacher_next

register = template.Library()


@register.simple_tag
def teacher_to_do(user) -> dict:
    return teacher_next(user)


@register.simple_tag
def student_to_do(user, lesson_rows) -> dict:
    """student_next's lists for the assignments of the page's lesson rows, and `due_soon`:
    the lessons not yet complete that are due in the next 7 days, from the same rows (so by
    the dates the page shows)."""
    found = student_next(user, {row.assignment_pk: row.title for row in lesson_rows})
    found["due_soon"] = [
        row
        for row in lesson_rows
        if row.is_open
        and not row.is_complete
        and row.due_at is not None
        and row.now <= row.due_at < row.now + SOON
    ]
    return found


@register.filter
def work_of(work: dict, assignment_pk: int):
    """The written work's (status, grade) of one assignment, or None."""
    return work.get(assignment_pk)
