"""Publishing rules, read-only published lessons, new versions, and who may read lessons."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from lessons.models import Criterion, Excerpt, Lesson, Level, Module, Question, Rubric
from lessons.services import PublishRefused, lesson_new_version, lesson_publish


def test_a_complete_draft_publishes(draft_lesson):
    lesson_publish(lesson=draft_lesson)
    draft_lesson.refresh_from_db()
    assert draft_lesson.status == "published"
    assert draft_lesson.published_at is not None


def refused(lesson, *messages):
    with pytest.raises(PublishRefused) as raised:
        lesson_publish(lesson=lesson)
    text = " ".join(raised.value.problems)
    for message in messages:
        assert message in text
    lesson.refresh_from_db()
    assert lesson.status == "draft"


def test_a_lesson_without_modules_is_refused(db):
    refused(Lesson.objects.create(title="Empty", central_question="?"), "“Empty” has no modules")


def test_an_excerpt_without_a_source_span_is_refused_and_named(draft_lesson):
    Excerpt.objects.filter(module__lesson=draft_lesson).update(start=None, end=None)
    refused(draft_lesson, "Module 2 “Study”", "has no source span")


def test_an_excerpt_whose_words_no_longer_match_its_span_is_refused(draft_lesson):
    Excerpt.objects.filter(module__lesson=draft_lesson).update(text="Words the document never had.")
    refused(draft_lesson, "has no source span")


def test_an_assignment_without_a_rubric_is_refused_and_named(draft_lesson):
    Module.objects.filter(lesson=draft_lesson, kind="assignment").update(rubric=None)
    refused(draft_lesson, "Module 3 “Write” is a written assignment without a rubric")


def test_every_problem_is_reported_at_once(draft_lesson):
    Excerpt.objects.filter(module__lesson=draft_lesson).update(start=None, end=None)
    Module.objects.filter(lesson=draft_lesson, kind="assignment").update(rubric=None)
    refused(draft_lesson, "no source span", "without a rubric")


def test_the_rules_read_each_documents_text_once_however_many_excerpts(draft_lesson):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lessons.models import SourcedFact
    from lessons.services import lesson_publish_problems

    study = draft_lesson.modules.get(kind="document_study")
    source = study.excerpts.get()
    for _ in range(5):
        source.pk = None
        source.save()
    SourcedFact.objects.create(
        module=study, document=source.document, kind="event", label="May 1901", start=0, end=10
    )
    with CaptureQueriesContext(connection) as queries:
        assert lesson_publish_problems(lesson=draft_lesson) == []
    text_reads = [q["sql"] for q in queries if "cleaned_text" in q["sql"]]
    assert len(text_reads) == 1
    assert "lessons_excerpt" not in text_reads[0] and "lessons_sourcedfact" not in text_reads[0]
    assert len(queries) == 5


def test_an_excerpt_or_fact_past_its_documents_end_is_still_named(draft_lesson):
    from lessons.models import SourcedFact

    study = draft_lesson.modules.get(kind="document_study")
    document = study.excerpts.get().document
    SourcedFact.objects.create(
        module=study, document=document, kind="event", label="Far away", start=0, end=10_000
    )
    Excerpt.objects.filter(module=study).update(end=10_000)
    refused(draft_lesson, "“Far away” points past the end", "has no source span in Council")


def test_free_slugs_are_found_in_one_query(db, django_assert_num_queries):
    from lessons.services import lesson_free_slug

    for slug in ["the-bridge", "the-bridge-2", "the-bridge-3", "the-bridge-x"]:
        Lesson.objects.create(title="B", central_question="?", slug=slug)
    with django_assert_num_queries(1):
        assert lesson_free_slug(text="The Bridge") == "the-bridge-4"
    with django_assert_num_queries(1):
        assert lesson_free_slug(text="A new one") == "a-new-one"


def test_a_published_lesson_cannot_be_published_again(published_lesson):
    with pytest.raises(PublishRefused, match="not a draft"):
        lesson_publish(lesson=published_lesson)


def test_new_version_copies_into_a_draft_and_leaves_the_original(published_lesson):
    copy = lesson_new_version(lesson=published_lesson)
    assert copy.pk != published_lesson.pk
    assert (copy.status, copy.version, copy.previous_version) == ("draft", 2, published_lesson)
    assert copy.modules.count() == published_lesson.modules.count() == 3
    new_excerpt = Excerpt.objects.get(module__lesson=copy)
    assert new_excerpt.has_source_span
    question = Question.objects.get(module__lesson=copy)
    assert question.excerpt == new_excerpt
    # The frozen rubric stays shared until an author edits it (the editor copies it then).
    old_rubric = published_lesson.modules.get(kind="assignment").rubric
    assert copy.modules.get(kind="assignment").rubric == old_rubric
    # Editing the copy leaves the published lesson as it was.
    Question.objects.filter(module__lesson=copy).update(text="Changed")
    assert Question.objects.get(module__lesson=published_lesson).text == "Who is speaking?"
    lesson_publish(lesson=copy)


class TestAdminEditing:
    def test_a_draft_is_editable_in_the_admin(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        url = reverse("admin:lessons_lesson_change", args=[draft_lesson.pk])
        assert 'name="title"' in client.get(url).content.decode()

    def test_a_published_lesson_is_read_only_in_the_admin(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        url = reverse("admin:lessons_lesson_change", args=[published_lesson.pk])
        assert 'name="title"' not in client.get(url).content.decode()
        response = client.post(url, {"title": "Hacked", "central_question": "?"})
        assert response.status_code == 403
        published_lesson.refresh_from_db()
        assert published_lesson.title == "The Bridge"

    def test_a_published_lessons_excerpt_is_read_only(self, client, admin_user, published_lesson):
        client.force_login(admin_user)
        excerpt = Excerpt.objects.get(module__lesson=published_lesson)
        url = reverse("admin:lessons_excerpt_change", args=[excerpt.pk])
        response = client.post(url, {"speaker": "Someone else"})
        assert response.status_code == 403
        excerpt.refresh_from_db()
        assert excerpt.speaker == "Its leader"

    def test_re_attributing_an_excerpt_keeps_its_span(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        excerpt = Excerpt.objects.get(module__lesson=draft_lesson)
        url = reverse("admin:lessons_excerpt_change", args=[excerpt.pk])
        page = client.get(url).content.decode()
        assert "<mark>We shall build the bridge this year.</mark>" in page
        data = {
            "module": excerpt.module_id,
            "position": 0,
            "document": excerpt.document_id,
            "text": "We shall build the bridge",
            "speaker": "The council leader",
            "speaker_role": "participant",
            "date_text": "May 1901",
            "source_kind": "minutes",
            "context": "",
        }
        assert client.post(url, data).status_code == 302
        excerpt.refresh_from_db()
        assert excerpt.speaker == "The council leader"
        assert excerpt.has_source_span

    def test_excerpt_words_not_in_the_document_are_refused(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        excerpt = Excerpt.objects.get(module__lesson=draft_lesson)
        url = reverse("admin:lessons_excerpt_change", args=[excerpt.pk])
        data = {
            "module": excerpt.module_id,
            "position": 0,
            "document": excerpt.document_id,
            "text": "Invented words",
            "speaker": "X",
            "speaker_role": "participant",
            "date_text": "",
            "source_kind": "",
            "context": "",
        }
        response = client.post(url, data)
        assert response.status_code == 200
        assert "not in the document" in response.content.decode()
        excerpt.refresh_from_db()
        assert excerpt.text == "We shall build the bridge this year."

    def test_the_lesson_page_links_to_the_studio_instead_of_module_forms(
        self, client, admin_user, draft_lesson
    ):
        client.force_login(admin_user)
        url = reverse("admin:lessons_lesson_change", args=[draft_lesson.pk])
        page = client.get(url).content.decode()
        assert "modules-TOTAL_FORMS" not in page
        assert reverse("studio:lesson-edit", args=[draft_lesson.pk]) in page
        assert reverse("studio:lesson-checklist", args=[draft_lesson.pk]) in page
        for module in draft_lesson.modules.all():
            assert reverse("studio:module-edit", args=[draft_lesson.pk, module.pk]) in page

    def test_module_forms_posted_to_the_admin_change_no_module(
        self, client, admin_user, draft_lesson
    ):
        client.force_login(admin_user)
        url = reverse("admin:lessons_lesson_change", args=[draft_lesson.pk])
        first = draft_lesson.modules.get(position=1)
        data = {
            "title": draft_lesson.title,
            "slug": draft_lesson.slug,
            "central_question": "Why build it?",
            "summary": "",
            "grade_band": draft_lesson.grade_band,
            "estimated_minutes": 90,
            "modules-TOTAL_FORMS": 1,
            "modules-INITIAL_FORMS": 1,
            "modules-MIN_NUM_FORMS": 0,
            "modules-MAX_NUM_FORMS": 1000,
            "modules-0-id": first.pk,
            "modules-0-lesson": draft_lesson.pk,
            "modules-0-position": 9,
            "modules-0-kind": first.kind,
            "modules-0-title": "Forged",
        }
        assert client.post(url, data).status_code == 302
        first.refresh_from_db()
        assert (first.position, first.title) == (1, "Background")

    def test_modules_are_not_added_in_the_admin(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        assert client.get(reverse("admin:lessons_module_add")).status_code == 403

    def test_a_modules_page_links_to_its_studio_page(self, client, admin_user, draft_lesson):
        client.force_login(admin_user)
        module = draft_lesson.modules.get(position=2)
        page = client.get(reverse("admin:lessons_module_change", args=[module.pk])).content
        assert reverse("studio:module-edit", args=[draft_lesson.pk, module.pk]) in page.decode()
        assert b"excerpts-TOTAL_FORMS" not in page and b"questions-TOTAL_FORMS" not in page

    def test_publish_action_reports_problems(self, client, admin_user, db):
        empty = Lesson.objects.create(title="Empty", central_question="?")
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:lessons_lesson_changelist"),
            {"action": "publish", "_selected_action": [empty.pk]},
            follow=True,
        )
        assert "Not published: “Empty”: “Empty” has no modules" in response.content.decode()
        empty.refresh_from_db()
        assert empty.status == "draft"

    def test_publish_action_refuses_an_empty_slug_and_grade_band(
        self, client, admin_user, draft_lesson
    ):
        Lesson.objects.filter(pk=draft_lesson.pk).update(slug="", grade_band="  ")
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:lessons_lesson_changelist"),
            {"action": "publish", "_selected_action": [draft_lesson.pk]},
            follow=True,
        )
        page = response.content.decode()
        assert "The lesson has no slug" in page and "The lesson has no grade band" in page
        draft_lesson.refresh_from_db()
        assert draft_lesson.status == "draft"

    def test_publish_for_everyone_clears_the_owner(self, client, admin_user, teacher, draft_lesson):
        Lesson.objects.filter(pk=draft_lesson.pk).update(owner=teacher)
        client.force_login(admin_user)
        client.post(
            reverse("admin:lessons_lesson_changelist"),
            {"action": "publish_for_everyone", "_selected_action": [draft_lesson.pk]},
        )
        draft_lesson.refresh_from_db()
        assert (draft_lesson.status, draft_lesson.owner) == ("published", None)

    def test_new_version_action(self, client, admin_user, published_lesson):
        client.force_login(admin_user)
        client.post(
            reverse("admin:lessons_lesson_changelist"),
            {"action": "new_version", "_selected_action": [published_lesson.pk]},
        )
        assert Lesson.objects.filter(previous_version=published_lesson, status="draft").exists()


class TestReading:
    def test_teachers_read_published_lessons_but_not_drafts(
        self, client, teacher, published_lesson
    ):
        draft = Lesson.objects.create(title="Secret draft", central_question="?")
        client.force_login(teacher)
        listing = client.get(reverse("lessons:lesson-list")).content.decode()
        assert "The Bridge" in listing and "Secret draft" not in listing
        assert (
            client.get(reverse("lessons:lesson-detail", args=[published_lesson.pk])).status_code
            == 200
        )
        assert client.get(reverse("lessons:lesson-detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("studio:lesson-preview", args=[draft.pk, 1])).status_code == 404

    def test_teachers_cannot_edit_lessons(self, client, teacher, published_lesson):
        client.force_login(teacher)
        url = reverse("admin:lessons_lesson_change", args=[published_lesson.pk])
        assert client.get(url).status_code == 302

    def test_admins_preview_drafts_as_a_student_would_see_them(
        self, client, admin_user, draft_lesson
    ):
        client.force_login(admin_user)
        page = client.get(
            reverse("studio:lesson-preview", args=[draft_lesson.pk, 2])
        ).content.decode()
        assert "We shall build the bridge this year." in page
        assert "Its leader" in page and "May 1901" in page
        assert "Skill: Sourcing" in page
        assert ">Previous</a>" in page and ">Next</a>" in page
        assert "?excerpt=" in page

    def test_students_get_403_for_the_catalogue_and_404_for_a_lesson(
        self, client, student, published_lesson
    ):
        client.force_login(student)
        assert client.get(reverse("lessons:lesson-list")).status_code == 403
        assert (
            client.get(reverse("lessons:lesson-detail", args=[published_lesson.pk])).status_code
            == 403
        )

    def test_anonymous_visitors_are_sent_to_log_in(self, client, published_lesson):
        for url in (
            reverse("lessons:lesson-list"),
            reverse("lessons:lesson-detail", args=[published_lesson.pk]),
            reverse("lessons:document-detail", args=[published_lesson.documents.get().pk]),
        ):
            assert client.get(url).url.startswith(reverse("accounts:login"))

    def test_wrong_method(self, client, teacher, published_lesson):
        client.force_login(teacher)
        assert client.post(reverse("lessons:lesson-list")).status_code == 405
        assert (
            client.post(reverse("lessons:lesson-detail", args=[published_lesson.pk])).status_code
            == 405
        )

    def test_a_missing_module_position_is_404(self, client, teacher, published_lesson):
        client.force_login(teacher)
        assert (
            client.get(reverse("studio:lesson-preview", args=[published_lesson.pk, 99])).status_code
            == 404
        )


class TestSourceInContext:
    def test_the_excerpt_is_highlighted_in_its_document(self, client, teacher, published_lesson):
        excerpt = Excerpt.objects.get(module__lesson=published_lesson)
        client.force_login(teacher)
        url = reverse("lessons:document-detail", args=[excerpt.document_id])
        page = client.get(url, {"excerpt": excerpt.pk}).content.decode()
        assert '<mark id="passage">We shall build the bridge this year.</mark>' in page

    def test_a_document_only_in_a_draft_is_hidden_from_teachers(
        self, client, teacher, draft_lesson
    ):
        client.force_login(teacher)
        url = reverse("lessons:document-detail", args=[draft_lesson.documents.get().pk])
        assert client.get(url).status_code == 404

    def test_a_bad_excerpt_parameter_is_404(self, client, teacher, published_lesson):
        client.force_login(teacher)
        url = reverse("lessons:document-detail", args=[published_lesson.documents.get().pk])
        assert client.get(url, {"excerpt": "abc"}).status_code == 404
        assert client.get(url, {"excerpt": "999999"}).status_code == 404

    def test_students_cannot_read_documents_outside_their_lessons(
        self, client, student, published_lesson
    ):
        client.force_login(student)
        url = reverse("lessons:document-detail", args=[published_lesson.documents.get().pk])
        assert client.get(url).status_code == 404


# Rubrics: frozen once a published lesson uses them; copy to edit ------------------------


def rubric_of(lesson) -> Rubric:
    return lesson.modules.get(kind="assignment").rubric


def level_form(criterion, points: int) -> dict:
    """The admin's criterion page with its levels, the first level set to `points`."""
    levels = list(criterion.levels.all())
    data = {
        "rubric": criterion.rubric_id,
        "position": criterion.position,
        "title": criterion.title,
        "skill": criterion.skill,
        "description": criterion.description,
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": len(levels),
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
    }
    for index, level in enumerate(levels):
        data |= {
            f"levels-{index}-id": level.pk,
            f"levels-{index}-criterion": criterion.pk,
            f"levels-{index}-position": level.position,
            f"levels-{index}-title": level.title,
            f"levels-{index}-points": points if index == 0 else level.points,
            f"levels-{index}-description": level.description,
        }
    return data


