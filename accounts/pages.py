"""The class page, rendered for its own view and for any other app's form posted from it."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from .forms import ClassNameForm, CoTeacherForm, RosterForm
from .models import Enrollment, RosterImport

ROSTER_IMPORT_SHOWN = timedelta(days=1)


def roster_import_to_show(classroom) -> RosterImport | None:
    """The class's latest roster import while it runs, and for a day after it ends."""
    job = classroom.roster_imports.defer("rows").first()
    if job is not None and (
        job.is_active
        or not job.finished_at
        or job.finished_at > timezone.now() - ROSTER_IMPORT_SHOWN
    ):
        return job
    return None


def class_page(request, classroom, *, status: int = 200, **extra):
    """The class page, with any bound form or roster outcome passed in `extra`."""
    enrollments = (
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__username")
    )
    ctx = {
        "classroom": classroom,
        "teachers": classroom.teachers.order_by("last_name", "first_name"),
        "enrollments": enrollments,
        "rename_form": ClassNameForm(initial={"name": classroom.name}),
        "coteacher_form": CoTeacherForm(),
        "roster_form": RosterForm(),
        "roster_import": roster_import_to_show(classroom),
        **extra,
    }
    return render(request, "accounts/class_detail.html", ctx, status=status)
