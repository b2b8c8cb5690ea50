from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_POST

from accounts.access import classroom_for_teacher, classrooms_visible_to, with_student_counts
from accounts.pages import class_page
from config.feedback import refusal_show
from lessons.models import Module
from lessons.selectors import lesson_evidence, module_content

from . import services
from .access import (
    accepts_work,
    assignment_for_student,
    assignment_for_teacher,
    assignment_for_work_viewer,
    require_work_allowed,
    student_for_teacher,
)
from .dates import set_recipients
from .forms import AnswersForm, AssignForm, AssignmentDatesForm, DraftForm, PostForm
from .freshness import conditional_page, module_page_etag, module_page_tag, student_home_etag
from .models import Answer, Post, Progress, Submission
from .selectors import (
    LessonOutline,
    discussion_for_student,
    grade_returned_for,
    lesson_outline,
    module_states,
    student_home,
)


@require_GET
@login_required
@conditional_page(student_home_etag)
def home(request):
    """What to do next: a teacher's classes, or a student's lessons and classes."""
    if request.user.is_teacher or request.user.is_staff:
        classrooms = with_student_counts(classrooms_visible_to(request.user))
        ctx = {
            "classrooms": classrooms.filter(archived=False),
            "archived": classrooms.filter(archived=True),
        }
        return render(request, "coursework/home_teacher.html", ctx)
    # The rows its ETag was made from, when there is one. A student's class cards name the
    # teachers; they show no head count.
    ctx = student_home(request.user, getattr(request, "student_home_rows", None))
    return render(request, "coursework/home_student.html", ctx)


@require_POST
@login_required
def assignment_create(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    form = AssignForm(request.POST, user=request.user, classroom=classroom)
    if form.is_valid():
        try:
            with transaction.atomic():
                assignment = services.assignment_create(
                    classroom=classroom,
                    lesson=form.cleaned_data["lesson"],
                    teacher=request.user,
                    opens_at=form.cleaned_data["opens_at"],
                    due_at=form.cleaned_data["due_at"],
                )
                if not form.whole_class:
                    set_recipients(
                        assignment=assignment,
                        whole_class=False,
                        student_ids=[s.pk for s in form.cleaned_data["students"]],
                    )
        except ValidationError as error:
            refusal_show(request, error, form=form)
            if classroom.archived:  # its page has no assign form to show the error in
                for message in error.messages:
                    messages.error(request, message)
        else:
            given = (
                classroom.name
                if form.whole_class
                else f"{len(form.cleaned_data['students'])} students of {classroom.name}"
            )
            messages.success(request, f"Assigned “{assignment.lesson.title}” to {given}.")
            return redirect("accounts:class-assignments", pk=classroom.pk)
    return class_page(request, classroom, status=400, assign_form=form)


@require_POST
@login_required
def assignment_update(request, pk: int):
    assignment = assignment_for_teacher(request.user, pk)
    form = AssignmentDatesForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_update_dates(
                assignment=assignment,
                opens_at=form.cleaned_data["opens_at"],
                due_at=form.cleaned_data["due_at"],
            )
        except ValidationError as error:
            refusal_show(request, error, form=form)
        else:
            messages.success(request, f"Changed the dates of “{assignment.lesson.title}”.")
            return redirect("accounts:class-assignments", pk=assignment.classroom_id)
    for message in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, f"Dates not changed: {message}")
    return redirect("accounts:class-assignments", pk=assignment.classroom_id)


@require_POST
@login_required
def assignment_withdraw(request, pk: int):
    assignment = assignment_for_teacher(request.user, pk)
    services.assignment_withdraw(assignment=assignment)
    messages.success(
        request, f"Withdrew “{assignment.lesson.title}”. Students' work on it is kept."
    )
    return redirect("accounts:class-assignments", pk=assignment.classroom_id)


