"""The bell, the notifications page, marking read and the digest setting."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification, NotificationSettings
from notifications.services import notify
from tests.conftest import not_modified_queries
from tests.coursework.conftest import STUDY, module_url

LIST = reverse("notifications:list")
BADGE = reverse("notifications:badge")
SETTINGS = reverse("notifications:settings")
READ_ALL = reverse("notifications:read-all")


def tell(person, text="Your work was returned.", url="/work/1/5/"):
    notify([person], kind=Notification.Kind.RETURNED, text=text, url=url)
    return Notification.objects.filter(recipient=person).latest("pk")


def test_every_page_links_the_bell_and_loads_the_count_later(client, student):
    client.force_login(student)
    html = client.get(reverse("coursework:home")).content.decode()
    assert f'<a href="{LIST}">Notifications<span data-hx-get="{BADGE}"' in html


def test_the_badge_counts_unread_in_one_query(
    client, student, classmate, django_assert_num_queries
):
    for n in range(3):
        tell(student, f"Item {n}")
    tell(classmate)
    Notification.objects.filter(text="Item 0").update(read_at="2026-01-01T00:00Z")
    client.force_login(student)
    client.get(BADGE)  # the session is read and cached once
    # The session row (unless it comes from the shared cache), the user row, and the count.
    with django_assert_num_queries(3 - settings.SESSION_ENGINE.endswith("cached_db")):
        response = client.get(BADGE)
    assert response["Cache-Control"] in {"private, no-cache", "no-cache, private"}
    html = response.content.decode()
    assert '<span class="bell-count">2<span class="visually-hidden"> unread</span></span>' in html


def test_the_badge_is_empty_with_nothing_unread(client, student):
    client.force_login(student)
    assert client.get(BADGE).content.decode().strip() == ""


def test_the_page_lists_only_mine_newest_first_and_marks_them_seen(client, student, classmate):
    tell(student, "First")
    tell(student, "Second")
    tell(classmate, "Not yours")
    client.force_login(student)
    html = client.get(LIST).content.decode()
    assert html.index("Second") < html.index("First")
    assert "Not yours" not in html
    assert "Mark all read" in html
    assert not Notification.objects.filter(recipient=student, seen_at=None).exists()
    assert Notification.objects.get(recipient=classmate).seen_at is None


def test_the_page_queries_do_not_grow_with_the_list(client, student, django_assert_max_num_queries):
    client.force_login(student)
    tell(student)
    client.get(LIST)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    for n in range(30):
        tell(student, f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_opening_one_marks_it_read_and_goes_to_its_place(client, student):
    notice = tell(student, url="/work/1/5/")
    client.force_login(student)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/work/1/5/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_off_the_site_is_never_followed(client, student):
    notice = tell(student, url="https://evil.example/")
    client.force_login(student)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == LIST


def test_nobody_opens_or_marks_anothers(client, student, classmate, teacher):
    notice = tell(classmate)
    for person in (student, teacher):
        client.force_login(person)
        assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
        assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
        client.post(READ_ALL)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_one_read_in_place_with_htmx(client, student):
    notice = tell(student, "Returned")
    client.force_login(student)
    response = client.post(reverse("notifications:read", args=[notice.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="notification" id="notification-{notice.pk}">')
    assert "Mark read" not in html
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_one_read_without_javascript(client, student):
    notice = tell(student)
    client.force_login(student)
    response = client.post(reverse("notifications:read", args=[notice.pk]))
    assert response["Location"] == LIST
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read(client, student, classmate):
    for n in range(3):
        tell(student, f"Item {n}")
    tell(classmate)
    client.force_login(student)
    response = client.post(READ_ALL, follow=True)
    assert "Marked 3 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=student, read_at=None).exists()
    assert Notification.objects.get(recipient=classmate).read_at is None
    again = client.post(READ_ALL, follow=True).content.decode()
    assert "There was nothing unread." in again


def test_the_digest_is_on_until_turned_off(client, student):
    client.force_login(student)
    html = client.get(SETTINGS).content.decode()
    assert 'id="id_email_digest" checked>' in html
    assert "no email address" in html
    response = client.post(SETTINGS, {}, follow=True)  # the box unticked
    assert "The daily digest is off." in response.content.decode()
    assert NotificationSettings.objects.get(user=student).email_digest is False
    client.post(SETTINGS, {"email_digest": "on"})
    assert NotificationSettings.objects.get(user=student).email_digest is True
    assert NotificationSettings.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (LIST, BADGE, SETTINGS):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_a_new_notification_leaves_the_pages_cached_and_changes_only_the_badge(
    client, student, assignment
):
    """The pages don't show the count, so their ETags stay; the badge, never cached, shows
    the new count at once."""
    client.force_login(student)
    url = module_url(assignment, STUDY)
    etag = client.get(url)["ETag"]
    assert client.get(BADGE).content.decode().strip() == ""
    tell(student)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert len(queries) == not_modified_queries()
    assert ">1<" in client.get(BADGE).content.decode()
