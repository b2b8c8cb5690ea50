from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .access import document_for_reader, lesson_for_reader, lessons_visible_to, require_teacher
from .models import Excerpt, SourcedFact
from .passages import paragraphs_with_mark
from .selectors import module_content
from .services import lesson_publish_problems


@require_GET
@login_required
def lesson_list(request):
    require_teacher(request.user)
    lessons = (
        lessons_visible_to(request.user)
        .annotate(module_count=Count("modules"))
        .order_by("status", "title", "-version")
    )
    return render(request, "lessons/lesson_list.html", {"lessons": lessons})


@require_GET
@login_required
def lesson_detail(request, pk: int):
    require_teacher(request.user)
    lesson = lesson_for_reader(request.user, pk)
    modules = lesson.modules.annotate(
        question_count=Count("questions", distinct=True),
        excerpt_count=Count("excerpts", distinct=True),
    )
    ctx = {
        "lesson": lesson,
        "modules": modules,
        "documents": lesson.documents.defer("raw_text", "cleaned_text", "report"),
        "problems": lesson_publish_problems(lesson=lesson) if lesson.is_editable else [],
    }
    return render(request, "lessons/lesson_detail.html", ctx)


@require_GET
@login_required
def lesson_preview(request, pk: int, position: int):
    require_teacher(request.user)
    lesson = lesson_for_reader(request.user, pk)
    modules = list(lesson.modules.only("pk", "position", "title", "kind", "lesson_id"))
    current = next((m for m in modules if m.position == position), None)
    if current is None:
        raise Http404("No such module")
    index = modules.index(current)
    ctx = {
        "lesson": lesson,
        "modules": modules,
        "module": module_content(current),
        "previous": modules[index - 1] if index > 0 else None,
        "next": modules[index + 1] if index + 1 < len(modules) else None,
        "step": index + 1,
        "percent": round(100 * (index + 1) / len(modules)),
    }
    return render(request, "lessons/lesson_preview.html", ctx)


@require_GET
@login_required
def document_detail(request, pk: int):
    document = document_for_reader(request.user, pk)
    start = end = None
    marked = None
    if excerpt_id := request.GET.get("excerpt", "").strip():
        if not excerpt_id.isdigit():
            raise Http404("No such excerpt")
        marked = get_object_or_404(Excerpt, pk=int(excerpt_id), document=document)
    elif fact_id := request.GET.get("fact", "").strip():
        if not fact_id.isdigit():
            raise Http404("No such fact")
        marked = get_object_or_404(SourcedFact, pk=int(fact_id), document=document)
    if marked is not None:
        start, end = marked.start, marked.end
    ctx = {
        "document": document,
        "marked": marked,
        "paragraphs": paragraphs_with_mark(document.cleaned_text, start, end),
        "references": document.references.all(),
    }
    return render(request, "lessons/document_detail.html", ctx)
