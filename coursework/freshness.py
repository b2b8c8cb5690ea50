"""Conditional GET for the pages a class loads most: ETags built from the stamps.

A browser that sends back the ETag of the copy it holds gets 304 Not Modified while nothing
that page shows has changed (coursework.stamps says what changes which stamp). Each ETag is
read with one small query that starts from coursework.access (or accounts.access), so access
is checked on every request: the function returns None when the person may not see the
page, and the view then answers 403 or 404 as always. None also when flash messages are
waiting, since they show once.

| page              | the ETag covers, beside who asks, their CSRF cookie, htmx and the query |
|-------------------|-------------------------------------------------------------------------|
| module page       | assignment and work stamps, class archived, overdue, whether reopening  |
|                   | records activity again, how many of the student's own posts are editable|
| student home      | the page's own rows: each class (stamp, name, archived) with its        |
|                   | active assignments (stamp, dates, lesson) and the student's work stamp  |
|                   | in each; whether each has opened and is overdue                         |
| progress dashboard| assignment stamp, every work stamp, overdue, a 5-minute time bucket     |
| gradebook         | class stamp, its assignments' and work stamps, overdue count            |

The dashboard's students turn stuck after days without work; that is checked to within
DASHBOARD_BUCKET rather than exactly, which would take a look at every student's progress.
"""

import hashlib
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db.models import BigIntegerField, Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from accounts.access import classrooms_visible_to

from .access import assignments_for_student, assignments_for_teacher
from .dates import with_student_dates
from .models import Assignment, Post, Progress, WorkStamp
from .selectors import student_home_rows
from .services import ACTIVITY_RESOLUTION, POST_EDIT_WINDOW

DASHBOARD_BUCKET = timedelta(minutes=5)
DUE_SOON = timedelta(days=7)


