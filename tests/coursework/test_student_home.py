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


def card_of(html: str, title: str) -> str:
    """The HTML of the lesson card whose heading holds `title`."""
    for card in html.split('<li class="card')[1:]:
        if title in card.split("</h2>")[0]:
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
    html = home()
    assert html.index("The Ferry") < html.index("The Bridge")  # The Bridge is due later
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    html = home()
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
    assert html.count("The Bridge</a>") == 1  # its own class's, not Modern Europe's
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
