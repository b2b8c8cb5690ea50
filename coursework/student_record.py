"""The student's whole record on an assignment, for the grading screen: their answers to the
guiding questions and their discussion posts, module by module.

The grading screen shows it in a collapsed section that loads it (htmx) when opened, so the
screen itself reads none of it; without JavaScript the section links to it as a page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .templatetags.grading_tags import student_record


@require_GET
@login_required
def record(request, pk: int, submission_pk: int):
    from .teacher_views import _submission_for

    assignment, submission = _submission_for(request, pk, submission_pk, rubric=False)
    ctx = {"assignment": assignment, "submission": submission, "record": student_record(submission)}
    template = "coursework/student_record.html"
    return render(request, f"{template}#record" if request.htmx else template, ctx)
