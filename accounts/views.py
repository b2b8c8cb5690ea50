from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.feedback import refusal_show

from . import services
from .access import (
    classroom_for_teacher,
    classrooms_visible_to,
    user_for_viewer,
)
from .forms import ClassNameForm, CoTeacherForm, JoinForm, RosterForm
from .models import Enrollment, RosterImport
from .pages import class_page
from .roster import RosterError


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


def lockout_response(request, original_response, credentials):
    """The page for a refused login or reset request: what happened and when to try again.
    Nothing is checked, saved or sent for a refused request."""
    reset = request.resolver_match is not None and request.resolver_match.view_name == (
        "accounts:password-reset"
    )
    ctx = {
        "reset": reset,
        "minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60),
    }
    return render(request, "registration/lockout.html", ctx, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email. The answer is the same whether or not the address
    belongs to an account, so the form can't be used to find out who has one.

    Requests go through the same throttle as logins, keyed on the address typed and the
    client's address: every request counts, whether or not an account has that address."""

    email_template_name = "registration/password_reset_email.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        credentials = {"username": form.cleaned_data["email"]}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            return lockout_response(self.request, None, credentials)
        AxesProxyHandler.user_login_failed(__name__, credentials, self.request)
        if self.request.axes_locked_out:
            return lockout_response(self.request, None, credentials)
        return super().form_valid(form)


def _require_teacher(user) -> None:
    if not (user.is_teacher or user.is_staff):
        raise PermissionDenied("Only teachers can do this.")


@require_http_methods(["GET", "POST"])
@login_required
def class_create(request):
    _require_teacher(request.user)
    form = ClassNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = services.class_create(teacher=request.user, name=form.cleaned_data["name"])
        messages.success(
            request, f"Created {classroom.name}. Its join code is {classroom.join_code}."
        )
        return redirect(classroom)
    return render(request, "accounts/class_create.html", {"form": form})


@require_GET
@login_required
def class_detail(request, pk: int):
    return class_page(request, classroom_for_teacher(request.user, pk), tab="overview")


@require_GET
@login_required
def class_assignments(request, pk: int):
    return class_page(request, classroom_for_teacher(request.user, pk), tab="assignments")


@require_GET
@login_required
def class_settings(request, pk: int):
    return class_page(request, classroom_for_teacher(request.user, pk), tab="settings")


def _tab(classroom, name: str):
    return redirect(name, classroom.pk)


@require_POST
@login_required
def class_rename(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    form = ClassNameForm(request.POST)
    if not form.is_valid():
        return class_page(request, classroom, status=400, rename_form=form)
    services.class_rename(classroom=classroom, name=form.cleaned_data["name"])
    messages.success(request, f"Renamed the class to {classroom.name}.")
    return _tab(classroom, "accounts:class-settings")


@require_POST
@login_required
def class_archive(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    archive = request.POST.get("archived") == "1"
    services.class_set_archived(classroom=classroom, archived=archive)
    if archive:
        messages.success(request, f"Archived {classroom.name}. Its join code no longer works.")
    else:
        messages.success(request, f"Restored {classroom.name}.")
    return _tab(classroom, "accounts:class-settings")


@require_POST
@login_required
def class_code_regenerate(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    code = services.class_regenerate_code(classroom=classroom)
    messages.success(request, f"The new join code is {code}. The old code no longer works.")
    return redirect(classroom)


@require_POST
@login_required
def class_joining(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    enabled = request.POST.get("enabled") == "1"
    services.class_set_joining(classroom=classroom, enabled=enabled)
    messages.success(
        request, "Students can join with the code." if enabled else "Joining with the code is off."
    )
    return redirect(classroom)


@require_POST
@login_required
def class_coteacher_add(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    form = CoTeacherForm(request.POST)
    if form.is_valid():
        try:
            teacher = services.class_add_coteacher(
                classroom=classroom, username=form.cleaned_data["username"]
            )
        except ValidationError as error:
            refusal_show(request, error, form=form, field="username")
        else:
            messages.success(request, f"{teacher.display_name} now teaches {classroom.name}.")
            return _tab(classroom, "accounts:class-settings")
    return class_page(request, classroom, status=400, coteacher_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def class_roster(request, pk: int):
    """The roster tab; a roster file posted to it adds its students."""
    classroom = classroom_for_teacher(request.user, pk)
    if request.method == "GET":
        return class_page(request, classroom, tab="roster")
    form = RosterForm(request.POST, request.FILES)
    if not form.is_valid():
        return class_page(request, classroom, status=400, roster_form=form)
    try:
        outcome = services.roster_import_start(
            classroom=classroom, requester=request.user, data=form.cleaned_data["roster"].read()
        )
    except RosterError as error:
        return class_page(request, classroom, status=400, roster_error=str(error))
    if outcome.check.problems:
        return class_page(request, classroom, status=400, roster_outcome=outcome)
    # Rendered, not redirected: new accounts' first passwords are shown this once.
    return class_page(request, classroom, roster_outcome=outcome)


@require_GET
@login_required
def class_roster_import(request, pk: int, import_pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    job = get_object_or_404(RosterImport, classroom=classroom, pk=import_pk)
    ctx = {"classroom": classroom, "job": job}
    if request.htmx:
        return render(request, "accounts/roster_import.html#progress", ctx)
    return render(request, "accounts/roster_import.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
def class_student_remove(request, pk: int, student_pk: int):
    """GET asks the teacher to confirm; POST takes the student out of the class."""
    classroom = classroom_for_teacher(request.user, pk)
    enrollment = (
        Enrollment.objects.active()
        .filter(classroom=classroom, student_id=student_pk)
        .select_related("student")
        .first()
    )
    if enrollment is None:
        if request.method == "GET":
            raise Http404("That student is not in this class.")
        messages.error(request, "That student is not in this class.")
        return _tab(classroom, "accounts:class-roster")
    if request.method == "GET":
        return render(
            request,
            "accounts/class_student_remove.html",
            {"classroom": classroom, "student": enrollment.student},
        )
    services.class_remove_student(classroom=classroom, student=enrollment.student)
    messages.success(
        request,
        f"Removed {enrollment.student.display_name} from {classroom.name}. Their work is kept.",
    )
    return _tab(classroom, "accounts:class-roster")


@require_http_methods(["GET", "POST"])
@login_required
def class_join(request):
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.class_join(student=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            refusal_show(request, error, form=form, field="code")
        else:
            messages.success(request, f"You joined {classroom.name}.")
            return redirect("coursework:home")
    status = 400 if form.errors else 200
    return render(request, "accounts/class_join.html", {"form": form}, status=status)


@require_GET
@login_required
def user_detail(request, pk: int):
    person = user_for_viewer(request.user, pk)
    classrooms = classrooms_visible_to(person).filter(
        pk__in=classrooms_visible_to(request.user).values("pk")
    )
    return render(
        request, "accounts/user_detail.html", {"person": person, "classrooms": classrooms}
    )
