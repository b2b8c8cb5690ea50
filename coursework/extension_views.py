"""A teacher's pages for one assignment's students: their own dates (extensions), who the
assignment is given to, and each student's accommodation note on the class roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import classroom_for_teacher
from accounts.forms import AccommodationForm
from accounts.models import Enrollment
from accounts.services import enrollment_set_accommodation
from config.feedback import refusal_show

from .access import assignment_for_teacher
from .dates import (
    class_dates,
    clear_student_dates,
    recipient_ids,
    set_recipients,
    set_student_dates,
)
from .forms import SOME_STUDENTS, WHOLE_CLASS, RecipientsForm, StudentDatesForm, class_students


def _students(count: int) -> str:
    return f"{count} student{'' if count == 1 else 's'}"


def _page(request, assignment, *, dates_form=None, recipients_form=None, status=200):
    classroom = assignment.classroom
    students = list(class_students(classroom))
    dates = class_dates(assignment)
    given = set(recipient_ids(assignment, [s.pk for s in students]))
    rows = [(student, dates.get(student.pk), student.pk in given) for student in students]
    if recipients_form is None:
        recipients_form = RecipientsForm(
            classroom=classroom,
            initial={
                "given_to": WHOLE_CLASS if assignment.for_whole_class else SOME_STUDENTS,
                "students": [] if assignment.for_whole_class else sorted(given),
            },
        )
    chosen = set()
    if dates_form is not None:
        chosen = {int(pk) for pk in dates_form.data.getlist("students") if pk.isdigit()}
    ctx = {
        "assignment": assignment,
        "chosen": chosen,
        "classroom": classroom,
        "rows": rows,
        "dates_form": dates_form or StudentDatesForm(classroom=classroom),
        "recipients_form": recipients_form,
    }
    return render(request, "coursework/extensions.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def student_dates(request, pk: int):
    """GET: the class's students with their dates; POST: give or clear own dates."""
    assignment = assignment_for_teacher(request.user, pk)
    if request.method == "GET":
        return _page(request, assignment)
    form = StudentDatesForm(request.POST, classroom=assignment.classroom)
    if form.is_valid():
        ids = [student.pk for student in form.cleaned_data["students"]]
        try:
            if form.cleaned_data["action"] == "clear":
                count = clear_student_dates(assignment=assignment, student_ids=ids)
                done = f"Cleared the own dates of {count} of {_students(len(ids))} chosen."
            else:
                count = set_student_dates(
                    assignment=assignment,
                    student_ids=ids,
                    teacher=request.user,
                    opens_at=form.cleaned_data["opens_at"],
                    due_at=form.cleaned_data["due_at"],
                )
                done = f"Gave {_students(count)} their own dates."
        except ValidationError as error:
            refusal_show(request, error, form=form)
        else:
            messages.success(request, done)
            return redirect(reverse("coursework:student-dates", args=[assignment.pk]))
    return _page(request, assignment, dates_form=form, status=400)


@require_POST
@login_required
def recipients(request, pk: int):
    """Give the assignment to the whole class, or only to the students ticked."""
    assignment = assignment_for_teacher(request.user, pk)
    form = RecipientsForm(request.POST, classroom=assignment.classroom)
    if form.is_valid():
        try:
            set_recipients(
                assignment=assignment,
                whole_class=form.whole_class,
                student_ids=[s.pk for s in form.cleaned_data["students"]],
            )
        except ValidationError as error:
            refusal_show(request, error, form=form)
        else:
            messages.success(
                request,
                "Given to the whole class."
                if form.whole_class
                else f"Given to {_students(len(form.cleaned_data['students']))} only.",
            )
            return redirect(reverse("coursework:student-dates", args=[assignment.pk]))
    return _page(request, assignment, recipients_form=form, status=400)


@require_POST
@login_required
def accommodation_edit(request, pk: int, student_pk: int):
    """Change one student's accommodation note, from their row on the class roster."""
    classroom = classroom_for_teacher(request.user, pk)
    enrollment = Enrollment.objects.active().filter(classroom=classroom, student_id=student_pk)
    enrollment = enrollment.select_related("student").first()
    if enrollment is None:
        raise Http404("No such student in this class")
    form = AccommodationForm(request.POST)
    # Back to the page the form was on (the roster), else the class page.
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = classroom.get_absolute_url()
    if form.is_valid():
        enrollment_set_accommodation(
            enrollment=enrollment, accommodation=form.cleaned_data["accommodation"]
        )
        messages.success(request, f"Saved the note for {enrollment.student.display_name}.")
    else:
        for error in form.errors["accommodation"]:
            messages.error(request, f"Note not saved: {error}")
    return redirect(f"{back.split('#')[0]}#student-{enrollment.student_id}")
