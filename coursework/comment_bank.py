"""A teacher's comment bank: reusable grading comments, for the work as a whole or for one
rubric criterion. Only their owner sees, uses, changes or deletes them; anyone else asking
for one gets 404.

The grading screen offers the bank under every comment box and adds a typed comment to it
with one click (htmx; without JavaScript the grade form's Add button saves the grade as typed
and adds the comment, see teacher_views.grade_save). This page lists, edits and deletes them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User

from .models import BankedComment
from .services import plain_text

MAX_LENGTH = 2000

# Adds the comment typed in a box to the teacher's bank: by htmx alone, or without
# JavaScript by saving the grade as typed and adding the box's comment to the bank.
_BANK_ADD = (
    '<div class="bank-row"><button type="submit" class="secondary-button small-button"'
    ' name="action" value="{}" formaction="{}?bank={}" data-hx-post="{}?bank={}"'
    ' data-hx-target="#bank-status-{}" data-hx-swap="innerHTML">'
    'Add to my comment bank<span class="visually-hidden"> ({})</span></button>'
    ' <span id="bank-status-{}" class="bank-status" role="status"></span></div>'
)
# A banked comment: with JavaScript it goes in at the cursor; without, the grade is saved as
# typed with the comment added at the end of the box.
_BANK_USE = (
    '<li><button type="submit" class="secondary-button small-button" name="action" value="{}"'
    ' formaction="{}?use={}&amp;box={}" data-insert="{}" data-text="{}">Use'
    '<span class="visually-hidden"> in {}</span></button> <span>{}</span></li>'
)
_BANK_LIST = '<div class="bank-list" id="bank-{}"{}>{}</div>'
_OUT_OF_BAND = format_html(' {}="{}"', "data-hx-swap-oob", "true")
_NOTHING = escape("")


def box_id(box: str) -> str:
    """The id of a comment box: a criterion's pk, or "overall" for the overall comment."""
    return "overall-comment" if box == "overall" else f"comment-{box}"


def bank_list(
    box: str, title: str, comments, *, bank_url: str, action: str, oob: bool = False
) -> SafeString:
    """The banked comments offered for one box, each with its Use button; `oob` to swap it
    in out of band after an htmx request."""
    items = format_html_join(
        "",
        _BANK_USE,
        ((action, bank_url, pk, box, box_id(box), text, title, text) for pk, text in comments),
    )
    inner = _NOTHING
    if comments:
        inner = format_html(
            '<details class="bank"><summary>Comment bank ({})<span class="visually-hidden">'
            " for {}</span></summary><ul>{}</ul></details>",
            len(comments),
            title,
            items,
        )
    return format_html(_BANK_LIST, box, _OUT_OF_BAND if oob else _NOTHING, inner)


def bank_controls(box: str, title: str, comments, *, bank_url: str, action: str) -> SafeString:
    """Under a comment box: the button that adds its text to the bank, and the bank."""
    add = format_html(_BANK_ADD, action, bank_url, box, bank_url, box, box, title, box)
    return add + bank_list(box, title, comments, bank_url=bank_url, action=action)


# Put together once, as Prefetch querysets are: the grading screen reads it on every page.
_BANK_ROWS = BankedComment.objects.order_by("pk").values_list("pk", "criterion_id", "text")


def bank_for(teacher: User, criterion_ids) -> dict[int | None, list[tuple[int, str]]]:
    """The teacher's banked comments for these criteria and for any criterion (key None),
    as (pk, text), oldest first: one query."""
    bank: dict[int | None, list[tuple[int, str]]] = {}
    rows = _BANK_ROWS.filter(
        Q(criterion_id__in=list(criterion_ids)) | Q(criterion__isnull=True), teacher=teacher
    )
    for pk, criterion_id, text in rows:
        bank.setdefault(criterion_id, []).append((pk, text))
    return bank


def _clean(text: str) -> str:
    text = plain_text(text or "").strip()
    if not text:
        raise ValidationError("Type a comment first: an empty comment can't go in the bank.")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"A banked comment can be at most {MAX_LENGTH} characters long.")
    return text


def bank_add(*, teacher: User, text: str, criterion_id: int | None) -> tuple[BankedComment, bool]:
    """Keep the comment in the teacher's bank; the comment and whether it is new (the same
    text for the same criterion is kept once). ValidationError for an empty or long text."""
    text = _clean(text)
    return BankedComment.objects.get_or_create(
        teacher=teacher, criterion_id=criterion_id, text=text
    )


def _teacher(request) -> User:
    if not (request.user.is_teacher or request.user.is_staff):
        raise PermissionDenied("Only teachers keep a comment bank.")
    return request.user


def _own(request, pk: int) -> BankedComment:
    comment = (
        BankedComment.objects.select_related("criterion__rubric")
        .filter(pk=pk, teacher=request.user)
        .first()
    )
    if comment is None:
        raise Http404("No such comment")
    return comment


