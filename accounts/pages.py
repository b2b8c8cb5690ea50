"""The class page's tabs, rendered for their own views and for any other app's form posted
from them."""

from datetime import timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .forms import ClassNameForm, CoTeacherForm, RosterForm
from .models import Enrollment, RosterImport

ROSTER_IMPORT_SHOWN = timedelta(days=1)

# (tab, URL name, label), in the order the tabs are shown.
TABS = [
    ("overview", "accounts:class-detail", "Overview"),
    ("assignments", "accounts:class-assignments", "Assignments"),
    ("roster", "accounts:class-roster", "Roster"),
    ("settings", "accounts:class-settings", "Settings"),
]
TEMPLATES = {tab: f"accounts/class_{tab}.html" for tab, _, _ in TABS}
# A form given back with its errors is shown on the tab that holds it.
FORM_TABS = {
    "assign_form": "assignments",
    "roster_form": "roster",
    "roster_error": "roster",
    "roster_outcome": "roster",
    "rename_form": "settings",
    "coteacher_form": "settings",
}


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


def active_enrollments(classroom):
    return (
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__username")
    )


def error_summary(extra) -> list[tuple[str, str]]:
    """Each problem of the forms given back, with the address of the field to fix."""
    items = []
    for key, value in extra.items():
        if key.endswith("_form") and value is not None and value.is_bound:
            for name, errors in value.errors.items():
                field = value[name] if name in value.fields else None
                href = (
                    f"#{field.id_for_label}" if field is not None else f"#{key.replace('_', '-')}"
                )
                label = f"{field.label}: " if field is not None else ""
                items += [(f"{label}{error}", href) for error in errors]
    if extra.get("roster_error"):
        items.append((extra["roster_error"], "#id_roster"))
    outcome = extra.get("roster_outcome")
    if outcome is not None and outcome.check.problems:
        items += [
            (f"Line {line}: {problem}", "#id_roster") for line, problem in outcome.check.problems
        ]
    return items


def class_page(request, classroom, *, tab: str | None = None, status: int = 200, **extra):
    """One tab of the class page, with any bound form or roster outcome passed in `extra`;
    without `tab`, the tab that holds the form given back."""
    if tab is None:
        tab = next((FORM_TABS[key] for key in extra if key in FORM_TABS), "overview")
    ctx = {
        "classroom": classroom,
        "tab": tab,
        "tabs": [
            (reverse(name, args=[classroom.pk]), label, key == tab) for key, name, label in TABS
        ],
        "enrollments": active_enrollments(classroom),
        "error_summary": error_summary(extra),
    }
    if tab == "roster":
        ctx["roster_form"] = RosterForm()
        ctx["roster_import"] = roster_import_to_show(classroom)
    elif tab == "settings":
        ctx["teachers"] = classroom.teachers.order_by("last_name", "first_name")
        ctx["rename_form"] = ClassNameForm(initial={"name": classroom.name})
        ctx["coteacher_form"] = CoTeacherForm()
    ctx.update(extra)
    return render(request, TEMPLATES[tab], ctx, status=status)
