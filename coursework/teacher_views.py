"""The teacher's side: dashboard, grading, gradebook and discussion moderation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.access import classroom_for_teacher
from accounts.models import Enrollment
from config.feedback import refusal_show

from . import grading
from .access import assignment_for_teacher
from .csv_export import csv_response
from .dashboard import (
    FILTERS,
    STATE_LABELS,
    UNASSIGNED,
    dashboard_build,
    gradebook_build,
    skill_chart,
)
from .forms import GradeForm
from .freshness import conditional_page, dashboard_etag, gradebook_etag
from .gradebook import assignment_averages, student_totals
from .grades import CriterionScore, GradeRecord
from .models import Assignment, Post, Submission, SubmissionVersion
from .selectors import grading_queue_for, rubric_table_for
from .services import plain_text, post_create


def _stuck_days(request) -> int:
    raw = request.GET.get("days", "3")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 365 else 3


@require_GET
@login_required
@conditional_page(dashboard_etag)
def dashboard(request, pk: int):
    show = request.GET.get("show", "")
    if show and show not in FILTERS:
        show = ""
    stuck_days = _stuck_days(request)
    assignment = assignment_for_teacher(request.user, pk)
    board = dashboard_build(assignment, show=show, stuck_days=stuck_days)
    here = reverse("coursework:dashboard", args=[assignment.pk])
    filter_links = [(here, "Everyone", not show)]
    for key, label in FILTERS.items():
        href = f"{here}?show={key}"
        if key == "stuck":
            href, label = f"{href}&days={stuck_days}", f"{label} ({stuck_days}+ days idle)"
        filter_links.append((href, label, show == key))
    ctx = {
        "assignment": assignment,
        "board": board,
        "show": show,
        "filters": FILTERS,
        "filter_links": filter_links,
        "chart": skill_chart(board.class_skills),
    }
    template = "coursework/dashboard.html"
    if request.htmx:
        template += "#board"
    return render(request, template, ctx)


@require_GET
@login_required
def dashboard_csv(request, pk: int):
    assignment = assignment_for_teacher(request.user, pk)
    board = dashboard_build(assignment)
    header = ["Student", "Username"]
    header += [f"{m.position}. {m.title}" for m in board.modules]
    header += ["Complete (%)", "Last activity", "Late", "Stuck"]
    rows = [
        [r.student.display_name, r.student.username]
        + [STATE_LABELS.get(state, state) for state, _when in r.cells]
        + [
            r.percent,
            timezone.localtime(r.last_activity).isoformat(timespec="minutes")
            if r.last_activity
            else "",
            "yes" if r.is_late else "",
            "yes" if r.is_stuck else "",
        ]
        for r in board.all_rows
    ]
    return csv_response(f"progress-{assignment.pk}.csv", header, rows)


@require_GET
@login_required
def grading_queue(request, pk: int):
    assignment = assignment_for_teacher(request.user, pk)
    module, queue = grading_queue_for(assignment=assignment)
    ctx = {"assignment": assignment, "module": module, "queue": queue}
    return render(request, "coursework/grading_queue.html", ctx)


def _loaded(grade):
    """The grade with its scores (their criteria and levels) and history loaded, for showing
    a grade someone else saved beside the choices that were refused."""
    return (
        grading.Grade.objects.select_related("rubric", "version")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion", "level"),
            ),
            "rubric__criteria__levels",
            _HISTORY,
        )
        .get(pk=grade.pk)
    )


_HISTORY = Prefetch(
    "history", queryset=GradeRecord.objects.select_related("graded_by", "replaced_by")
)


def _total(request, grade, *, status: int = 200, **extra):
    """The total and revision part of the grading screen, after a choice saved by htmx."""
    ctx = {
        "grade": grade,
        "points": grade.points,
        "rubric": rubric_table_for(rubric_id=grade.rubric_id),
    }
    return render(request, "coursework/grade_screen.html#total", ctx | extra, status=status)


def _grading_context(assignment, submission, **extra):
    """What the grading screen shows of a submission: its versions, and the latest one's grade
    (made, empty, the first time a teacher opens it) with its scores and the grades it
    replaced, which are kept only when returned work is regraded."""
    versions = list(
        SubmissionVersion.objects.filter(submission_id=submission.pk).select_related("grade")
    )
    ctx = {"assignment": assignment, "submission": submission, "versions": versions, "grade": None}
    rubric = None
    if versions:
        grade, opened = getattr(versions[-1], "grade", None), False
        if grade is None:
            grade, opened = grading.grade_open(submission=submission, version=versions[-1])
        # Looked up by criterion, so their order does not matter and needs no join.
        scores = [] if opened else list(grade.scores.order_by())
        history = []
        if grade.returned_at:
            history = list(grade.history.select_related("graded_by", "replaced_by"))
        rubric = rubric_table_for(rubric_id=grade.rubric_id)
        chosen = {score.criterion_id: score for score in scores}
        returned = bool(grade.returned_at)
        ctx |= {
            "grade": grade,
            "points": grade.total_of(scores),
            "history": history,
            "version": versions[-1],
            "rubric": rubric,
            "criteria": [(c, chosen.get(c.pk)) for c in rubric.criteria],
            # What the form may do: grade handed-in work, or regrade returned work.
            "can_grade": submission.status == Submission.Status.SUBMITTED and not returned,
            "can_regrade": submission.status == Submission.Status.RETURNED and returned,
        }
    place = grading.grading_place(submission=submission, rubric=rubric)
    ctx |= {
        "previous_pk": place.previous_pk,
        "next_pk": place.next_pk,
        "position": place.position,
        "queue_length": place.length,
    }
    ctx.update(extra)
    return ctx


def _accommodation(assignment):
    """The student's accommodation note in the assignment's class, read with the submission:
    only the class's teachers reach the grading screen, so only they see it."""
    return Subquery(
        Enrollment.objects.filter(
            classroom_id=assignment.classroom_id, student_id=OuterRef("student_id")
        ).values("accommodation")[:1]
    )