def conditional_page(etag_func, *, tagged_by_view: bool = False):
    """Django's `condition` with `etag_func`, plus the headers such a page needs: kept
    private to the browser and checked again on every use, htmx fragments apart from pages.

    A view whose GET writes sets `response["ETag"]` itself from the stamps read after its
    writes (condition keeps it), or sets `response.withhold_etag` to send none; declared
    with `tagged_by_view`, a request that names no ETag to compare goes straight to it, as
    there is nothing to answer 304 or 412 to. Only a 200 carries an ETag."""

    def decorator(view):
        @wraps(view)
        def view_marking_etag(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                response.withhold_etag = True
            return response

        conditional_view = condition(etag_func=etag_func)(view_marking_etag)

        @wraps(view)
        def page(request, *args, **kwargs):
            compared = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MATCH" in request.META
            if tagged_by_view and not compared:
                response = view_marking_etag(request, *args, **kwargs)
            else:
                response = conditional_view(request, *args, **kwargs)
            if getattr(response, "withhold_etag", False) and response.has_header("ETag"):
                del response["ETag"]
            patch_vary_headers(response, ["HX-Request"])
            patch_cache_control(response, private=True, no_cache=True)
            return response

        return page

    return decorator


def _may_tag(request) -> bool:
    return request.user.is_authenticated and not len(messages.get_messages(request))


def _etag(request, kind: str, *parts) -> str:
    """A strong ETag of the page kind, its arguments and state, and who asks how."""
    user = request.user
    # Every such page carries a CSRF token made from the browser's cookie: a browser without
    # one yet gets it now, so its next request can be confirmed.
    get_token(request)
    asking = (
        user.pk,
        user.display_name,
        user.role,
        user.is_staff,
        request.META["CSRF_COOKIE"],
        request.META.get("HTTP_HX_REQUEST") == "true",
        request.META.get("QUERY_STRING", ""),
    )
    digest = hashlib.blake2b(repr((kind, asking, parts)).encode(), digest_size=16)
    return f'"{digest.hexdigest()}"'


def _count(queryset, group: str):
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _stamp_sum(queryset, group: str):
    """The sum of the rows' stamps: any one stamp changing changes it."""
    summed = queryset.order_by().values(group).annotate(s=Sum("stamp")).values("s")
    return Coalesce(Subquery(summed, output_field=BigIntegerField()), 0)


def module_page_etag(request, pk: int, position: int) -> str | None:
    """The ETag of a student's module page, or None (no access, not open, messages)."""
    if not _may_tag(request):
        return None
    student, now = request.user, timezone.now()
    here = {"assignment": OuterRef("pk"), "module__lesson": OuterRef("lesson")}
    row = (
        with_student_dates(assignments_for_student(student), student)
        .filter(Q(student_opens_at__isnull=True) | Q(student_opens_at__lte=now), pk=pk)
        .annotate(
            work=Subquery(
                WorkStamp.objects.filter(assignment=OuterRef("pk"), student=student).values(
                    "stamp"
                )[:1]
            ),
            activity=Subquery(
                Progress.objects.filter(student=student, module__position=position, **here).values(
                    "last_activity_at"
                )[:1]
            ),
            editable=_count(
                Post.objects.filter(
                    author=student,
                    parent__isnull=True,
                    module__position=position,
                    created_at__gt=now - POST_EDIT_WINDOW,
                    **here,
                ),
                "assignment",
            ),
        )
        .values_list(
            "stamp", "work", "classroom__archived", "student_due_at", "activity", "editable"
        )
        .first()
    )
    if row is None:
        return None
    return _module_tag(request, pk, position, *row)


def _module_tag(request, pk, position, stamp, work, archived, due_at, activity, editable) -> str:
    now = timezone.now()
    overdue = due_at is not None and due_at < now
    # Once the resolution has passed, opening the module records activity again.
    recent = activity is not None and now - activity < ACTIVITY_RESOLUTION
    return _etag(request, "module", pk, position, stamp, work, archived, overdue, recent, editable)


def module_page_tag(request, *, assignment, module, place, editable: int) -> str | None:
    """What module_page_etag gives for the same state, from what the module page's view
    holds: its assignment row, the student's place in it (services.place_in_lesson, read
    once the visit is recorded) and how many of the student's posts in the module are still
    editable. Nothing is read again."""
    if not _may_tag(request):
        return None
    progress = place.progress.get(module.pk)
    return _module_tag(
        request,
        assignment.pk,
        module.position,
        assignment.stamp,
        place.work_stamp,
        assignment.classroom.archived,
        assignment.due_at,
        progress.last_activity_at if progress else None,
        editable,
    )


def student_home_etag(request) -> str | None:
    """The ETag of a student's home; None for teachers and staff, whose home is rendered.
    The rows it is made from are the page's own (selectors.student_home_rows), kept on the
    request for the view, so the page shows exactly what its ETag was made from."""
    if not _may_tag(request) or request.user.is_teacher or request.user.is_staff:
        return None
    rows = student_home_rows(request.user)
    request.student_home_rows = rows
    now = timezone.now()
    shown = tuple(
        (
            row,
            row.opens_at is None or row.opens_at <= now,
            row.due_at is not None and row.due_at < now,
            # The home lists what is due within the week (coursework.home).
            row.due_at is not None and row.due_at < now + DUE_SOON,
        )
        for row in rows
    )
    return _etag(request, "home", shown)


def dashboard_etag(request, pk: int) -> str | None:
    """The ETag of an assignment's progress dashboard for one of its class's teachers."""
    if not _may_tag(request):
        return None
    now = timezone.now()
    # The sum alone: a stamp that changes, and a student's first stamp, move it as surely as
    # a stamp differs from the one before it (random, never zero but by a 2^-31 chance).
    work = WorkStamp.objects.filter(assignment=OuterRef("pk"))
    row = (
        assignments_for_teacher(request.user)
        .filter(pk=pk)
        .annotate(work=_stamp_sum(work, "assignment"))
        .values_list("stamp", "due_at", "work")
        .first()
    )
    if row is None:
        return None
    stamp, due_at, work_sum = row
    overdue = due_at is not None and due_at < now
    bucket = int(now.timestamp() // DASHBOARD_BUCKET.total_seconds())
    return _etag(request, "dashboard", pk, stamp, work_sum, overdue, bucket)


def gradebook_etag(request, pk: int) -> str | None:
    """The ETag of a class's gradebook for one of its teachers."""
    user = request.user
    if not _may_tag(request) or not (user.is_teacher or user.is_staff):
        return None
    now = timezone.now()
    assigned = Assignment.objects.active().filter(classroom=OuterRef("pk"))
    work = WorkStamp.objects.filter(
        assignment__classroom=OuterRef("pk"), assignment__withdrawn_at__isnull=True
    )
    row = (
        classrooms_visible_to(user)
        .filter(pk=pk)
        .annotate(
            assigned=_count(assigned, "classroom"),
            assigned_stamps=_stamp_sum(assigned, "classroom"),
            overdue=_count(assigned.filter(due_at__lt=now), "classroom"),
            work_count=_count(work, "assignment__classroom"),
            work=_stamp_sum(work, "assignment__classroom"),
        )
        .values_list("stamp", "assigned", "assigned_stamps", "overdue", "work_count", "work")
        .first()
    )
    if row is None:
        return None
    return _etag(request, "gradebook", pk, *row)
