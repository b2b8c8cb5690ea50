"""One module in the lesson editor: its title and text, the excerpts it shows (picked from
excerpts of the lesson's documents) and its guiding questions with their skills.

Every write here is checked against the module's revision (see studio/services.py) and is
answered as in studio/editor.py: under htmx, by the section it saved (the module's text, its
excerpts, its questions, or the one question whose form was saved).
"""

from functools import partial

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
from .editor import OTHER, attempt, editor_render, first_error, read_only_refusal
from .forms import ExcerptPickForm, ModuleFieldsForm, MoveForm, QuestionForm, RevisionForm

STALE = (
    "Not saved: this page was out of date. Someone saved this module after the page was "
    "loaded, so nothing was overwritten."
)
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


def _refused(request, lesson, module, *, section: str, asked: str = "", **page):
    """Refusals that show the module as stored, with what the author asked for beside it."""

    def refused(*, status, problem, stale=None):
        if stale is None:
            return module_page(
                request, lesson, module, status=status, problem=problem, section=section, **page
            )
        conflict = [("Your change", "", asked)] if asked else None
        return module_page(
            request,
            lesson,
            stale,
            status=status,
            problem=STALE,
            conflict=conflict,
            section=section,
        )

    return refused


def _lesson_and_module(request, pk: int, module_pk: int) -> tuple[Lesson, Module]:
    lesson = lesson_for_author(request.user, pk)
    return lesson, module_of(lesson, module_pk)


def _read_only(request, lesson: Lesson, module: Module, section: str) -> HttpResponse | None:
    return read_only_refusal(lesson, partial(module_page, request, lesson, module, section=section))


@require_http_methods(["GET", "POST"])
@login_required
def module_edit(request, pk: int, module_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if request.method == "GET":
        return module_page(request, lesson, module)
    if refusal := _read_only(request, lesson, module, "text"):
        return refusal
    form = ModuleFieldsForm(request.POST, module=module)
    if not form.is_valid():
        return module_page(
            request,
            lesson,
            module,
            section="text",
            status=400,
            form=form,
            problem=first_error(form),
        )
    typed = form.fields_data()

    def refused(*, status, problem, stale=None):
        if stale is None:
            return module_page(
                request, lesson, module, section="text", status=status, form=form, problem=problem
            )
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
            problem=STALE,
            conflict=conflict,
        )

    write = partial(
        services.module_fields_save,
        module=module,
        revision=form.cleaned_data["revision"],
        fields=typed,
    )
    return attempt(write, refused) or _saved(
        request,
        lesson,
        module,
        "Module saved.",
        section="text",
        revision=form.cleaned_data["revision"],
    )


# Excerpts --------------------------------------------------------------------------------