def _module_at(assignment, position: int) -> Module:
    """The module at `position` of the assignment's lesson, from the lesson's outline."""
    module = lesson_outline(assignment.lesson).module_at(position)
    if module is None:
        raise Http404("No such module")
    return module


def _work_in(request, pk: int, position: int, *, kind: str | None = None):
    """The student's open assignment and one of its modules, for a change to their work.

    404 for another class or a module of another kind; 403 once the class is archived.
    """
    assignment = assignment_for_student(request.user, pk)
    require_work_allowed(assignment)
    module = _module_at(assignment, position)
    if kind is not None and module.kind != kind:
        raise Http404("This module takes no such work")
    return assignment, module


@require_GET
@login_required
def player_resume(request, pk: int):
    """Open the lesson where the student stopped, or at its first module."""
    assignment = assignment_for_student(request.user, pk)
    visit = assignment.visits.filter(student=request.user).select_related("module").first()
    if visit is not None:
        position = visit.module.position
    else:
        first = assignment.lesson.modules.order_by("position").first()
        if first is None:
            raise Http404("This lesson has no modules")
        position = first.position
    return redirect("coursework:player-module", pk=assignment.pk, position=position)


def _module_url_maker(assignment):
    """A function of a module's position giving its player URL, reversed only once for the
    whole navigation (any number the URL could not otherwise hold marks the position)."""
    slot = 987654321
    url = reverse("coursework:player-module", args=[assignment.pk, slot])
    head, found, tail = url.rpartition(str(slot))
    if not found:
        return lambda position: reverse("coursework:player-module", args=[assignment.pk, position])
    return lambda position: f"{head}{position}{tail}"


_NAV_ITEM = (
    '<li class="state-{}">\n            <a href="{}"{}>{}</a>\n            {}\n          </li>'
)
_CURRENT = format_html(' {}="{}"', "aria-current", "step")


def _player_context(
    request,
    assignment,
    module,
    *,
    outline: LessonOutline | None = None,
    place: services.PlaceInLesson | None = None,
    submission: Submission | None = None,
    **extra,
):
    """The lesson player's context. What the caller already holds (the lesson's outline, the
    student's place in the lesson and written work) is not read again."""
    student = request.user
    if outline is None:
        outline = lesson_outline(assignment.lesson)
    modules = outline.modules
    questions = outline.questions_of(module)
    if place is None:
        states = dict(
            Progress.objects.filter(assignment=assignment, student=student).values_list(
                "module_id", "state"
            )
        )
    else:
        states = {module_id: p.state for module_id, p in place.progress.items()}
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    url_of = _module_url_maker(assignment)
    badges = {}
    for item in modules:
        item.state = states.get(item.pk, Progress.State.NOT_STARTED)
        item.url = url_of(item.position)
        if item.state not in badges:
            badges[item.state] = render_to_string(
                "coursework/state_badge.html", {"state": item.state}
            )
        item.badge = badges[item.state]
    # The navigation's rows, made here in one go rather than node by node in the template.
    shown = modules[index]
    nav = format_html_join(
        "\n",
        _NAV_ITEM,
        (
            (item.state, item.url, _CURRENT if item is shown else "", item.title, item.badge)
            for item in modules
        ),
    )
    complete = sum(1 for state in states.values() if state == Progress.State.COMPLETE)
    ctx = {
        "assignment": assignment,
        "lesson": assignment.lesson,
        "modules": modules,
        "nav": nav,
        "module": module,
        # Loaded only when the template's cached copy is missing (see player.html).
        "full_module": partial(module_content, module),
        "questions": questions,
        "previous": modules[index - 1] if index > 0 else None,
        "next": modules[index + 1] if index + 1 < len(modules) else None,
        "step": index + 1,
        "percent": round(100 * complete / len(modules)) if modules else 0,
        "complete_count": complete,
        "accepts_work": accepts_work(assignment),
    }
    if module.kind in services.ANSWERED_KINDS and questions:
        ctx["save_url"] = reverse(
            "coursework:answers-save", args=[assignment.pk, module.position]
        )
        ctx["answers"] = {
            row["question_id"]: row
            for row in Answer.objects.filter(
                assignment_id=assignment.pk,
                student_id=student.pk,
                question_id__in=[q.pk for q in questions],
            ).values("question_id", "text", "revision")
        }
    if module.kind == Module.Kind.DISCUSSION:
        ctx.update(discussion_for_student(assignment=assignment, module=module, student=student))
        ctx["post_form"] = PostForm()
    if module.kind == Module.Kind.ASSIGNMENT:
        if submission is None:
            submission = services.submission_for(
                assignment=assignment, student=student, module=module
            )
        ctx["submission"] = submission
        ctx["versions"] = list(submission.versions.select_related("grade"))
        latest = ctx["versions"][-1] if ctx["versions"] else None
        grade = getattr(latest, "grade", None)
        # Once the teacher has saved anything for the latest hand-in it stays handed in.
        ctx["unsubmit_version"] = (
            latest.number
            if latest is not None
            and submission.status == Submission.Status.SUBMITTED
            and not (grade is not None and grade.is_saved)
            else None
        )
        ctx["returned_grade"] = grade_returned_for(submission=submission)
        # Beside the writing: the lesson's excerpts and timeline (read only when the page's
        # cached copy is missing) and the student's own answers to quote from.
        ctx["evidence"] = partial(lesson_evidence, assignment.lesson_id)
        ctx["own_answers"] = list(
            Answer.objects.filter(assignment_id=assignment.pk, student_id=student.pk)
            .exclude(text="")
            .order_by("question__module__position", "question__position", "question_id")
            .values("question__text", "text")
        )
        ctx.setdefault(
            "draft_form",
            DraftForm(initial={"text": submission.text, "revision": submission.revision}),
        )
    ctx.update(extra)
    return ctx