def _submission_for(
    request, pk: int, submission_pk: int, *, drafts: bool = False, rubric: bool = True
) -> tuple[Assignment, Submission]:
    """The teacher's assignment and its class's submission, with its module's rubric unless
    the caller needs none; a draft only when asked, for a save whose work went back. 404 for
    an outsider or another class's work."""
    assignment = assignment_for_teacher(request.user, pk)
    found = Submission.objects.select_related(
        "student", "module__rubric" if rubric else "module"
    ).annotate(accommodation=_accommodation(assignment))
    if not drafts:
        found = found.filter(status__in=grading.HANDED_IN)
    try:
        submission = found.get(pk=submission_pk, assignment_id=assignment.pk)
    except Submission.DoesNotExist:
        raise Http404("No such submission") from None
    submission.assignment = assignment
    return assignment, submission


@require_GET
@login_required
def grade_screen(request, pk: int, submission_pk: int):
    assignment, submission = _submission_for(request, pk, submission_pk, rubric=False)
    return render(request, "coursework/grade_screen.html", _grading_context(assignment, submission))


def _sent_choices(form: GradeForm, rubric_id: int) -> list[tuple[str, str]]:
    """What the refused form asked for, criterion by criterion, to show beside the saved grade."""
    choices = []
    for criterion in rubric_table_for(rubric_id=rubric_id).criteria:
        raw = form.cleaned_data.get(f"level-{criterion.pk}", "")
        level = next((lv for lv in criterion.levels if str(lv.pk) == raw), None)
        choices.append((criterion.title, f"{level.title} ({level.points})" if level else "—"))
    return choices


def _sent_comments(form: GradeForm | None) -> list[tuple[str, str]]:
    """The comments a refused form carried, so the teacher can copy them over."""
    if form is None:
        return []
    sent = [(c.title, form.cleaned_data.get(f"comment-{c.pk}", "").strip()) for c in form.criteria]
    sent.append(("Overall comment", form.cleaned_data.get("comment", "").strip()))
    return [(title, text) for title, text in sent if text]


def _not_current(request, assignment, submission_pk: int, message: str, form=None):
    """409: the page graded a version that is gone, superseded or returned."""
    if request.htmx:
        ctx = {"problem": message, "not_current": True}
        return render(request, "coursework/grade_screen.html#total", ctx, status=409)
    submission = (
        Submission.objects.select_related("student", "module")
        .annotate(accommodation=_accommodation(assignment))
        .get(pk=submission_pk)
    )
    submission.assignment = assignment
    ctx = {"not_current": message, "sent_comments": _sent_comments(form)}
    if submission.status == Submission.Status.DRAFT:
        ctx |= {"assignment": assignment, "submission": submission, "grade": None}
    else:
        ctx = _grading_context(assignment, submission, **ctx)
    return render(request, "coursework/grade_screen.html", ctx, status=409)


