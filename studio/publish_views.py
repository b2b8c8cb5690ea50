"""Previewing, checking, publishing, versioning, archiving and copying lessons in the studio.

Access goes through studio.access (who may author the lesson) and lessons.access (who may
read or copy it): another teacher's copy is 404 here as everywhere.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coursework.models import Submission
from lessons import services
from lessons.access import lesson_for_reader, require_teacher
from lessons.selectors import module_content
from lessons.services import PublishRefused, lesson_draft_version_of

from .access import lesson_for_author, lessons_authorable_by, require_author
from .publishing import RULES, checklist_items_for, lesson_checklist, lesson_edit_url
from .versions import lesson_changes, lesson_compared_with


def _authored_lesson(request, pk: int):
    require_author(request.user)
    return lesson_for_author(request.user, pk)


@require_GET
@login_required
def lesson_preview(request, pk: int, position: int):
    """One module exactly as a student's player shows it, with answer boxes that save nothing."""
    require_teacher(request.user)
    lesson = lesson_for_reader(request.user, pk)
    modules = list(lesson.modules.only("pk", "position", "title", "kind", "lesson_id"))
    current = next((m for m in modules if m.position == position), None)
    if current is None:
        raise Http404("No such module")
    index = modules.index(current)
    module = module_content(current)
    ctx = {
        "lesson": lesson,
        "modules": modules,
        "module": module,
        "full_module": module,
        "questions": module.questions.all(),
        "previous": modules[index - 1] if index > 0 else None,
        "next": modules[index + 1] if index + 1 < len(modules) else None,
        "step": index + 1,
        "percent": round(100 * (index + 1) / len(modules)),
        # The player's own includes, told that nothing may be posted from here.
        "preview": True,
        "accepts_work": False,
        "posted": False,
        "submission": Submission(status=Submission.Status.DRAFT),
        # Only those who may author the lesson are offered the way back to its editor.
        "editor_url": lesson_edit_url(lesson)
        if lessons_authorable_by(request.user).filter(pk=lesson.pk).exists()
        else None,
    }
    return render(request, "studio/publish/preview.html", ctx)


def _checklist_page(request, lesson, *, problems=None, status: int = 200, **extra):
    items = lesson_checklist(lesson) if problems is None else checklist_items_for(lesson, problems)
    ctx = {
        "lesson": lesson,
        "items": items,
        "rules": RULES,
        "first_module": lesson.modules.order_by("position")
        .values_list("position", flat=True)
        .first(),
        "compared_with": lesson_compared_with(lesson),
        "draft_version": lesson_draft_version_of(lesson=lesson) if not lesson.is_editable else None,
        "editor_url": lesson_edit_url(lesson),
        **extra,
    }
    return render(request, "studio/publish/checklist.html", ctx, status=status)


@require_GET
@login_required
def lesson_checklist_view(request, pk: int):
    """The publish rules run on the lesson, each problem linked to where it is fixed."""
    lesson = _authored_lesson(request, pk)
    return _checklist_page(request, lesson)


@require_http_methods(["GET", "POST"])
@login_required
def lesson_publish(request, pk: int):
    """GET asks for confirmation; POST publishes, running the rules again in the transaction."""
    lesson = _authored_lesson(request, pk)
    if request.method == "GET":
        items = lesson_checklist(lesson)
        if items or not lesson.is_editable:
            return _checklist_page(request, lesson, problems=[i.problem for i in items])
        return render(request, "studio/publish/publish_confirm.html", {"lesson": lesson})
    try:
        published = services.lesson_publish(lesson=lesson)
    except PublishRefused as refused:
        if not lesson.is_editable:
            return _checklist_page(request, lesson, status=400, error=refused.problems[0])
        return _checklist_page(request, lesson, problems=refused.problems, status=400, refused=True)
    if published.owner_id:
        messages.success(
            request,
            f"Published “{published.title}” for your own classes. "
            "Only you see it in the catalogue.",
        )
    else:
        messages.success(request, f"Published “{published.title}” for every teacher.")
    return redirect("studio:lesson-checklist", pk=published.pk)


@require_POST
@login_required
def lesson_new_version(request, pk: int):
    """A draft copy of a published or archived lesson, to change without touching it."""
    lesson = _authored_lesson(request, pk)
    if lesson.is_editable:
        return _checklist_page(
            request,
            lesson,
            status=400,
            error=f"“{lesson.title}” is already a draft: change it in the editor.",
        )
    existing = lesson_draft_version_of(lesson=lesson)
    if existing is not None:
        messages.info(
            request,
            f"Version {existing.version} of “{existing.title}” is already a draft: "
            "carry on with it.",
        )
        return redirect(lesson_edit_url(existing))
    copy = services.lesson_new_version(lesson=lesson)
    messages.success(
        request,
        f"Made version {copy.version} of “{copy.title}” as a draft. "
        f"Version {lesson.version} stays as it is until this one is published.",
    )
    return redirect(lesson_edit_url(copy))


@require_http_methods(["GET", "POST"])
@login_required
def lesson_archive(request, pk: int):
    """GET asks for confirmation; POST takes a published lesson out of the catalogue."""
    lesson = _authored_lesson(request, pk)
    if request.method == "GET":
        if lesson.status != lesson.Status.PUBLISHED:
            return _checklist_page(request, lesson)
        return render(request, "studio/publish/archive_confirm.html", {"lesson": lesson})
    try:
        services.lesson_archive(lesson=lesson)
    except ValidationError as error:
        return _checklist_page(request, lesson, status=400, error=" ".join(error.messages))
    messages.success(
        request,
        f"Archived “{lesson.title}”. It is no longer offered, and classes it is assigned to "
        "keep it.",
    )
    return redirect("studio:lesson-checklist", pk=lesson.pk)


@require_POST
@login_required
def lesson_copy(request, pk: int):
    """The teacher's own private draft of a published lesson, opened in the studio."""
    require_teacher(request.user)
    lesson = lesson_for_reader(request.user, pk)
    try:
        copy = services.lesson_copy_for_teacher(lesson=lesson, teacher=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        response = redirect(lesson)
        response.status_code = 303
        return response
    messages.success(
        request,
        f"Made your own copy of “{copy.title}”. Only you can see it: change it, check it and "
        "publish it for your classes.",
    )
    return redirect(lesson_edit_url(copy))


@require_GET
@login_required
def lesson_changes_view(request, pk: int):
    """What this draft changes against the version it was made from."""
    lesson = _authored_lesson(request, pk)
    before = lesson_compared_with(lesson)
    ctx = {
        "lesson": lesson,
        "before": before,
        "changes": lesson_changes(before=before, after=lesson) if before else None,
        "editor_url": lesson_edit_url(lesson),
    }
    return render(request, "studio/publish/changes.html", ctx)
