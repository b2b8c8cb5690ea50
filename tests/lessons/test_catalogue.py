"""The catalogue: searching published lessons by title, topic, era and skill, their cards,
and assigning one straight from its card."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Classroom
from coursework.forms import local_input_value
from coursework.models import Assignment
from lessons.models import Lesson, Question, SourceDocument
from lessons.services import lesson_copy_for_teacher, lesson_publish
from tests.coursework.conftest import ALL_KINDS, build_lesson

pytestmark = pytest.mark.django_db
CATALOGUE = "lessons:lesson-list"


def html(response) -> str:
    return response.content.decode()


def titles(client, **query) -> list[str]:
    response = client.get(reverse(CATALOGUE), query)
    assert response.status_code == 200, html(response)
    return [lesson.title for lesson in response.context["lessons"]]


@pytest.fixture
def ferry(document) -> Lesson:
    """A second lesson: another title, question, era (1850s) and only corroboration skills."""
    lesson = build_lesson(document, ["background", "corroboration"], title="The Ferry")
    Lesson.objects.filter(pk=lesson.pk).update(
        central_question="Who paid the ferryman?", summary="Tolls and trade on the river."
    )
    lesson.modules.get(kind="background").facts.update(year=1852, label="1852")
    return lesson


@pytest.fixture
def bridge(document) -> Lesson:
    return build_lesson(document, ALL_KINDS, title="The Bridge")


class TestSearch:
    def test_every_published_lesson_is_listed_without_a_search(
        self, client, teacher, bridge, ferry
    ):
        Lesson.objects.create(title="Unfinished", central_question="?")
        client.force_login(teacher)
        assert titles(client) == ["The Bridge", "The Ferry"]

    def test_by_title(self, client, teacher, bridge, ferry):
        client.force_login(teacher)
        assert titles(client, title="ferr") == ["The Ferry"]

    def test_by_topic_words_from_the_central_question_or_summary(
        self, client, teacher, bridge, ferry
    ):
        client.force_login(teacher)
        assert titles(client, topic="ferryman") == ["The Ferry"]
        assert titles(client, topic="river tolls") == ["The Ferry"]
        assert titles(client, topic="bridge") == ["The Bridge"]
        assert titles(client, topic="bridge river") == []

    def test_by_era_from_the_years_of_the_lessons_facts(self, client, teacher, bridge, ferry):
        client.force_login(teacher)
        assert titles(client, era_from=1900, era_to=1910) == ["The Bridge"]
        assert titles(client, era_to=1860) == ["The Ferry"]
        assert titles(client, era_from=1850) == ["The Bridge", "The Ferry"]
        assert titles(client, era_from=1700, era_to=1800) == []

    def test_by_skill_of_the_lessons_questions(self, client, teacher, bridge, ferry):
        client.force_login(teacher)
        assert titles(client, skill="sourcing") == ["The Bridge"]
        assert titles(client, skill="corroboration") == ["The Bridge", "The Ferry"]

    def test_fields_combine(self, client, teacher, bridge, ferry):
        client.force_login(teacher)
        assert titles(client, skill="corroboration", era_to=1860) == ["The Ferry"]

    def test_an_era_that_ends_before_it_starts_is_refused_with_a_message(
        self, client, teacher, bridge
    ):
        client.force_login(teacher)
        response = client.get(reverse(CATALOGUE), {"era_from": 1950, "era_to": 1900})
        assert response.status_code == 400
        assert "The last year is before the first: swap them." in html(response)
        assert list(response.context["lessons"]) == []

    def test_an_unknown_skill_or_a_year_that_is_not_a_number_is_refused(
        self, client, teacher, bridge
    ):
        client.force_login(teacher)
        for query in ({"skill": "astrology"}, {"era_from": "the thirties"}):
            response = client.get(reverse(CATALOGUE), query)
            assert response.status_code == 400, query
            assert 'class="errorlist"' in html(response)

    def test_no_match_says_so(self, client, teacher, bridge):
        client.force_login(teacher)
        assert "No lesson matches this search." in html(
            client.get(reverse(CATALOGUE), {"title": "Zeppelins"})
        )


class TestCards:
    def test_a_card_shows_grades_minutes_modules_era_skills_and_documents_by_title(
        self, client, teacher, bridge
    ):
        SourceDocument.objects.update(origin="0007_minutes_export.txt")
        client.force_login(teacher)
        page = html(client.get(reverse(CATALOGUE)))
        assert "<dt>Grades</dt><dd>Grades 9–12</dd>" in page
        assert "<dt>Time</dt><dd>90 min</dd>" in page
        assert f"<dt>Modules</dt><dd>{len(ALL_KINDS)}</dd>" in page
        assert "<dt>Era</dt><dd>1901</dd>" in page
        assert '<span class="tag skill-tag">Sourcing</span>' in page
        assert "<strong>Documents:</strong> Council minutes" in page
        assert "0007_minutes_export" not in page

    def test_the_assign_button_goes_straight_to_choosing_a_class_and_dates(
        self, client, teacher, classroom, bridge
    ):
        client.force_login(teacher)
        assign = reverse("lessons:lesson-assign", args=[bridge.pk])
        assert f'href="{assign}"' in html(client.get(reverse(CATALOGUE)))
        page = html(client.get(assign))
        assert "Assign “The Bridge”" in page
        for label in ("Class", "Opens", "Due"):
            assert f">{label}</label>" in page
        assert f'<option value="{classroom.pk}">History 10</option>' in page

    def test_the_catalogue_keeps_its_queries_however_many_lessons(
        self, client, teacher, document, django_assert_max_num_queries
    ):
        build_lesson(document, ALL_KINDS, title="L0")
        client.force_login(teacher)
        client.get(reverse(CATALOGUE))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse(CATALOGUE))
        for n in range(1, 6):
            build_lesson(document, ALL_KINDS, title=f"L{n}")
        copy = lesson_copy_for_teacher(lesson=Lesson.objects.get(title="L1"), teacher=teacher)
        lesson_publish(lesson=copy)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse(CATALOGUE), {"skill": "sourcing"})
        assert len(response.context["lessons"]) == 7

    def test_students_get_403_and_visitors_log_in(self, client, student, bridge):
        client.force_login(student)
        assert client.get(reverse(CATALOGUE)).status_code == 403
        assert client.get(reverse("lessons:lesson-assign", args=[bridge.pk])).status_code == 403
        client.logout()
        assert client.get(reverse(CATALOGUE)).url.startswith(reverse("accounts:login"))


class TestAssigningFromTheCatalogue:
    def url(self, lesson) -> str:
        return reverse("lessons:lesson-assign", args=[lesson.pk])

    def test_a_class_and_dates_assign_the_lesson(self, client, teacher, classroom, bridge):
        client.force_login(teacher)
        opens, due = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=8)
        response = client.post(
            self.url(bridge),
            {
                "classroom": classroom.pk,
                "opens_at": local_input_value(opens),
                "due_at": local_input_value(due),
            },
            follow=True,
        )
        assert response.redirect_chain[-1][0] == classroom.get_absolute_url()
        assert "Assigned “The Bridge” to History 10." in html(response)
        assignment = Assignment.objects.get()
        assert (assignment.classroom, assignment.lesson, assignment.assigned_by) == (
            classroom,
            bridge,
            teacher,
        )
        assert assignment.due_at > assignment.opens_at

    def test_no_class_chosen_is_refused_and_nothing_is_assigned(
        self, client, teacher, classroom, bridge
    ):
        client.force_login(teacher)
        response = client.post(self.url(bridge), {"classroom": ""})
        assert response.status_code == 400
        assert "Choose a class to assign the lesson to." in html(response)
        assert not Assignment.objects.exists()

    def test_another_teachers_class_is_refused(
        self, client, teacher, classroom, other_classroom, bridge
    ):
        client.force_login(teacher)
        response = client.post(self.url(bridge), {"classroom": other_classroom.pk})
        assert response.status_code == 400
        assert "That is not one of your active classes." in html(response)
        assert not Assignment.objects.exists()

    def test_an_archived_class_is_not_offered(self, client, teacher, classroom, bridge):
        Classroom.objects.filter(pk=classroom.pk).update(archived=True)
        client.force_login(teacher)
        page = html(client.get(self.url(bridge)))
        assert "You have no active class to assign it to." in page

    def test_the_services_refusals_show_on_the_form(self, client, teacher, classroom, bridge):
        client.force_login(teacher)
        past = local_input_value(timezone.now() - timedelta(days=2))
        response = client.post(self.url(bridge), {"classroom": classroom.pk, "due_at": past})
        assert response.status_code == 400
        assert not Assignment.objects.exists()
        client.post(self.url(bridge), {"classroom": classroom.pk})
        response = client.post(self.url(bridge), {"classroom": classroom.pk})
        assert response.status_code == 400
        assert "This lesson is already assigned to this class." in html(response)
        assert Assignment.objects.count() == 1

    def test_a_draft_is_not_assignable(self, client, admin_user, classroom, document):
        draft = Lesson.objects.create(title="Draft", central_question="?")
        client.force_login(admin_user)
        assert client.get(self.url(draft)).status_code == 404
        assert client.post(self.url(draft), {"classroom": classroom.pk}).status_code == 404
        assert not Assignment.objects.exists()


def test_the_class_page_preselects_the_lesson_named_in_the_address(
    client, teacher, classroom, bridge
):
    client.force_login(teacher)
    url = reverse("accounts:class-assignments", args=[classroom.pk])
    page = html(client.get(url, {"lesson": bridge.pk}))
    assert f'<option value="{bridge.pk}" selected>The Bridge</option>' in page


def test_skills_are_read_from_questions_only(client, teacher, ferry):
    Question.objects.filter(module__lesson=ferry).update(skill="close_reading")
    client.force_login(teacher)
    assert titles(client, skill="corroboration") == []
    assert titles(client, skill="close_reading") == ["The Ferry"]
