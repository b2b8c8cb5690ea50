"""The student's home lists the open lessons of their classes, with status and progress."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.forms import JoinForm
from coursework import services
from coursework.models import Assignment, Progress
from tests.coursework.conftest import READING, STUDY, build_lesson, module_url, page

HOME = reverse("coursework:home")


@pytest.fixture
def home(client, student):
    client.force_login(student)
    return lambda: page(client.get(HOME))


def lessons_of(html: str) -> str:
    """The "All your lessons" list, without the lists of what to do next above it."""
    return html.split("<h2>All your lessons</h2>")[1]


def card_of(html: str, title: str) -> str:
    """The HTML of the lesson card whose heading holds `title`."""
    for card in html.split('<li class="card')[1:]:
        if title in card.split("</h3>")[0]:
            return card.split("</li>")[0]
    raise AssertionError(f"No card for {title!r}")


def test_open_lesson_shows_due_date_status_progress_bar_and_link(home, assignment):
    card = card_of(home(), "The Bridge")
    assert f'<a href="{reverse("coursework:player", args=[assignment.pk])}">The Bridge</a>' in card
    assert "History 10" in card
    due = timezone.localtime(assignment.due_at)
    assert f"Due {due:%a} {due.day} {due:%b}, {due:%H:%M}" in card
    assert "Not started" in card
    assert "0 of 5 modules complete" in card
    assert '<progress max="100" value="0"' in card


def test_status_is_in_progress_after_the_first_module(client, home, assignment):
    client.get(module_url(assignment, READING))
    card = card_of(home(), "The Bridge")
    assert "In progress" in card
    assert "1 of 5 modules complete" in card
    assert '<progress max="100" value="20"' in card


def test_status_is_complete_when_every_module_is(home, assignment, student, lesson):
    for module in lesson.modules.all():
        services.progress_set(assignment=assignment, student=student, module=module, complete=True)
    card = card_of(home(), "The Bridge")
    assert "Complete" in card
    assert '<progress max="100" value="100"' in card


def test_overdue_unfinished_lesson_is_late_and_listed_first(
    home, assignment, document, classroom, teacher
):
    later = build_lesson(document, ["background"], title="The Ferry")
    services.assignment_create(
        classroom=classroom,
        lesson=later,
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=2),
    )
    html = lessons_of(home())
    assert html.index("The Ferry") < html.index("The Bridge")  # The Bridge is due later
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    html = lessons_of(home())
    assert html.index("The Bridge") < html.index("The Ferry")
    assert "Late" in card_of(html, "The Bridge")
    assert "Late" not in card_of(html, "The Ferry")


def test_lesson_not_yet_open_shows_when_it_opens_and_its_content_is_closed(
    client, home, assignment, document
):
    opens = timezone.now() + timedelta(days=2)
    Assignment.objects.filter(pk=assignment.pk).update(opens_at=opens)
    card = card_of(home(), "The Bridge")
    local = timezone.localtime(opens)
    assert f"Opens {local:%A} {local.day} {local:%B}, {local:%H:%M}" in card
    assert "<a href" not in card
    assert client.get(reverse("coursework:player", args=[assignment.pk])).status_code == 403
    assert client.get(module_url(assignment, READING)).status_code == 403
    assert client.get(reverse("lessons:document-detail", args=[document.pk])).status_code == 404
    assert not Progress.objects.exists()


def test_lessons_of_other_classes_and_withdrawn_ones_are_not_listed(
    home, assignment, other_assignment, document, classroom, teacher
):
    gone = services.assignment_create(
        classroom=classroom,
        lesson=build_lesson(document, ["background"], "The Ferry"),
        teacher=teacher,
    )
    services.assignment_withdraw(assignment=gone)
    html = home()
    assert lessons_of(html).count("The Bridge</a>") == 1  # its own class's, not Modern Europe's
    assert "Modern Europe" not in html
    assert "The Ferry" not in html


def test_class_whose_lessons_were_all_withdrawn_is_still_listed(home, assignment, teacher):
    services.assignment_withdraw(assignment=assignment)
    html = home()
    assert "No lessons are assigned to you yet." in html
    classes = html.split("<h2>Your classes</h2>")[1]
    assert "<h3>History 10</h3>" in classes
    assert f"Teacher: {teacher.display_name}" in classes


def test_answers_saved_through_the_service_change_the_home_and_its_etag(
    client, home, assignment, student
):
    first = client.get(HOME)
    study = assignment.lesson.modules.get(position=STUDY)
    for question in study.questions.all():
        services.answer_save(
            assignment=assignment, student=student, question=question, text="Its leader."
        )
    again = client.get(HOME, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "1 of 5 modules complete" in card_of(page(again), "The Bridge")


def test_join_form_on_the_home_is_the_join_forms_own_field(home):
    field = render_to_string("includes/field.html", {"field": JoinForm()["code"]})
    panel = home().split('<section class="panel" aria-labelledby="join-heading">')[1]

    def words(html: str) -> list[str]:
        return html.split()

    assert " ".join(words(field)) in " ".join(words(panel))
    assert f'action="{reverse("accounts:class-join")}"' in panel


# What to do next: returned work, revision requests, due soon and new replies.


def _hand_in(assignment, student):
    from tests.teacher.conftest import hand_in

    return hand_in(assignment, student)


def _graded(assignment, student, teacher, points):
    from tests.teacher.conftest import grade

    submission = _hand_in(assignment, student)
    grade(submission, teacher, points)
    return submission


def _etag(client):
    return client.get(HOME)["ETag"]


def test_returned_work_shows_its_grade_and_the_card_says_returned(
    client, home, assignment, student, teacher
):
    from coursework import grading

    submission = _graded(assignment, student, teacher, [4, 3, 2, 1])
    before = _etag(client)
    grading.grade_return(submission=submission)
    assert _etag(client) != before
    html = home()
    returned = html.split('id="returned-heading"')[1].split("</section>")[0]
    assert "The Bridge</a>: 10/16 points" in returned
    card = card_of(html, "The Bridge")
    assert "Returned · 10/16 points" in card
    assert "Complete" not in card


def test_revision_request_shows_the_teachers_comment_and_the_card_says_so(
    client, home, assignment, student, teacher
):
    from coursework import grading

    submission = _graded(assignment, student, teacher, [2, 2, 2, 2])
    before = _etag(client)
    grading.revision_request(submission=submission, comment="Quote the council's minute.")
    assert _etag(client) != before
    html = home()
    asked = html.split('id="revision-heading"')[1].split("</section>")[0]
    assert "your teacher asks, “Quote the council&#x27;s minute.”" in asked
    card = card_of(html, "The Bridge")
    assert "Revision requested" in card and "In progress" not in card


def test_a_grade_not_yet_returned_is_not_shown(home, assignment, student, teacher):
    _graded(assignment, student, teacher, [4, 4, 4, 4])
    html = home()
    assert 'id="returned-heading"' not in html
    assert "16/16" not in html


def test_due_soon_lists_unfinished_lessons_due_within_7_days(home, assignment, classroom, teacher):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(days=2))
    later = services.assignment_create(
        classroom=classroom,
        lesson=build_lesson(assignment.lesson.documents.first(), ["background"], "The Tunnel"),
        teacher=teacher,
        due_at=timezone.now() + timedelta(days=20),
    )
    assert later.pk
    due = home().split('id="due-heading"')[1].split("</section>")[0]
    assert "The Bridge" in due and "The Tunnel" not in due


def test_new_replies_to_my_posts_until_i_open_the_discussion(
    client, home, assignment, student, classmate, lesson
):
    from coursework.models import Post
    from tests.coursework.conftest import DISCUSS

    module = lesson.modules.get(position=DISCUSS)
    mine = services.post_create(assignment=assignment, author=student, module=module, text="Yes.")
    services.post_create(assignment=assignment, author=classmate, module=module, text="Agreed!")
    # Opening the discussion after both posts: nothing is new.
    Progress.objects.filter(student=student, module=module).delete()
    client.get(module_url(assignment, DISCUSS))
    assert 'id="replies-heading"' not in home()
    before = _etag(client)
    Post.objects.filter(assignment=assignment).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    Progress.objects.filter(student=student, module=module).update(
        last_activity_at=timezone.now() - timedelta(minutes=30)
    )
    services.post_create(
        assignment=assignment, author=classmate, module=module, text="But the cost?", parent=mine
    )
    assert _etag(client) != before
    replies = home().split('id="replies-heading"')[1].split("</section>")[0]
    assert "Bruno Silva in The Bridge" in replies and "But the cost?" in replies
    assert "Agreed!" not in replies  # not a reply to my post
    assert module_url(assignment, DISCUSS) in replies


def test_a_lesson_coming_within_the_week_of_its_due_date_gives_a_new_etag(client, home, assignment):
    from unittest import mock

    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timedelta(days=8))
    before = _etag(client)
    assert 'id="due-heading"' not in home()
    later = timezone.now() + timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        after = client.get(HOME, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
    assert 'id="due-heading"' in page(after)


def test_the_site_navigation_is_each_roles_own_from_the_shared_cache(client, home, teacher):
    """The header's links are kept in the cache by role: a teacher after a student gets the
    teacher's, a student after a teacher the student's."""
    join, new_class = reverse("accounts:class-join"), reverse("accounts:class-create")
    nav = home().split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert f'href="{join}"' in nav and f'href="{new_class}"' not in nav
    client.force_login(teacher)
    nav = page(client.get(HOME)).split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert f'href="{new_class}"' in nav and f'href="{join}"' not in nav
    assert reverse("admin:index") not in nav
    teacher.is_staff = True
    teacher.save(update_fields=["is_staff"])
    nav = page(client.get(HOME)).split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert reverse("admin:index") in nav