@require_POST
@login_required
def grade_save(request, pk: int, submission_pk: int):
    """Save the whole grade (and with "Return to student" return it, or with "Regrade"
    replace a returned one), or with htmx one criterion's level as soon as it is chosen."""
    assignment, submission = _submission_for(request, pk, submission_pk, drafts=True)
    rubric = submission.module.rubric
    form = GradeForm(request.POST, rubric=rubric)
    revision = None
    try:
        if not form.is_valid():
            raise form.refusal
        sent = form.cleaned_data
        action, version_id, revision = sent["action"], sent["version_id"], sent["revision"]
        if sent["criterion"]:
            grade = grading.grade_save(
                submission=submission,
                version_id=version_id,
                grader=request.user,
                revision=revision,
                scores=sent["scores"],
                partial=True,
            )
        else:
            grade = grading.grade_save(
                submission=submission,
                version_id=version_id,
                grader=request.user,
                revision=revision,
                scores=sent["scores"],
                comment=sent["comment"],
                override_points=sent["override_points"],
                override_reason=sent["override_reason"],
                regrade=action == "regrade",
            )
    except grading.GradeNotCurrent as gone:
        return _not_current(request, assignment, submission.pk, gone.message, form)
    except grading.StaleGrade as stale:
        if request.htmx:
            # The page keeps the revision it read, so no later choice overwrites theirs.
            return _total(
                request,
                stale.grade,
                status=409,
                problem="another teacher saved this grade after you opened the page. "
                "Reload the page to see their grade.",
                form_revision=revision,
            )
        ctx = _grading_context(
            assignment,
            submission,
            stale=_loaded(stale.grade),
            sent_choices=_sent_choices(form, stale.grade.rubric_id),
            sent_comment=form.cleaned_data["comment"],
            sent_comments=_sent_comments(form),
        )
        return render(request, "coursework/grade_screen.html", ctx, status=409)
    except ValidationError as error:
        if submission.status == Submission.Status.DRAFT:
            raise Http404("No such submission") from error
        if request.htmx:
            current = grading.grade_for(submission=submission)
            return _total(request, current, status=400, problem=error.messages[0])
        ctx = _grading_context(assignment, submission, problem=error.messages[0])
        return render(request, "coursework/grade_screen.html", ctx, status=400)
    if request.htmx:
        return _total(request, grade, saved=True)
    total = f"{grade.points} of {rubric_table_for(rubric_id=grade.rubric_id).max_points}"
    if action == "return":
        return _return(request, assignment, submission, version_id, saved=total, form=form)
    if action == "regrade":
        messages.success(
            request,
            f"Regraded: {total}. {submission.student.display_name} sees the new grade; "
            "the earlier one is kept below.",
        )
    else:
        messages.success(request, f"Saved the grade: {total}.")
    return redirect("coursework:grade", pk=assignment.pk, submission_pk=submission.pk)


def _return(request, assignment, submission, version_id: int | None, *, saved: str = "", form=None):
    """Return the work, then move to the next handed-in work waiting for a grade."""
    try:
        grading.grade_return(submission=submission, version_id=version_id)
    except grading.GradeNotCurrent as gone:
        return _not_current(request, assignment, submission.pk, gone.message, form)
    except ValidationError as error:
        prefix = f"Saved the grade ({saved}) but did not return it: " if saved else ""
        refusal_show(request, error, prefix=prefix)
        return redirect("coursework:grade", pk=assignment.pk, submission_pk=submission.pk)
    if saved:
        messages.success(
            request, f"Returned {submission.student.display_name}'s work, graded {saved}."
        )
    else:
        messages.success(request, f"Returned {submission.student.display_name}'s work.")
    order = grading.grading_order(assignment_id=assignment.pk, module_id=submission.module_id)
    waiting = [pk for pk, status in order if status == Submission.Status.SUBMITTED]
    if waiting:
        return redirect("coursework:grade", pk=assignment.pk, submission_pk=waiting[0])
    return redirect("coursework:grading", pk=assignment.pk)


@require_POST
@login_required
def grade_return(request, pk: int, submission_pk: int):
    assignment, submission = _submission_for(request, pk, submission_pk)
    version_id = None
    raw = request.POST.get("version", "").strip()
    if raw.isdigit():
        version_id = int(raw)
    return _return(request, assignment, submission, version_id)


@require_POST
@login_required
def grade_return_all(request, pk: int):
    assignment = assignment_for_teacher(request.user, pk)
    _, queue = grading_queue_for(assignment=assignment)
    count = grading.grade_return_all(
        submissions=[s for s in queue if s.status == Submission.Status.SUBMITTED]
    )
    messages.success(request, f"Returned {count} graded submission(s). Ungraded work stays here.")
    return redirect("coursework:grading", pk=assignment.pk)


@require_POST
@login_required
def revision_request(request, pk: int, submission_pk: int):
    assignment, submission = _submission_for(request, pk, submission_pk)
    try:
        grading.revision_request(submission=submission, comment=request.POST.get("comment", ""))
    except ValidationError as error:
        refusal_show(request, error)
    else:
        messages.success(request, f"Asked {submission.student.display_name} for a revision.")
    return redirect("coursework:grade", pk=assignment.pk, submission_pk=submission.pk)