@require_GET
@login_required
@conditional_page(module_page_etag, tagged_by_view=True)
def player_module(request, pk: int, position: int):
    student = request.user
    assignment = assignment_for_student(student, pk)
    outline = lesson_outline(assignment.lesson)
    module = outline.module_at(position)
    if module is None:
        raise Http404("No such module")
    # A writing module gets its draft's row on opening; making it changes the work stamp.
    submission = None
    if module.kind == Module.Kind.ASSIGNMENT:
        submission = services.submission_for(assignment=assignment, student=student, module=module)
    # The work stamp the ETag is made from is written (by recording the visit) or read before
    # anything the page shows of the student's work, so it is never newer than the page: a
    # change landing meanwhile makes the next request render again, never the other way.
    recorded = None
    if accepts_work(assignment):
        recorded = services.module_visit(
            assignment=assignment,
            student=student,
            module=module,
            has_questions=module.pk in outline.questions,
        )
    place = services.place_in_lesson(
        assignment=assignment, student=student, recorded_stamp=recorded
    )
    ctx = _player_context(
        request, assignment, module, outline=outline, place=place, submission=submission
    )
    etag = module_page_tag(
        request,
        assignment=assignment,
        module=module,
        place=place,
        editable=len(ctx.get("editable_ids", ())),
    )
    response = render(request, "coursework/player.html", ctx)
    if etag is None:
        response.withhold_etag = True
    else:
        response["ETag"] = etag
    return response


def _back(assignment, module):
    return redirect("coursework:player-module", pk=assignment.pk, position=module.position)