@require_POST
@login_required
def excerpt_add(request, pk: int, module_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if refusal := _read_only(request, lesson, module, "excerpts"):
        return refusal
    form = ExcerptPickForm(request.POST, choices=services.excerpts_to_pick(module))
    if not form.is_valid():
        return module_page(
            request, lesson, module, section="excerpts", status=400, problem=first_error(form)
        )
    source = form.cleaned_data["excerpt"]
    asked = f"add the excerpt “{source.text[:80]}” ({source.speaker})"
    write = partial(
        services.excerpt_add, module=module, revision=form.cleaned_data["revision"], source=source
    )
    return attempt(
        write, _refused(request, lesson, module, section="excerpts", asked=asked)
    ) or _saved(
        request,
        lesson,
        module,
        "Excerpt added.",
        section="excerpts",
        revision=form.cleaned_data["revision"],
        focus="excerpts",
    )


def _excerpt_of(module: Module, excerpt_pk: int) -> Excerpt:
    excerpt = module.excerpts.filter(pk=excerpt_pk).first()
    if excerpt is None:
        raise Http404("No such excerpt in this module")
    return excerpt


@require_POST
@login_required
def excerpt_remove(request, pk: int, module_pk: int, excerpt_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if refusal := _read_only(request, lesson, module, "excerpts"):
        return refusal
    excerpt = _excerpt_of(module, excerpt_pk)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return module_page(
            request, lesson, module, section="excerpts", status=400, problem=first_error(form)
        )
    asked = f"remove the excerpt “{excerpt.text[:80]}”"
    write = partial(
        services.excerpt_remove,
        module=module,
        revision=form.cleaned_data["revision"],
        excerpt=excerpt,
    )
    return attempt(
        write, _refused(request, lesson, module, section="excerpts", asked=asked)
    ) or _saved(
        request,
        lesson,
        module,
        "Excerpt removed from the module.",
        section="excerpts",
        revision=form.cleaned_data["revision"],
        focus="excerpts",
    )


@require_POST
@login_required
def excerpt_move(request, pk: int, module_pk: int, excerpt_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if refusal := _read_only(request, lesson, module, "excerpts"):
        return refusal
    excerpt = _excerpt_of(module, excerpt_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return module_page(
            request, lesson, module, section="excerpts", status=400, problem=first_error(form)
        )
    direction = form.cleaned_data["direction"]
    asked = f"move the excerpt “{excerpt.text[:80]}” {direction}"
    write = partial(
        services.excerpt_move,
        module=module,
        revision=form.cleaned_data["revision"],
        excerpt=excerpt,
        direction=direction,
    )
    return attempt(
        write, _refused(request, lesson, module, section="excerpts", asked=asked)
    ) or _saved(
        request,
        lesson,
        module,
        f"Excerpt moved {direction}.",
        section="excerpts",
        revision=form.cleaned_data["revision"],
        focus=f"excerpt-{direction}-{excerpt.pk} excerpt-{OTHER[direction]}-{excerpt.pk} excerpts",
    )


# Questions -------------------------------------------------------------------------------


def _question_of(module: Module, question_pk: int) -> Question:
    question = module.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404("No such question in this module")
    return question


@require_POST
@login_required
def question_add(request, pk: int, module_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if refusal := _read_only(request, lesson, module, "questions"):
        return refusal
    excerpts = list(module.excerpts.all())
    form = QuestionForm(request.POST, module=module, excerpts=excerpts, prefix="new")
    if not form.is_valid():
        return module_page(
            request,
            lesson,
            module,
            section="questions",
            status=400,
            new_question=form,
            problem=first_error(form),
        )
    data = form.cleaned_data
    write = partial(
        services.question_add,
        module=module,
        revision=data["revision"],
        text=data["text"],
        skill=data["skill"],
        excerpt=data["excerpt"],
    )
    asked = f"add the question “{data['text']}”"
    return attempt(
        write,
        _refused(request, lesson, module, section="questions", asked=asked, new_question=form),
    ) or (
        _saved(
            request,
            lesson,
            module,
            "Question added.",
            section="questions",
            revision=data["revision"],
            focus="questions",
        )
    )


@require_POST
@login_required
def question_edit(request, pk: int, module_pk: int, question_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if refusal := _read_only(request, lesson, module, "questions"):
        return refusal
    question = _question_of(module, question_pk)
    excerpts = list(module.excerpts.all())
    prefix = f"q{question.pk}"
    form = QuestionForm(request.POST, module=module, excerpts=excerpts, prefix=prefix)
    if not form.is_valid():
        return module_page(
            request,
            lesson,
            module,
            section=f"question-{question.pk}",
            status=400,
            question_forms={question.pk: form},
            problem=first_error(form),
        )
    data = form.cleaned_data

    def refused(*, status, problem, stale=None):
        if stale is None:
            return module_page(
                request,
                lesson,
                module,
                section=f"question-{question.pk}",
                status=status,
                question_forms={question.pk: form},
                problem=problem,
            )
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
            section=f"question-{question.pk}",
            status=status,
            question_forms=again,
            problem=STALE,
            conflict=conflict,
        )

    write = partial(
        services.question_save,
        module=module,
        revision=data["revision"],
        question=question,
        text=data["text"],
        skill=data["skill"],
        excerpt=data["excerpt"],
    )
    return attempt(write, refused) or _saved(
        request,
        lesson,
        module,
        "Question saved.",
        section=f"question-{question.pk}",
        revision=data["revision"],
        focus=f"question-{question.pk}",
    )


@require_http_methods(["GET", "POST"])
@login_required
def question_remove(request, pk: int, module_pk: int, question_pk: int):
    """A page asking to confirm, then the deletion."""
    lesson, module = _lesson_and_module(request, pk, module_pk)
    question = _question_of(module, question_pk)
    ctx = {"lesson": lesson, "module": module, "question": question, "revision": module.revision}
    if request.method == "GET":
        return render(request, "studio/editor/question_remove.html", ctx)
    if refusal := _read_only(request, lesson, module, "questions"):
        return refusal
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "studio/editor/question_remove.html",
            {**ctx, "problem": first_error(form)},
            status=400,
        )
    asked = f"delete the question “{question.text[:80]}”"
    write = partial(
        services.question_remove,
        module=module,
        revision=form.cleaned_data["revision"],
        question=question,
    )
    return attempt(write, _refused(request, lesson, module, section="questions", asked=asked)) or (
        _saved(
            request,
            lesson,
            module,
            "Question deleted.",
            section="questions",
            revision=form.cleaned_data["revision"],
            focus="questions",
        )
    )


@require_POST
@login_required
def question_move(request, pk: int, module_pk: int, question_pk: int):
    lesson, module = _lesson_and_module(request, pk, module_pk)
    if refusal := _read_only(request, lesson, module, "questions"):
        return refusal
    question = _question_of(module, question_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return module_page(
            request, lesson, module, section="questions", status=400, problem=first_error(form)
        )
    direction = form.cleaned_data["direction"]
    asked = f"move the question “{question.text[:80]}” {direction}"
    write = partial(
        services.question_move,
        module=module,
        revision=form.cleaned_data["revision"],
        question=question,
        direction=direction,
    )
    return attempt(
        write, _refused(request, lesson, module, section="questions", asked=asked)
    ) or _saved(
        request,
        lesson,
        module,
        f"Question moved {direction}.",
        section="questions",
        revision=form.cleaned_data["revision"],
        focus=f"question-{direction}-{question.pk} question-{OTHER[direction]}-{question.pk} "
        "questions",
    )