class TestFrozenRubrics:
    def test_a_published_lessons_rubric_is_read_only_in_the_admin(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        rubric = rubric_of(published_lesson)
        url = reverse("admin:lessons_rubric_change", args=[rubric.pk])
        html = client.get(url).content.decode()
        assert 'name="title"' not in html and 'name="criteria-0-title"' not in html
        response = client.post(url, {"title": "Changed"})
        assert response.status_code == 403
        rubric.refresh_from_db()
        assert rubric.title == "Essay rubric"
        listing = client.get(reverse("admin:lessons_rubric_changelist")).content.decode()
        assert "Read-only: copy to edit" in listing

    def test_a_published_lessons_level_points_cannot_change_in_the_admin(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        criterion = rubric_of(published_lesson).criteria.first()
        url = reverse("admin:lessons_criterion_change", args=[criterion.pk])
        assert 'name="levels-0-points"' not in client.get(url).content.decode()
        before = list(criterion.levels.values_list("points", flat=True))
        assert client.post(url, level_form(criterion, 0)).status_code == 403
        assert list(criterion.levels.values_list("points", flat=True)) == before

    def test_a_rubric_is_shown_read_only_with_links_to_its_studio_grid(
        self, client, admin_user, draft_lesson
    ):
        client.force_login(admin_user)
        rubric = rubric_of(draft_lesson)
        writing = draft_lesson.modules.get(kind="assignment")
        page = client.get(reverse("admin:lessons_rubric_change", args=[rubric.pk])).content
        page = page.decode()
        assert "criteria-TOTAL_FORMS" not in page
        assert "<strong>4 pts</strong> L4: Claim at 4" in page
        assert reverse("studio:rubric-edit", args=[draft_lesson.pk, writing.pk]) in page
        criterion = rubric.criteria.first()
        url = reverse("admin:lessons_criterion_change", args=[criterion.pk])
        assert 'name="levels-0-points"' not in client.get(url).content.decode()
        client.post(url, level_form(criterion, 9))
        assert list(criterion.levels.values_list("points", flat=True)) == [4, 3, 2, 1]

    def test_rubrics_and_criteria_are_not_added_in_the_admin(self, client, admin_user, db):
        client.force_login(admin_user)
        for name in ("admin:lessons_rubric_add", "admin:lessons_criterion_add"):
            assert client.get(reverse(name)).status_code == 403
            assert client.post(reverse(name), {"title": "Forged"}).status_code == 403
        assert not Rubric.objects.exists()

    def test_a_frozen_rubric_refuses_every_change_in_the_models(self, published_lesson):
        rubric = rubric_of(published_lesson)
        criterion = rubric.criteria.first()
        level = criterion.levels.first()
        before = [
            (lv.pk, lv.points, lv.title) for lv in Level.objects.filter(criterion__rubric=rubric)
        ]
        level.points = 0
        changes = [
            level.save,
            lambda: Level.objects.create(
                criterion=criterion, title="New", points=7, description="x"
            ),
            lambda: Criterion.objects.create(rubric=rubric, title="Added"),
            lambda: rubric.save(),
            level.delete,
            lambda: Level.objects.filter(criterion__rubric=rubric).delete(),
            lambda: Criterion.objects.filter(rubric=rubric).delete(),
        ]
        for change in changes:
            with pytest.raises(ValidationError, match="copy it to edit"), transaction.atomic():
                change()
        after = [
            (lv.pk, lv.points, lv.title) for lv in Level.objects.filter(criterion__rubric=rubric)
        ]
        assert after == before
        assert rubric.criteria.count() == 4

    def test_a_criterion_cannot_move_out_of_a_frozen_rubric(self, published_lesson):
        criterion = rubric_of(published_lesson).criteria.first()
        criterion.rubric = Rubric.objects.create(title="Elsewhere")
        with pytest.raises(ValidationError, match="copy it to edit"), transaction.atomic():
            criterion.save()

    def test_copy_to_edit_makes_an_editable_rubric_with_the_same_criteria(
        self, client, admin_user, published_lesson
    ):
        client.force_login(admin_user)
        rubric = rubric_of(published_lesson)
        response = client.post(
            reverse("admin:lessons_rubric_changelist"),
            {"action": "copy_to_edit", "_selected_action": [rubric.pk]},
            follow=True,
        )
        copy = Rubric.objects.exclude(pk=rubric.pk).get()
        assert copy.title == "Essay rubric (copy)" and not copy.is_frozen
        assert "which you can edit" in response.content.decode()

        def shape(r):
            return [
                (c.title, [(lv.title, lv.points) for lv in c.levels.all()])
                for c in r.criteria.all()
            ]

        assert shape(copy) == shape(rubric)
        url = reverse("admin:lessons_rubric_change", args=[copy.pk])
        assert client.post(url, {"title": "Adapted"}).status_code == 302
        copy.refresh_from_db()
        assert copy.title == "Adapted"
