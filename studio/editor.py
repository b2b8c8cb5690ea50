"""The lesson editor: the studio's list of lessons, one page per lesson with its own fields,
and its modules added, moved and removed.

Every write answers a full page (after a redirect) or, for htmx, only the section of the
page it saved, with the status line and the page's new revision out of band: what is typed
in another section stays where it is, and its form is brought up to the new revision (the
save succeeding proves the whole page was current). A refused write answers the same page
or section with what went wrong and nothing changed: 400 for bad input, 403 for a lesson
that is no longer a draft, 409 for a page older than the lesson.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lessons.models import Lesson, Module

from . import services
from .access import (
    LessonReadOnly,
    lesson_for_author,
    lessons_authorable_by,
    module_of,
    require_author,
    require_editable,
)
from .forms import (
    LESSON_FIELDS,
    LessonFieldsForm,
    ModuleAddForm,
    ModuleOrderForm,
    MoveForm,
    RevisionForm,
)
from .services import StaleSave


def stale_problem(current: Lesson | Module) -> str:
    """Why a save made from an older page was refused: `current` is the row saved since."""
    what = "this module" if isinstance(current, Module) else "the lesson"
    return (
        f"Not saved: this page was out of date. Someone saved {what} after the page was "
        "loaded, so nothing was overwritten."
    )


# After a move, focus stays on the button used, or on its twin when the item reached an end.
OTHER = {"up": "down", "down": "up"}


def first_error(form) -> str:
    """The first message of a form (or formset), for a one-line refusal."""
    for errors in form.errors.values():
        return f"{errors[0]}"
    return "Check the form and try again."


@dataclass(frozen=True)
class Change:
    """What a valid form asks for: `write` (given the form's revision), the request in the
    author's words for a refusal to show beside the stored version, the message once saved,
    and where focus goes then (a callable when the write decides it)."""

    write: Callable[..., object]
    asked: str
    saved: str
    focus: str | Callable[[], str] = ""

    @property
    def focus_after(self) -> str:
        return self.focus() if callable(self.focus) else self.focus


def submit(
    form,
    change: Callable[[dict], Change],
    *,
    invalid: Callable[..., HttpResponse],
    refused: Callable[[str], Callable[..., HttpResponse]],
    saved: Callable[[Change, int], HttpResponse],
) -> HttpResponse:
    """The path every editor write takes once the lesson is known to be a draft: bad input
    answers `invalid` (400), a refused write `refused(asked)`, a saved one `saved`."""
    if not form.is_valid():
        return invalid(status=400, problem=first_error(form))
    wanted = change(form.cleaned_data)
    revision = form.cleaned_data["revision"]
    write = partial(wanted.write, revision=revision)
    return attempt(write, refused(wanted.asked)) or saved(wanted, revision)


def attempt(write: Callable[[], object], refused: Callable[..., HttpResponse]):
    """Run a write; on refusal answer `refused(status=..., problem=..., stale=...)`."""
    try:
        write()
    except LessonReadOnly as error:
        return refused(status=403, problem=str(error))
    except StaleSave as stale:
        return refused(status=409, problem=stale_problem(stale.current), stale=stale.current)
    except ValidationError as error:
        return refused(status=400, problem=error.messages[0])
    return None


def read_only_refusal(lesson: Lesson, page: Callable[..., HttpResponse]) -> HttpResponse | None:
    """A write to a lesson that is no longer a draft is refused (403) before anything else."""
    try:
        require_editable(lesson)
    except LessonReadOnly as error:
        return page(status=403, problem=str(error))
    return None


def editor_template(request, name: str, part: str) -> str:
    template = f"studio/editor/{name}.html"
    return f"{template}#{part}" if request.htmx else template


def editor_render(
    request, name: str, ctx: dict, *, status: int, section: str = "", title: bool = False
) -> HttpResponse:
    """The whole page, or for htmx the saved `section` with the status line, the page's
    revision and (when `title`) the heading out of band."""
    template = f"studio/editor/{name}.html"
    if request.htmx and section:
        ctx = {
            **ctx,
            "section_template": f"{template}#{section}",
            "title_template": f"{template}#title" if title else "",
        }
        return render(request, "studio/editor/section.html", ctx, status=status)
    return render(request, editor_template(request, name, "editor"), ctx, status=status)


# The list --------------------------------------------------------------------------------


@require_GET
@login_required
def lesson_list(request):
    require_author(request.user)
    drafts_first = Case(
        When(status=Lesson.Status.DRAFT, then=Value(0)),
        When(status=Lesson.Status.PUBLISHED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    lessons = (
        lessons_authorable_by(request.user)
        .select_related("owner")
        .annotate(module_count=Count("modules"), first=drafts_first)
        .order_by("first", "title", "-version")
    )
    return render(request, "studio/editor/lesson_list.html", {"lessons": lessons})


# One lesson ------------------------------------------------------------------------------


def lesson_page(
    request,
    lesson: Lesson,
    *,
    status: int = 200,
    form: LessonFieldsForm | None = None,
    add_form: ModuleAddForm | None = None,
    problem: str = "",
    conflict: list | None = None,
    focus: str = "",
    saved: str = "",
    section: str = "",
    revision_was: int | None = None,
) -> HttpResponse:
    # A query with GROUP BY ignores Meta.ordering, so the order is stated.
    modules = lesson.modules.annotate(
        question_count=Count("questions", distinct=True),
        excerpt_count=Count("excerpts", distinct=True),
    ).order_by("position")
    ctx = {
        "lesson": lesson,
        "modules": modules,
        "documents": lesson.documents.defer("raw_text", "cleaned_text", "report"),
        "form": form or LessonFieldsForm.for_lesson(lesson),
        "add_form": add_form or ModuleAddForm(initial={"revision": lesson.revision}),
        "problem": problem,
        "conflict": conflict,
        "focus": focus,
        "saved": saved,
        "revision_was": revision_was,
        "revision_now": lesson.revision,
    }
    return editor_render(
        request, "lesson_edit", ctx, status=status, section=section, title=section == "about"
    )


def lesson_saved(
    request, lesson: Lesson, message: str, *, section: str, revision: int, focus: str = ""
) -> HttpResponse:
    """After a save made at `revision`: the saved section, its forms at the revision that
    save made (never a later one, which another author's save would have made)."""
    if request.htmx:
        lesson.refresh_from_db()
        lesson.revision = revision + 1
        return lesson_page(
            request, lesson, focus=focus, saved=message, section=section, revision_was=revision
        )
    messages.success(request, message)
    url = reverse("studio:lesson-edit", args=[lesson.pk])
    return redirect(f"{url}#{focus.split()[-1]}" if focus else url)


def _typed_again(form_class, request, revision: int, **kwargs):
    """The author's typed form again, now carrying the stored revision: saving it once more
    is a decision taken with both versions in view."""
    data = request.POST.copy()
    data["revision"] = str(revision)
    return form_class(data, **kwargs)


@require_http_methods(["GET", "POST"])
@login_required
def lesson_edit(request, pk: int):
    lesson = lesson_for_author(request.user, pk)
    if request.method == "GET":
        return lesson_page(request, lesson)
    if refusal := read_only_refusal(lesson, partial(lesson_page, request, lesson, section="about")):
        return refusal
    form = LessonFieldsForm(request.POST)
    if not form.is_valid():
        return lesson_page(
            request, lesson, section="about", status=400, form=form, problem=first_error(form)
        )

    def refused(*, status, problem, stale=None):
        if stale is None:
            return lesson_page(
                request, lesson, section="about", status=status, form=form, problem=problem
            )
        typed = form.fields_data()
        conflict = [
            (
                form.fields[name].label or name.replace("_", " ").capitalize(),
                getattr(stale, name),
                getattr(typed, name),
            )
            for name in LESSON_FIELDS
            if getattr(stale, name) != getattr(typed, name)
        ]
        again = _typed_again(LessonFieldsForm, request, stale.revision)
        return lesson_page(
            request,
            stale,
            section="about",
            status=status,
            form=again,
            problem=problem,
            conflict=conflict,
        )

    revision = form.cleaned_data["revision"]
    write = partial(
        services.lesson_fields_save, lesson=lesson, revision=revision, fields=form.fields_data()
    )
    return attempt(write, refused) or lesson_saved(
        request, lesson, "Lesson saved.", section="about", revision=revision
    )


def _order_refused(request, lesson: Lesson, asked: str):
    def refused(*, status, problem, stale=None):
        conflict = None
        if stale is not None:
            now = ", ".join(m.title for m in stale.modules.all())
            conflict = [("Modules", now, asked)]
        return lesson_page(
            request,
            stale or lesson,
            status=status,
            problem=problem,
            conflict=conflict,
            section="modules",
        )

    return refused


def _modules_change(
    request, lesson: Lesson, form, change: Callable[[dict], Change], *, invalid=None
) -> HttpResponse:
    """A change to the lesson's modules, answered by its list of modules."""
    page = partial(lesson_page, request, lesson, section="modules")
    if refusal := read_only_refusal(lesson, page):
        return refusal

    def saved(wanted: Change, revision: int) -> HttpResponse:
        return lesson_saved(
            request,
            lesson,
            wanted.saved,
            section="modules",
            revision=revision,
            focus=wanted.focus_after,
        )

    return submit(
        form,
        change,
        invalid=invalid or page,
        refused=partial(_order_refused, request, lesson),
        saved=saved,
    )


@require_POST
@login_required
def module_add(request, pk: int):
    lesson = lesson_for_author(request.user, pk)
    form = ModuleAddForm(request.POST)
    created: list[Module] = []

    def change(data: dict) -> Change:
        def write(revision: int) -> None:
            created.append(
                services.module_add(
                    lesson=lesson, revision=revision, kind=data["kind"], title=data["title"]
                )
            )

        kind_label = Module.Kind(data["kind"]).label.lower()
        return Change(
            write,
            asked=f"add “{data['title']}” ({kind_label})",
            saved=f"Module “{data['title']}” added.",
            focus=lambda: f"edit-{created[0].pk}",
        )

    invalid = partial(lesson_page, request, lesson, section="modules", add_form=form)
    return _modules_change(request, lesson, form, change, invalid=invalid)


@require_POST
@login_required
def module_move(request, pk: int, module_pk: int):
    lesson = lesson_for_author(request.user, pk)
    module = module_of(lesson, module_pk)

    def change(data: dict) -> Change:
        direction = data["direction"]
        return Change(
            partial(services.module_move, lesson=lesson, module=module, direction=direction),
            asked=f"move “{module.title}” {direction}",
            saved=f"“{module.title}” moved {direction}.",
            focus=f"move-{direction}-{module.pk} move-{OTHER[direction]}-{module.pk} "
            f"edit-{module.pk}",
        )

    return _modules_change(request, lesson, MoveForm(request.POST), change)


@require_POST
@login_required
def module_reorder(request, pk: int):
    """The order a drag left the modules in."""
    lesson = lesson_for_author(request.user, pk)

    def change(data: dict) -> Change:
        order = data["order"]
        titles = dict(lesson.modules.values_list("pk", "title"))
        return Change(
            partial(services.modules_reorder, lesson=lesson, order=order),
            asked=", ".join(titles.get(pk, "?") for pk in order),
            saved="Modules reordered.",
        )

    return _modules_change(request, lesson, ModuleOrderForm(request.POST), change)


@require_http_methods(["GET", "POST"])
@login_required
def module_remove(request, pk: int, module_pk: int):
    """A page asking to confirm, then the removal."""
    lesson = lesson_for_author(request.user, pk)
    module = module_of(lesson, module_pk)
    ctx = {
        "lesson": lesson,
        "module": module,
        "excerpt_count": module.excerpts.count(),
        "question_count": module.questions.count(),
        "revision": lesson.revision,
    }
    if request.method == "GET":
        return render(request, "studio/editor/module_remove.html", ctx)

    def change(data: dict) -> Change:
        return Change(
            partial(services.module_remove, lesson=lesson, module=module),
            asked=f"remove “{module.title}”",
            saved=f"Module “{module.title}” removed.",
            focus="modules",
        )

    invalid = partial(confirm_again, request, "studio/editor/module_remove.html", ctx)
    return _modules_change(request, lesson, RevisionForm(request.POST), change, invalid=invalid)


def confirm_again(request, template: str, ctx: dict, *, status: int, problem: str):
    """A removal's confirmation page again, saying what was wrong with the form sent."""
    return render(request, template, {**ctx, "problem": problem}, status=status)