@require_GET
@login_required
@conditional_page(gradebook_etag)
def gradebook(request, pk: int):
    classroom = classroom_for_teacher(request.user, pk)
    assignments, rows = gradebook_build(classroom)
    ctx = {
        "classroom": classroom,
        "assignments": assignments,
        "rows": rows,
        "totals": student_totals(assignments, rows),
        "averages": assignment_averages(assignments, rows),
    }
    return render(request, "coursework/gradebook.html", ctx)


@require_GET
@login_required
def gradebook_csv(request, pk: int):
    """Canvas's gradebook layout: Student, ID, SIS Login ID, Section, one column per lesson."""
    classroom = classroom_for_teacher(request.user, pk)
    assignments, rows = gradebook_build(classroom)
    header = ["Student", "ID", "SIS Login ID", "Section"]
    header += [f"{a.lesson.title} ({a.pk})" for a in assignments]
    # Named as Canvas's own export names its computed columns, which its import leaves alone.
    header += ["Current Points", "Points Possible", "Current Score"]
    possible = ["Points Possible", "", "", ""] + [
        "" if a.points_possible is None else a.points_possible for a in assignments
    ]
    possible += ["", "", ""]
    totals = student_totals(assignments, rows)
    body = [
        [
            r.student.get_full_name() or r.student.username,
            r.student.pk,
            r.student.username,
            classroom.name,
        ]
        + [_csv_points(c) for c in r.cells]
        + ([t.points, t.possible, _number(t.percent)] if t.graded else ["", "", ""])
        for r, t in zip(rows, totals, strict=True)
    ]
    averages = ["Class Average", "", "", ""] + [
        "" if a.points is None else _number(a.points)
        for a in assignment_averages(assignments, rows)
    ]
    averages += ["", "", ""]
    return csv_response(f"gradebook-{classroom.pk}.csv", header, [possible, *body, averages])


def _csv_points(cell) -> str | int:
    """A cell's points; empty while not graded, and N/A, as Canvas writes it, for a student
    the assignment is not given to."""
    if cell.status == UNASSIGNED.status:
        return "N/A"
    return "" if cell.points is None else cell.points


def _number(value: float) -> str:
    """A rounded figure as a spreadsheet reads it: 81.2, and 10 rather than 10.0."""
    return f"{value:g}"


@require_GET
@login_required
def discussion_moderate(request, pk: int, position: int):
    assignment = assignment_for_teacher(request.user, pk)
    module = assignment.lesson.modules.filter(position=position, kind="discussion").first()
    if module is None:
        raise Http404("No discussion here")
    posts = (
        Post.objects.filter(assignment=assignment, module=module, parent__isnull=True)
        .select_related("author", "hidden_by")
        .prefetch_related("replies__author", "replies__hidden_by")
    )
    ctx = {"assignment": assignment, "module": module, "posts": posts}
    return render(request, "coursework/discussion_moderate.html", ctx)


def _post_for(assignment, post_pk: int) -> Post:
    post = Post.objects.filter(pk=post_pk, assignment=assignment).select_related("module").first()
    if post is None:
        raise Http404("No such post")
    return post


@require_POST
@login_required
def post_moderate(request, pk: int, post_pk: int):
    """Hide (with a reason) or show again, pin or unpin, or reply as the teacher."""
    assignment = assignment_for_teacher(request.user, pk)
    post = _post_for(assignment, post_pk)
    action = request.POST.get("action", "")
    if action == "hide":
        reason = plain_text(request.POST.get("reason", "")).strip()
        if not reason:
            messages.error(request, "Give a reason for hiding the post; it is kept with the post.")
        else:
            post.hidden_at, post.hidden_by, post.hidden_reason = (
                timezone.now(),
                request.user,
                reason[:300],
            )
            post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
            messages.success(request, "The post is hidden. Students see that a post was hidden.")
    elif action == "show":
        post.hidden_at = None
        post.save(update_fields=["hidden_at"])
        messages.success(request, "The post is shown again; the reason it was hidden is kept.")
    elif action in {"pin", "unpin"}:
        post.pinned = action == "pin"
        post.save(update_fields=["pinned"])
        messages.success(request, "Pinned the post." if post.pinned else "Unpinned the post.")
    elif action == "reply":
        try:
            post_create(
                assignment=assignment,
                author=request.user,
                module=post.module,
                text=request.POST.get("text", ""),
                parent=post,
            )
        except ValidationError as error:
            refusal_show(request, error)
        else:
            messages.success(request, "Your reply is posted.")
    else:
        messages.error(request, "Choose what to do with the post.")
    return redirect("coursework:discussion", pk=assignment.pk, position=post.module.position)
