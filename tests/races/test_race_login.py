"""Failed logins sent at the same moment, each on its own connection: every one counts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from tests.conftest import PASSWORD
from tests.races.conftest import at_once


def signed_out(tab, someone):
    """A tab with only a CSRF cookie: a visitor about to log in."""
    visitor = tab(someone)
    visitor.cookie = f"{settings.CSRF_COOKIE_NAME}={visitor.csrf}"
    return visitor


def failures_counted(username: str) -> int:
    rows = AccessAttempt.objects.filter(username=username)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


def test_five_wrong_passwords_at_once_all_count_and_lock(tab, teacher, student):
    tabs = [signed_out(tab, student) for _ in range(5)]
    replies = at_once(
        *[
            lambda t=t, n=n: t.post("/login/", {"username": "teacher", "password": f"wrong-{n}"})
            for n, t in enumerate(tabs)
        ]
    )
    assert {reply.status for reply in replies} <= {200, 429}
    assert 429 in {reply.status for reply in replies}
    assert failures_counted("teacher") == 5
    right = signed_out(tab, student).post("/login/", {"username": "teacher", "password": PASSWORD})
    assert right.status == 429
    assert "Too many failed log-in attempts" in right.text


def test_wrong_passwords_at_once_on_the_site_and_admin_logins_add_up(tab, admin_user, student):
    urls = ["/login/", "/admin/login/", "/login/", "/admin/login/"]
    tabs = [signed_out(tab, student) for _ in urls]
    at_once(
        *[
            lambda t=t, url=url: t.post(url, {"username": "admin", "password": "wrong"})
            for t, url in zip(tabs, urls, strict=True)
        ]
    )
    assert failures_counted("admin") == 4
    visitor = signed_out(tab, student)
    assert visitor.post("/admin/login/", {"username": "admin", "password": "wrong"}).status == 429
    assert visitor.post("/login/", {"username": "admin", "password": PASSWORD}).status == 429
