"""One module in the lesson editor: its title and text, the excerpts it shows (picked from
excerpts of the lesson's documents) and its guiding questions with their skills.

Every write here is checked against the module's revision (see studio/services.py) and is
answered as in studio/editor.py: under htmx, by the section it saved (the module's text, its
excerpts, its questions, or the one question whose form was saved).
"""

from collections.abc import Callable
from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import retarget

from lessons.models import Excerpt, Lesson, Module, Question

from . import services
from .access import lesson_for_author, module_of
from .editor import (
    OTHER,
    Change,
    confirm_again,
    editor_render,
    read_only_refusal,
    submit,
)
from .forms import ExcerptPickForm, ModuleFieldsForm, MoveForm, QuestionForm, RevisionForm

LIGHT_DOCUMENT = ("document__raw_text", "document__cleaned_text", "document__report")


def _module_with_content(module: Module) -> Module:
    excerpts = Excerpt.objects.select_related("document").defer(*LIGHT_DOCUMENT)
    return (
        Module.objects.filter(pk=module.pk)
        .select_related("lesson", "rubric")
        .prefetch_related(
            Prefetch("excerpts", queryset=excerpts),
            Prefetch("questions", queryset=Question.objects.select_related("excerpt")),
        )
        .get()
    )


def module_page(
    request,
    lesson: Lesson,
    module: Module,
    *,
    status: int = 200,
    form: ModuleFieldsForm | None = None,
    question_forms: dict | None = None,
    new_question: QuestionForm | None = None,
    problem: str = "",
    conflict: list | None = None,
    focus: str = "",
    saved: str = "",
    section: str = "",
    revision: int | None = None,
) -> HttpResponse:
    """The module's page, or under htmx its `section`: "text", "excerpts", "questions" or
    "question-<pk>". After a save, `revision` is the one the save was made at."""
    module = _module_with_content(module)
    if revision is not None:
        # The forms carry the revision this save made, never a later one another author's
        # save would have made (which this page has not shown).
        module.revision = revision + 1
    excerpts = list(module.excerpts.all())
    questions = list(module.questions.all())
    question_forms = question_forms or {}
    here = reverse("studio:module-edit", args=[lesson.pk, module.pk])
    items = [
        {
            "question": q,
            "form": question_forms.get(q.pk)
            or QuestionForm.for_question(q, module, excerpts=excerpts, prefix=f"q{q.pk}"),
            "number": number,
            "first": number == 1,
            "last": number == len(questions),
        }
        for number, q in enumerate(questions, start=1)
    ]
    partial_name, one = section, None
    if section.startswith("question-"):
        wanted = int(section.removeprefix("question-"))
        one = next((item for item in items if item["question"].pk == wanted), None)
        partial_name = "question" if one else "questions"
    ctx = {
        "lesson": lesson,
        "module": module,
        "here": here,
        "excerpts": excerpts,
        "questions": items,
        "item": one,
        "form": form or ModuleFieldsForm.for_module(module),
        "pick_form": ExcerptPickForm(
            initial={"revision": module.revision},
            choices=services.excerpts_to_pick(module),
        ),
        "documents": lesson.documents.defer("raw_text", "cleaned_text", "report"),
        "problem": problem,
        "conflict": conflict,
        "focus": focus,
        "saved": saved,
        "revision_was": revision,
        "revision_now": module.revision,
        "takes_excerpts": module.kind != Module.Kind.ASSIGNMENT or bool(excerpts),
    }
    ctx["new_question"] = new_question or QuestionForm(
        initial={"revision": module.revision}, module=module, excerpts=excerpts, prefix="new"
    )
    if section == "excerpts" and lesson.is_editable:
        # The questions' "About" choices list the module's excerpts, which just changed.
        ctx["choice_forms"] = [item["form"] for item in items] + [ctx["new_question"]]
    response = editor_render(
        request, "module_edit", ctx, status=status, section=partial_name, title=section == "text"
    )
    if request.htmx and partial_name == "questions" and section != "questions":
        # The question whose form was sent is gone: its whole list is answered instead.
        retarget(response, "#questions")
    return response


def _saved(
    request, lesson, module, message: str, *, section: str, revision: int, focus: str = ""
) -> HttpResponse:
    if request.htmx:
        return module_page(
            request, lesson, module, focus=focus, saved=message, section=section, revision=revision
        )
    messages.success(request, message)
    url = reverse("studio:module-edit", args=[lesson.pk, module.pk])
    return redirect(f"{url}#{focus.split()[-1]}" if focus else url)


def _lesson_and_module(request, pk: int, module_pk: int) -> tuple[Lesson, Module]:
    lesson = lesson_for_author(request.user, pk)
    return lesson, module_of(lesson, module_pk)


