from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import classrooms_visible_to
from config.feedback import refusal_show
from studio.access import can_author_school_lessons, may_author
from studio.publishing import studio_url

from .access import (
    document_for_reader,
    lesson_for_reader,
    lessons_offered_to,
    require_teacher,
)
from .forms import CatalogueSearchForm, LessonAssignForm
from .models import Excerpt, Lesson, Question, Skill, SourcedFact, SourceDocument
from .passages import paragraphs_with_mark


def _catalogue_search(lessons, data: dict):
    """The lessons matching every filled field of the search form."""
    if data.get("title"):
        lessons = lessons.filter(title__icontains=data["title"].strip())
    for word in (data.get("topic") or "").split():
        lessons = lessons.filter(Q(central_question__icontains=word) | Q(summary__icontains=word))
    start, end = data.get("era_from"), data.get("era_to")
    if start is not None or end is not None:
        facts = SourcedFact.objects.filter(module__lesson=OuterRef("pk"), year__isnull=False)
        if start is not None:
            facts = facts.filter(year__gte=start)
        if end is not None:
            facts = facts.filter(year__lte=end)
        lessons = lessons.filter(Exists(facts))
    if data.get("skill"):
        questions = Question.objects.filter(module__lesson=OuterRef("pk"), skill=data["skill"])
        lessons = lessons.filter(Exists(questions))
    return lessons


@require_GET
@login_required
def lesson_list(request):
    """The catalogue: published lessons to search, read, copy and assign."""
    require_teacher(request.user)
    form = CatalogueSearchForm(request.GET or None)
    lessons = lessons_offered_to(request.user)
    status = 200
    if form.is_bound:
        if form.is_valid():
            lessons = _catalogue_search(lessons, form.cleaned_data)
        else:
            status = 400
            lessons = lessons.none()
    lessons = list(
        lessons.annotate(
            module_count=Count("modules", distinct=True),
            era_start=Min("modules__facts__year"),
            era_end=Max("modules__facts__year"),
        )
        .prefetch_related(
            Prefetch("documents", queryset=SourceDocument.objects.only("pk", "title"))
        )
        .order_by("title", "-version")
    )
    skills = {}
    for lesson_id, skill in (
        Question.objects.filter(module__lesson__in=[lesson.pk for lesson in lessons])
        .values_list("module__lesson_id", "skill")
        .distinct()
    ):
        skills.setdefault(lesson_id, set()).add(skill)
    for lesson in lessons:
        lesson.skill_names = [
            label for value, label in Skill.choices if value in skills.get(lesson.pk, ())
        ]
    ctx = {
        "lessons": lessons,
        "form": form if form.is_bound else CatalogueSearchForm(),
        "searched": form.is_bound,
        "may_author": can_author_school_lessons(request.user),
        "studio_url": studio_url("lesson-list"),
    }
    return render(request, "lessons/lesson_list.html", ctx, status=status)


@require_GET
@login_required
def lesson_detail(request, pk: int):
    require_teacher(request.user)
    lesson = lesson_for_reader(request.user, pk)
    # A query with GROUP BY ignores Meta.ordering, so the order is stated.
    modules = lesson.modules.annotate(
        question_count=Count("questions", distinct=True),
        excerpt_count=Count("excerpts", distinct=True),
    ).order_by("position")
    user = request.user
    ctx = {
        "lesson": lesson,
        "modules": modules,
        "documents": lesson.documents.defer("raw_text", "cleaned_text", "report"),
        "offered": lesson.status == Lesson.Status.PUBLISHED
        and (lesson.owner_id is None or lesson.owner_id == user.pk),
        "may_author": may_author(user, lesson),
        "editor_url": studio_url("lesson-edit", lesson.pk),
    }
    return render(request, "lessons/lesson_detail.html", ctx)


@require_GET
@login_required
def lesson_preview(request, pk: int, position: int):
    """The preview moved to the studio; old links still arrive there."""
    return redirect("studio:lesson-preview", pk=pk, position=position, permanent=True)


@require_http_methods(["GET", "POST"])
@login_required
def lesson_assign(request, pk: int):
    """Assign one lesson: choose a class and dates, saved by coursework's own service."""
    from coursework import services as coursework_services

    require_teacher(request.user)
    lesson = lesson_for_reader(request.user, pk)
    if not lessons_offered_to(request.user).filter(pk=lesson.pk).exists():
        raise Http404("This lesson is not offered for assigning")
    classrooms = classrooms_visible_to(request.user).filter(archived=False).order_by("name")
    form = LessonAssignForm(request.POST or None, classrooms=classrooms)
    if request.method == "POST":
        if form.is_valid():
            classroom = form.cleaned_data["classroom"]
            try:
                coursework_services.assignment_create(
                    classroom=classroom,
                    lesson=lesson,
                    teacher=request.user,
                    opens_at=form.cleaned_data["opens_at"],
                    due_at=form.cleaned_data["due_at"],
                )
            except ValidationError as error:
                refusal_show(request, error, form=form)
            else:
                messages.success(request, f"Assigned “{lesson.title}” to {classroom.name}.")
                return redirect(classroom)
        status = 400
    else:
        status = 200
    ctx = {"lesson": lesson, "form": form, "has_classes": classrooms.exists()}
    return render(request, "lessons/lesson_assign.html", ctx, status=status)


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
        "paragraphs": paragraphs_with_mark(
            document.cleaned_text, start, end, document.editor_notes.all()
        ),
        "references": document.references.all(),
    }
    return render(request, "lessons/document_detail.html", ctx)