@require_POST
@login_required
def answers_save(request, pk: int, position: int):
    """Save the answers sent, each against the revision its page showed: an empty box from
    an older page is ignored, other text from one is refused with both texts shown."""
    assignment, module = _work_in(request, pk, position)
    if module.kind not in services.ANSWERED_KINDS:
        raise Http404("This module takes no written answers")
    questions = lesson_outline(assignment.lesson).question_rows_of(module)
    form = AnswersForm(request.POST, questions=questions)
    # Never invalid as a whole: a refused box is one of its problems, the others still save.
    form.is_valid()
    problems = list(form.cleaned_data["problems"])
    saved, conflicts = [], []
    for sent in form.cleaned_data["answers"]:
        try:
            answer = services.answer_save(
                assignment=assignment,
                student=request.user,
                question=sent.question,
                text=sent.text,
                revision=sent.revision,
                module_question_ids=[q.pk for q in questions],
            )
        except services.StaleAnswer as stale:
            conflicts.append(stale)
        except ValidationError as error:
            problems.extend(error.messages)
        else:
            if answer is not None:
                saved.append(answer)
    status = 409 if conflicts else 400 if problems else 200
    if request.htmx:
        ctx = {
            "saved_at": timezone.now(),
            "saved": saved,
            "problems": problems,
            "conflicts": conflicts,
        }
        return render(request, "coursework/answer_status.html", ctx, status=status)
    if conflicts:
        ctx = _player_context(
            request, assignment, module, conflicts={c.question.pk: c for c in conflicts}
        )
        for problem in problems:
            messages.error(request, f"Not saved: {problem}")
        return render(request, "coursework/player.html", ctx, status=409)
    for problem in problems:
        messages.error(request, f"Not saved: {problem}")
    if not problems:
        messages.success(request, "Your answers are saved.")
    return _back(assignment, module)


@require_POST
@login_required
def post_create(request, pk: int, position: int):
    assignment, module = _work_in(request, pk, position, kind=Module.Kind.DISCUSSION)
    parent = None
    if parent_id := request.POST.get("parent", "").strip():
        if not parent_id.isdigit():
            raise Http404("No such post")
        parent = get_object_or_404(Post, pk=int(parent_id), assignment=assignment, module=module)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            services.post_create(
                assignment=assignment,
                author=request.user,
                module=module,
                text=form.cleaned_data["text"],
                parent=parent,
            )
        except ValidationError as error:
            refusal_show(request, error, form=form, field="text")
        else:
            messages.success(request, "Your reply is posted." if parent else "Your post is shared.")
            return _back(assignment, module)
    ctx = _player_context(request, assignment, module, post_form=form)
    return render(request, "coursework/player.html", ctx, status=400)


@require_POST
@login_required
def post_edit(request, pk: int, post_pk: int):
    assignment = assignment_for_student(request.user, pk)
    require_work_allowed(assignment)
    post = Post.objects.filter(pk=post_pk, assignment=assignment, author=request.user).first()
    if post is None:
        raise Http404("No such post of yours")
    try:
        services.post_edit(post=post, author=request.user, text=request.POST.get("text", ""))
    except ValidationError as error:
        refusal_show(request, error)
    else:
        messages.success(request, "Your post is updated.")
    return _back(assignment, post.module)


def _stale_page(request, assignment, module, stale: services.StaleSave):
    """The writing page again with the stored (newer) text and the refused one side by side."""
    saved = stale.submission
    page = _player_context(
        request,
        assignment,
        module,
        conflict=saved,
        sent_text=stale.sent_text,
        draft_form=DraftForm(initial={"text": saved.text, "revision": saved.revision}),
    )
    return render(request, "coursework/player.html", page, status=409)


