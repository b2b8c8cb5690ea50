"""Rendered pages remembered in each process and reused while nothing they show has changed.

A student's lesson page and a teacher's progress dashboard are read far more often than the
work behind them changes. Each is remembered under a key that holds the stamps of what it
shows (coursework.stamps), read fresh from the database on every request with one small
query that also checks access. So a remembered page is used only when:

- the person may still see it (the same rules as coursework.access, checked in SQL);
- no stamp has changed since it was rendered (any change renders it again);
- the time it was rendered for has not run out (a due date passing, a post's edit window
  closing, the student's activity needing to be recorded again).

Everything else falls through to the ordinary view. Nothing here needs a shared cache:
each process keeps its own pages and the database decides which are current.

The CSRF token differs per browser and per response, so pages are rendered with a
placeholder that is replaced on the way out. Pages with flash messages are never kept.
"""

import secrets
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS, connection
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.fastpath import fetchone
from accounts.models import Classroom, Enrollment

from .models import Assignment, WorkStamp

# However long a page could be valid, it is rendered again after this.
MAX_AGE = timedelta(minutes=10)


class PageMemo:
    """Least-recently-used pages, bounded by their total size (characters or bytes)."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._pages: OrderedDict[tuple, tuple[datetime, object, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if entry[0] <= timezone.now():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, page, valid_until: datetime, size: int | None = None) -> None:
        """Keep `page` until `valid_until`; `size` (default `len(page)`) counts against the
        budget, and a page over a quarter of it is not kept."""
        size = len(page) if size is None else size
        if size > self.max_chars // 4:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (valid_until, page, size)
            self._chars += size
            while self._chars > self.max_chars:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple) -> None:
        self._chars -= self._pages.pop(key)[2]

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._pages)


memo = PageMemo(getattr(settings, "PAGE_MEMO_CHARS", 64_000_000))


@cache
def _csrf_placeholder(secret: str) -> str:
    # Unguessable, so no one can type it into their work and have it replaced.
    return salted_hmac(
        "coursework.pages.csrf", "placeholder", secret=secret, algorithm="sha256"
    ).hexdigest()


def csrf_placeholder() -> str:
    return _csrf_placeholder(settings.SECRET_KEY)


_CSRF_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}


def _random_csrf_string() -> str:
    """32 characters drawn uniformly from Django's CSRF alphabet, from one read of the
    system's random source (Django's own get_random_string makes one per character)."""
    chars = CSRF_ALLOWED_CHARS
    limit = 256 - 256 % len(chars)  # bytes at or above this would favour some characters
    picked: list[str] = []
    while len(picked) < CSRF_SECRET_LENGTH:
        picked += [chars[b % len(chars)] for b in secrets.token_bytes(48) if b < limit]
    return "".join(picked[:CSRF_SECRET_LENGTH])


def csrf_token(request) -> str:
    """What `get_token` gives: this browser's CSRF secret under a fresh random mask (so the
    token differs in every response), with the cookie renewed. Only the mask is drawn
    faster; a browser without a CSRF cookie yet goes through `get_token` itself."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or settings.CSRF_USE_SESSIONS:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_csrf_string()
    chars, index = CSRF_ALLOWED_CHARS, _CSRF_INDEX
    cipher = "".join(
        chars[(index[s] + index[m]) % len(chars)] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def respond(request, parts: tuple[bytes, ...]) -> HttpResponse:
    """A remembered page: its encoded parts joined by this response's CSRF token."""
    return HttpResponse(csrf_token(request).encode().join(parts))


def render_and_remember(request, key, template: str, context: dict, valid_until) -> HttpResponse:
    """Render with the CSRF placeholder, remember the page under `key` until `valid_until`
    (when both are given and that time is still ahead) and send it with this browser's token.

    The page is kept encoded and cut at the placeholder, so sending it again is one join:
    no search through the text and no encoding."""
    html = render_to_string(template, {**context, "csrf_token": csrf_placeholder()}, request)
    parts = tuple(part.encode() for part in html.split(csrf_placeholder()))
    now = timezone.now()
    nonce_used = bool(getattr(request, "_csp_nonce", None))
    if key is not None and valid_until is not None and valid_until > now and not nonce_used:
        memo.put(key, parts, min(valid_until, now + MAX_AGE), size=sum(map(len, parts)))
    return respond(request, parts)


def _rememberable(request) -> bool:
    return request.method == "GET" and not len(messages.get_messages(request))


def _is_htmx(request) -> bool:
    # request.htmx builds the whole header mapping to answer this; the page may differ.
    return request.META.get("HTTP_HX_REQUEST") == "true"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _student_sql() -> str:
    a, c, e, w = (_q(m._meta.db_table) for m in (Assignment, Classroom, Enrollment, WorkStamp))
    return (
        f"SELECT a.stamp, c.archived, w.stamp FROM {a} a "  # noqa: S608 - our own table names
        f"JOIN {c} c ON c.id = a.classroom_id "
        f"LEFT JOIN {w} w ON w.assignment_id = a.id AND w.student_id = %s "
        "WHERE a.id = %s AND a.withdrawn_at IS NULL "
        "AND (a.opens_at IS NULL OR a.opens_at <= %s) "
        f"AND EXISTS (SELECT 1 FROM {e} e WHERE e.classroom_id = a.classroom_id "
        "AND e.student_id = %s AND e.removed_at IS NULL)"
    )


@cache
def _teacher_sql() -> str:
    a, w = _q(Assignment._meta.db_table), _q(WorkStamp._meta.db_table)
    teachers = Classroom._meta.get_field("teachers")
    t = _q(teachers.m2m_db_table())
    room, person = _q(teachers.m2m_column_name()), _q(teachers.m2m_reverse_name())
    return (
        "SELECT a.stamp, "  # noqa: S608 - our own table names
        f"(SELECT COUNT(*) FROM {w} w WHERE w.assignment_id = a.id), "
        f"(SELECT SUM(w.stamp) FROM {w} w WHERE w.assignment_id = a.id) "
        f"FROM {a} a WHERE a.id = %s AND a.withdrawn_at IS NULL "
        f"AND EXISTS (SELECT 1 FROM {t} t WHERE t.{room} = a.classroom_id AND t.{person} = %s)"
    )


def _now_param():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _key(request, kind: str, assignment_id: int, parts: tuple, sql: str, params) -> tuple | None:
    """The page's key: who and what it is, and the stamps the query returns; None when the
    query finds no row (no access, or a case the ordinary view answers)."""
    row = fetchone(DEFAULT_DB_ALIAS, sql, params)
    if row is None:
        return None
    return (kind, assignment_id, request.user.pk, *parts, _is_htmx(request), *row)


def student_key(request, assignment_id: int, *parts) -> tuple | None:
    """The key of a page of the student's own open assignment, or None when the page can't
    be remembered: another class, not yet open, withdrawn, or messages to show. The row
    holds the assignment's stamp, whether the class is archived, and the work stamp."""
    if not _rememberable(request):
        return None
    user_id = request.user.pk
    params = [user_id, assignment_id, _now_param(), user_id]
    return _key(request, "student", assignment_id, parts, _student_sql(), params)


def teacher_key(request, assignment_id: int, *parts) -> tuple | None:
    """The key of a page about the whole class's work in an assignment, for one of the
    class's teachers; None for anyone else (they take the ordinary, fully checked view).
    The row holds the assignment's stamp and the count and sum of its work stamps."""
    if not _rememberable(request):
        return None
    params = [assignment_id, request.user.pk]
    return _key(request, "teacher", assignment_id, parts, _teacher_sql(), params)


def recall(request, key: tuple | None) -> HttpResponse | None:
    """The page remembered under `key`, sent with this browser's CSRF token; else None."""
    page = memo.get(key) if key is not None else None
    return None if page is None else respond(request, page)