def _module_change(
    request,
    lesson: Lesson,
    module: Module,
    sent,
    change: Callable[[dict], Change],
    *,
    section: str,
    invalid=None,
    stale_page: Callable[..., HttpResponse] | None = None,
    **page,
) -> HttpResponse:
    """A write to the module from the form `sent`, answered by its `section`. A refusal
    shows the module as stored with what the author asked for beside it (or
    `stale_page(stale, status=..., problem=...)` for a page older than the module); `page`
    goes to every page shown."""
    shown = partial(module_page, request, lesson, module, section=section, **page)

    def refused(asked: str):
        def answer(*, status, problem, stale=None):
            if stale is None:
                return shown(status=status, problem=problem)
            if stale_page is not None:
                return stale_page(stale, status=status, problem=problem)
            conflict = [("Your change", "", asked)] if asked else None
            return module_page(
                request,
                lesson,
                stale,
                status=status,
                problem=problem,
                conflict=conflict,
                section=section,
            )

        return answer

    def saved(wanted: Change, revision: int) -> HttpResponse:
        return _saved(
            request,
            lesson,
            module,
            wanted.saved,
            section=section,
            revision=revision,
            focus=wanted.focus_after,
        )

    return submit(sent, change, invalid=invalid or shown, refused=refused, saved=saved)


def module_write(section: str, find: Callable | None = None):
    """A POST to one module of a lesson the author may open: refused (403) for a lesson that
    is no longer a draft, else the view is given the lesson, the module and, with `find`,
    the module's item named in the address (404 for any other)."""

    def decorate(view):
        @require_POST
        @login_required
        @wraps(view)
        def checked(request, pk: int, module_pk: int, **item):
            lesson, module = _lesson_and_module(request, pk, module_pk)
            shown = partial(module_page, request, lesson, module, section=section)
            if refusal := read_only_refusal(lesson, shown):
                return refusal
            found = [find(module, *item.values())] if find else []
            return view(request, lesson, module, *found)

        return checked

    return decorate


@require_http_methods(["GET", "POST"])
@login_required
def module_edit(request, pk: int, module_pk: int):
    if request.method == "POST":
        return _module_fields_save(request, pk=pk, module_pk=module_pk)
    lesson, module = _lesson_and_module(request, pk, module_pk)
    return module_page(request, lesson, module)


@module_write("text")
def _module_fields_save(request, lesson: Lesson, module: Module):
    form = ModuleFieldsForm(request.POST, module=module)

    def stale_page(stale: Module, *, status: int, problem: str) -> HttpResponse:
        typed = form.fields_data()
        conflict = [
            (form.fields[name].label or name.capitalize(), getattr(stale, name), value)
            for name, value in vars(typed).items()
            if name in form.fields and getattr(stale, name) != value
        ]
        data = request.POST.copy()
        data["revision"] = str(stale.revision)
        again = ModuleFieldsForm(data, module=stale)
        return module_page(
            request,
            lesson,
            stale,
            section="text",
            status=status,
            form=again,
            problem=problem,
            conflict=conflict,
        )

    def change(data: dict) -> Change:
        write = partial(services.module_fields_save, module=module, fields=form.fields_data())
        return Change(write, asked="", saved="Module saved.")

    return _module_change(
        request, lesson, module, form, change, section="text", stale_page=stale_page, form=form
    )


# Excerpts --------------------------------------------------------------------------------


def _item_of(items, pk: int, noun: str):
    """One of the module's own excerpts or questions; 404 for any other."""
    item = items.filter(pk=pk).first()
    if item is None:
        raise Http404(f"No such {noun} in this module")
    return item


def _excerpt_of(module: Module, excerpt_pk: int) -> Excerpt:
    return _item_of(module.excerpts, excerpt_pk, "excerpt")


@module_write("excerpts")
def excerpt_add(request, lesson: Lesson, module: Module):
    form = ExcerptPickForm(request.POST, choices=services.excerpts_to_pick(module))

    def change(data: dict) -> Change:
        source = data["excerpt"]
        return Change(
            partial(services.excerpt_add, module=module, source=source),
            asked=f"add the excerpt “{source.text[:80]}” ({source.speaker})",
            saved="Excerpt added.",
            focus="excerpts",
        )

    return _module_change(request, lesson, module, form, change, section="excerpts")


@module_write("excerpts", find=_excerpt_of)
def excerpt_remove(request, lesson: Lesson, module: Module, excerpt: Excerpt):
    return _removed(
        request,
        lesson,
        module,
        excerpt,
        services.excerpt_remove,
        verb="remove",
        saved="Excerpt removed from the module.",
    )


