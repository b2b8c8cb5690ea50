"""A written assignment's rubric, edited as a grid: criteria by levels, each cell with its
points and description, each criterion with its skill.

A rubric used by a published lesson or by a grade is frozen: its page shows it read-only with
"Copy to edit", which gives the module a fresh copy. Saves are checked against the lesson's
revision. A save that removes a level or a criterion asks first: the grid as typed comes back
as a confirmation (hidden fields, so it works without JavaScript and in place under htmx),
from which the author removes and saves, or goes back to the grid with nothing removed.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lessons.models import RUBRIC_FROZEN, Lesson, Module, Rubric

from . import rubrics
from .access import lesson_for_author, module_of
from .editor import attempt, editor_template, first_error, read_only_refusal
from .forms import RevisionForm, RubricGrid


def _assignment(request, pk: int, module_pk: int) -> tuple[Lesson, Module]:
    lesson = lesson_for_author(request.user, pk)
    module = module_of(lesson, module_pk)
    if module.kind != Module.Kind.ASSIGNMENT:
        raise Http404("Only a written assignment has a rubric")
    return lesson, module


def rubric_page(
    request,
    lesson: Lesson,
    module: Module,
    *,
    status: int = 200,
    grid: RubricGrid | None = None,
    problem: str = "",
    stored: Rubric | None = None,
    focus: str = "",
    saved: str = "",
    removal: dict | None = None,
) -> HttpResponse:
    rubric = Rubric.objects.prefetch_related("criteria__levels").filter(pk=module.rubric_id).first()
    frozen = rubric is not None and rubric.is_frozen
    if rubric is not None and not frozen and grid is None and lesson.is_editable:
        grid = RubricGrid(rubric, lesson.revision)
    ctx = {
        "lesson": lesson,
        "module": module,
        "rubric": rubric,
        "frozen": frozen,
        "grid": grid,
        "problem": problem,
        "stored": stored,
        "focus": focus,
        "saved": saved,
        "revision": lesson.revision,
        "frozen_message": RUBRIC_FROZEN,
        "removal": removal,
    }
    template = editor_template(request, "rubric_edit", "editor")
    return render(request, template, ctx, status=status)


def _saved(request, lesson: Lesson, module: Module, message: str, focus: str = ""):
    lesson.refresh_from_db()
    module.refresh_from_db()
    if request.htmx:
        return rubric_page(request, lesson, module, focus=focus, saved=message)
    messages.success(request, message)
    url = reverse("studio:rubric-edit", args=[lesson.pk, module.pk])
    return redirect(f"{url}#{focus}" if focus else url)


ACTIONS = {
    "save": ("", "Rubric saved."),
    "add-criterion": ("criterion", "Rubric saved, with a new criterion."),
    "add-level": ("level", "Rubric saved, with a new level for every criterion."),
}


@require_http_methods(["GET", "POST"])
@login_required
def rubric_edit(request, pk: int, module_pk: int):
    lesson, module = _assignment(request, pk, module_pk)
    if request.method == "GET":
        return rubric_page(request, lesson, module)
    if refusal := read_only_refusal(lesson, partial(rubric_page, request, lesson, module)):
        return refusal
    if module.rubric_id is None:
        return rubric_page(request, lesson, module, status=400, problem="There is no rubric yet.")
    rubric = Rubric.objects.get(pk=module.rubric_id)
    grid = RubricGrid(rubric, lesson.revision, data=request.POST)
    action = request.POST.get("action", "save")
    if action == "keep":
        return _grid_kept(request, lesson, module, rubric)
    remove_level = None
    if action.startswith("remove-level-") and action.removeprefix("remove-level-").isdigit():
        remove_level = int(action.removeprefix("remove-level-"))
        add, message = "", f"Rubric saved, without level {remove_level}."
    elif action in ACTIONS:
        add, message = ACTIONS[action]
    else:
        return rubric_page(request, lesson, module, status=400, problem="Unknown rubric action.")
    if not grid.is_valid():
        return rubric_page(request, lesson, module, status=400, grid=grid, problem=grid.problem())
    if request.POST.get("confirmed") != "yes" and (remove_level is not None or grid.removed()):
        removal = _removal(request, grid, remove_level, action)
        return rubric_page(request, lesson, module, grid=grid, removal=removal, focus="confirm")

    def refused(*, status, problem, stale=None):
        if stale is None:
            return rubric_page(request, lesson, module, status=status, grid=grid, problem=problem)
        module.refresh_from_db()
        stored = (
            Rubric.objects.prefetch_related("criteria__levels").filter(pk=module.rubric_id).first()
        )
        data = request.POST.copy()
        data["revision"] = str(stale.revision)
        again = RubricGrid(rubric, stale.revision, data=data) if stored == rubric else None
        if again is not None:
            again.is_valid()
        return rubric_page(
            request, stale, module, status=status, grid=again, problem=problem, stored=stored
        )

    write = partial(
        rubrics.rubric_grid_save,
        lesson=lesson,
        revision=grid.revision,
        module=module,
        title=grid.head.cleaned_data["title"],
        rows=grid.criterion_rows(),
        add=add,
        remove_level=remove_level,
    )
    return attempt(write, refused) or _saved(request, lesson, module, message, focus="grid")


# Fields of the grid that the confirmation carries back as they were posted.
NOT_CARRIED = {"csrfmiddlewaretoken", "action", "confirmed"}


def _removal(request, grid: RubricGrid, remove_level: int | None, action: str) -> dict:
    """What a save would remove, for the author to confirm, with the grid as posted."""
    rows = grid.criterion_rows()
    removed = {row.pk for row in rows if row.remove}
    stored_titles = {c.pk: c.title for c in grid.criteria}
    levels = []
    if remove_level is not None:
        levels = [
            (row.title, row.levels[remove_level - 1])
            for row in rows
            if not row.remove and len(row.levels) >= remove_level
        ]
    return {
        "level": remove_level,
        "levels": levels,
        "criteria": [stored_titles[pk] for pk in stored_titles if pk in removed],
        "action": action,
        "posted": [
            (key, value)
            for key, values in request.POST.lists()
            if key not in NOT_CARRIED
            for value in values
        ],
    }


def _grid_kept(request, lesson: Lesson, module: Module, rubric: Rubric) -> HttpResponse:
    """Back from a confirmation: the grid as typed, nothing removed and nothing saved yet."""
    data = request.POST.copy()
    for key in [key for key in data if key.endswith("-DELETE")]:
        del data[key]
    grid = RubricGrid(rubric, lesson.revision, data=data)
    grid.is_valid()
    return rubric_page(
        request,
        lesson,
        module,
        grid=grid,
        focus="grid",
        saved="Nothing removed. The grid holds your changes; they are not saved yet.",
    )


def _rubric_write(request, pk: int, module_pk: int, write_with, message: str):
    lesson, module = _assignment(request, pk, module_pk)
    if refusal := read_only_refusal(lesson, partial(rubric_page, request, lesson, module)):
        return refusal
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return rubric_page(request, lesson, module, status=400, problem=first_error(form))

    def refused(*, status, problem, stale=None):
        return rubric_page(request, stale or lesson, module, status=status, problem=problem)

    write = partial(
        write_with, lesson=lesson, revision=form.cleaned_data["revision"], module=module
    )
    return attempt(write, refused) or _saved(request, lesson, module, message, focus="grid")


@require_POST
@login_required
def rubric_copy(request, pk: int, module_pk: int):
    """Copy to edit: the module takes a copy of its frozen rubric."""
    return _rubric_write(
        request,
        pk,
        module_pk,
        rubrics.rubric_copy_to_edit,
        "This assignment now has its own copy of the rubric, free to edit.",
    )


@require_POST
@login_required
def rubric_start(request, pk: int, module_pk: int):
    return _rubric_write(
        request, pk, module_pk, rubrics.rubric_start, "Rubric started: describe each level."
    )