@require_POST
@login_required
def draft_save(request, pk: int, position: int):
    """Save the draft. Scripts get a status fragment; a stale page gets 409 and both texts."""
    assignment, module = _work_in(request, pk, position, kind=Module.Kind.ASSIGNMENT)
    form = DraftForm(request.POST)
    scripted = request.headers.get("X-Autosave") == "1"
    if not form.is_valid():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        if scripted:
            return render(request, "coursework/draft_status.html", {"problem": message}, status=400)
        messages.error(request, f"Not saved: {message}")
        return _back(assignment, module)
    try:
        submission = services.draft_save(
            assignment=assignment,
            student=request.user,
            module=module,
            text=form.cleaned_data["text"],
            revision=form.cleaned_data["revision"],
        )
    except services.StaleSave as stale:
        ctx = {"conflict": stale.submission, "sent_text": stale.sent_text}
        if scripted:
            return render(request, "coursework/draft_conflict.html", ctx, status=409)
        return _stale_page(request, assignment, module, stale)
    except ValidationError as error:
        if scripted:
            return render(
                request, "coursework/draft_status.html", {"problem": error.messages[0]}, status=400
            )
        refusal_show(request, error)
        return _back(assignment, module)
    if scripted:
        response = render(request, "coursework/draft_status.html", {"submission": submission})
        response["X-Revision"] = str(submission.revision)
        return response
    messages.success(request, f"Draft saved at {timezone.localtime(submission.saved_at):%H:%M}.")
    return _back(assignment, module)


def _submission(request, assignment, module) -> Submission:
    return services.submission_for(assignment=assignment, student=request.user, module=module)


@require_POST
@login_required
def submission_submit(request, pk: int, position: int):
    assignment, module = _work_in(request, pk, position, kind=Module.Kind.ASSIGNMENT)
    form = DraftForm(request.POST)
    if form.is_valid() and request.POST.get("confirm") == "ask":
        # Asked first (the page's script asks in a dialog instead): the text and revision go
        # back in the confirming form, unchanged and not yet saved.
        ctx = {"assignment": assignment, "module": module, "form": form}
        return render(request, "coursework/submit_confirm.html", ctx)
    if form.is_valid():
        # The text in the form is handed in, so a submit never hands in an older draft.
        try:
            submission = services.submission_submit(
                submission=_submission(request, assignment, module),
                revision=form.cleaned_data["revision"],
                text=form.cleaned_data["text"],
            )
        except services.StaleSave as stale:
            return _stale_page(request, assignment, module, stale)
        except ValidationError as error:
            refusal_show(request, error)
            return _back(assignment, module)
        note = (
            " It was handed in after the due date, so it is marked late." if submission.late else ""
        )
        messages.success(request, "Your work is handed in." + note)
    else:
        messages.error(request, "Not handed in: reload the page and try again.")
    return _back(assignment, module)


@require_POST
@login_required
def submission_unsubmit(request, pk: int, position: int):
    """Take back the hand-in the page showed; the form names its version number."""
    assignment, module = _work_in(request, pk, position, kind=Module.Kind.ASSIGNMENT)
    version = request.POST.get("version", "").strip()
    if not version.isdigit():
        messages.error(request, "Not taken back: this page is out of date. Reload it first.")
        return _back(assignment, module)
    try:
        services.submission_unsubmit(
            submission=_submission(request, assignment, module), version=int(version)
        )
    except ValidationError as error:
        refusal_show(request, error)
    else:
        messages.success(request, "Your work is back with you as a draft.")
    return _back(assignment, module)


@require_GET
@login_required
def student_work(request, pk: int, student_pk: int):
    """A teacher's read-only view of one student's work on one assignment."""
    assignment = assignment_for_work_viewer(request.user, pk)
    student = student_for_teacher(assignment, student_pk)
    modules = list(assignment.lesson.modules.all())
    states = module_states(assignment, student)
    for item in modules:
        item.progress = states.get(item.pk)
    ctx = {
        "assignment": assignment,
        "student": student,
        "modules": modules,
        "answers": Answer.objects.filter(assignment=assignment, student=student)
        .select_related("question__module")
        .order_by("question__module__position", "question__position"),
        "posts": Post.objects.filter(assignment=assignment, author=student).select_related(
            "module"
        ),
        "submissions": Submission.objects.filter(assignment=assignment, student=student)
        .select_related("module")
        .prefetch_related("versions"),
    }
    return render(request, "coursework/student_work.html", ctx)