def _removed(request, lesson, module, item: Excerpt | Question, remove, *, verb, saved, **page):
    """An excerpt or a question taken out of the module; focus goes to the list."""
    noun = type(item).__name__.lower()
    section = f"{noun}s"

    def change(data: dict) -> Change:
        return Change(
            partial(remove, module=module, **{noun: item}),
            asked=f"{verb} the {noun} “{item.text[:80]}”",
            saved=saved,
            focus=section,
        )

    form = RevisionForm(request.POST)
    return _module_change(request, lesson, module, form, change, section=section, **page)


@module_write("excerpts", find=_excerpt_of)
def excerpt_move(request, lesson: Lesson, module: Module, excerpt: Excerpt):
    return _moved(request, lesson, module, excerpt, services.excerpt_move)


def _moved(request, lesson: Lesson, module: Module, item: Excerpt | Question, move):
    """An excerpt or a question one place up or down; focus stays on the button used."""
    noun = type(item).__name__.lower()
    section = f"{noun}s"

    def change(data: dict) -> Change:
        direction = data["direction"]
        return Change(
            partial(move, module=module, direction=direction, **{noun: item}),
            asked=f"move the {noun} “{item.text[:80]}” {direction}",
            saved=f"{noun.capitalize()} moved {direction}.",
            focus=f"{noun}-{direction}-{item.pk} {noun}-{OTHER[direction]}-{item.pk} {section}",
        )

    return _module_change(request, lesson, module, MoveForm(request.POST), change, section=section)


# Questions -------------------------------------------------------------------------------


def _question_of(module: Module, question_pk: int) -> Question:
    return _item_of(module.questions, question_pk, "question")


@module_write("questions")
def question_add(request, lesson: Lesson, module: Module):
    excerpts = list(module.excerpts.all())
    form = QuestionForm(request.POST, module=module, excerpts=excerpts, prefix="new")

    def change(data: dict) -> Change:
        write = partial(
            services.question_add,
            module=module,
            text=data["text"],
            skill=data["skill"],
            excerpt=data["excerpt"],
        )
        return Change(
            write,
            asked=f"add the question “{data['text']}”",
            saved="Question added.",
            focus="questions",
        )

    return _module_change(
        request, lesson, module, form, change, section="questions", new_question=form
    )


@module_write("questions", find=_question_of)
def question_edit(request, lesson: Lesson, module: Module, question: Question):
    excerpts = list(module.excerpts.all())
    prefix = f"q{question.pk}"
    form = QuestionForm(request.POST, module=module, excerpts=excerpts, prefix=prefix)
    section = f"question-{question.pk}"

    def stale_page(stale: Module, *, status: int, problem: str) -> HttpResponse:
        data = form.cleaned_data
        stored = stale.questions.filter(pk=question.pk).first()
        conflict = [("Question", stored.text if stored else "(removed)", data["text"])]
        if stored is not None and stored.skill != data["skill"]:
            conflict.append(("Skill", stored.get_skill_display(), data["skill"]))
        again = {}
        if stored is not None:
            posted = request.POST.copy()
            posted[f"{prefix}-revision"] = str(stale.revision)
            again = {
                question.pk: QuestionForm(posted, module=stale, excerpts=excerpts, prefix=prefix)
            }
        return module_page(
            request,
            lesson,
            stale,
            section=section,
            status=status,
            question_forms=again,
            problem=problem,
            conflict=conflict,
        )

    def change(data: dict) -> Change:
        write = partial(
            services.question_save,
            module=module,
            question=question,
            text=data["text"],
            skill=data["skill"],
            excerpt=data["excerpt"],
        )
        return Change(write, asked="", saved="Question saved.", focus=section)

    return _module_change(
        request,
        lesson,
        module,
        form,
        change,
        section=section,
        stale_page=stale_page,
        question_forms={question.pk: form},
    )


def _question_remove_context(lesson: Lesson, module: Module, question: Question) -> dict:
    return {"lesson": lesson, "module": module, "question": question, "revision": module.revision}


@require_http_methods(["GET", "POST"])
@login_required
def question_remove(request, pk: int, module_pk: int, question_pk: int):
    """A page asking to confirm, then the deletion."""
    if request.method == "POST":
        return _question_delete(request, pk=pk, module_pk=module_pk, question_pk=question_pk)
    lesson, module = _lesson_and_module(request, pk, module_pk)
    ctx = _question_remove_context(lesson, module, _question_of(module, question_pk))
    return render(request, "studio/editor/question_remove.html", ctx)


@module_write("questions", find=_question_of)
def _question_delete(request, lesson: Lesson, module: Module, question: Question):
    ctx = _question_remove_context(lesson, module, question)
    return _removed(
        request,
        lesson,
        module,
        question,
        services.question_remove,
        verb="delete",
        saved="Question deleted.",
        invalid=partial(confirm_again, request, "studio/editor/question_remove.html", ctx),
    )


@module_write("questions", find=_question_of)
def question_move(request, lesson: Lesson, module: Module, question: Question):
    return _moved(request, lesson, module, question, services.question_move)