@require_http_methods(["GET", "POST"])
@login_required
def bank_page(request):
    """The teacher's bank, with a box to add a comment for the work as a whole."""
    teacher = _teacher(request)
    problem, typed = "", ""
    if request.method == "POST":
        typed = request.POST.get("text", "")
        try:
            _comment, new = bank_add(teacher=teacher, text=typed, criterion_id=None)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(
                request,
                "Added the comment to your bank." if new else "That comment is in your bank.",
            )
            return redirect("coursework:comment-bank")
    comments = BankedComment.objects.filter(teacher=teacher).select_related("criterion__rubric")
    ctx = {"comments": comments.order_by("criterion_id", "pk"), "problem": problem, "typed": typed}
    return render(request, "coursework/comment_bank.html", ctx, status=400 if problem else 200)


@require_http_methods(["GET", "POST"])
@login_required
def bank_edit(request, pk: int):
    _teacher(request)
    comment = _own(request, pk)
    problem, typed = "", comment.text
    if request.method == "POST":
        typed = request.POST.get("text", "")
        try:
            comment.text = _clean(typed)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            comment.save(update_fields=["text"])
            messages.success(request, "Saved the comment.")
            return redirect("coursework:comment-bank")
    ctx = {"comment": comment, "problem": problem, "typed": typed}
    return render(request, "coursework/comment_bank_edit.html", ctx, status=400 if problem else 200)


@require_POST
@login_required
def bank_delete(request, pk: int):
    _teacher(request)
    comment = _own(request, pk)
    comment.delete()
    messages.success(request, "Deleted the comment from your bank.")
    return redirect("coursework:comment-bank")


def box_text(data, box: str) -> str:
    """What the grade form carried in a comment box ("overall" or a criterion's pk)."""
    return data.get("comment" if box == "overall" else f"comment-{box}", "")


def _box_criterion(box: str, criteria):
    """The criterion a box is for (None for the overall comment); ValidationError for a box
    that is not the rubric's."""
    if box == "overall":
        return None
    criterion = next((c for c in criteria if str(c.pk) == box), None)
    if criterion is None:
        raise ValidationError("That comment box is not one of this rubric's.")
    return criterion


def bank_refresh(*, box: str, criteria, bank, bank_url: str, action: str, status_text: str):
    """The htmx answer to Add: the status under the box, and the bank lists it changed
    (out of band): the box's criterion's, or every box's for a comment on any criterion."""
    general = bank.get(None, [])
    lists = [
        bank_list(
            str(criterion.pk),
            f"the comment on {criterion.title}",
            bank.get(criterion.pk, []) + general,
            bank_url=bank_url,
            action=action,
            oob=True,
        )
        for criterion in criteria
        if box in ("overall", str(criterion.pk))
    ]
    if box == "overall":
        lists.append(
            bank_list(
                "overall",
                "the overall comment",
                general,
                bank_url=bank_url,
                action=action,
                oob=True,
            )
        )
    return format_html("{}", status_text) + format_html_join("", "{}", ((m,) for m in lists))


@require_POST
@login_required
def grade_bank(request, pk: int, submission_pk: int):
    """The grading screen's bank buttons.

    `?bank=<box>` adds what the box holds to the bank: with htmx only that, answered with a
    status and the changed bank lists; without JavaScript the grade is also saved as typed
    (the grading screen's Save or Regrade), so nothing typed is lost. `?use=<comment>&box=<box>`
    (without JavaScript; the script inserts at the cursor) saves the grade as typed with the
    banked comment added at the end of the box."""
    from .selectors import rubric_table_for
    from .teacher_views import _submission_for, grade_save

    assignment, submission = _submission_for(request, pk, submission_pk)
    criteria = rubric_table_for(rubric_id=submission.module.rubric_id).criteria
    teacher = request.user
    box = request.GET.get("box" if "use" in request.GET else "bank", "")
    try:
        criterion = _box_criterion(box, criteria)
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0])
    if "use" in request.GET:
        use = request.GET["use"]
        banked = BankedComment.objects.filter(
            pk=int(use) if use.isdigit() else None, teacher=teacher
        ).first()
        if banked is None:
            raise Http404("No such comment")
        data = request.POST.copy()
        field = "comment" if box == "overall" else f"comment-{box}"
        typed = data.get(field, "").rstrip()
        data[field] = f"{typed}\n{banked.text}" if typed else banked.text
        request.POST = data
        return grade_save(request, pk, submission_pk)
    try:
        _comment, new = bank_add(
            teacher=teacher,
            text=request.POST.get("comment" if box == "overall" else f"comment-{box}", ""),
            criterion_id=criterion.pk if criterion else None,
        )
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(format_html("Not added: {}", error.messages[0]))
        messages.error(request, f"Nothing was added to your comment bank: {error.messages[0]}")
        return grade_save(request, pk, submission_pk)
    status = "Added to your comment bank." if new else "Already in your comment bank."
    if request.htmx:
        bank = bank_for(teacher, [c.pk for c in criteria])
        returned = submission.status == submission.Status.RETURNED
        return HttpResponse(
            bank_refresh(
                box=box,
                criteria=criteria,
                bank=bank,
                bank_url=request.path,
                action="regrade" if returned else "save",
                status_text=status,
            )
        )
    messages.success(request, status)
    return grade_save(request, pk, submission_pk)
