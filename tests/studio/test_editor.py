"""The lesson editor: the lesson's fields, its modules, each module's excerpts and questions,
refusals that change nothing, and stale pages refused with both versions shown."""

import pytest
from django.urls import reverse

from lessons.models import Excerpt, Lesson, Module, Question
from lessons.services import lesson_publish
from tests.conftest import make_user
from tests.studio.conftest import grant_authoring

pytestmark = pytest.mark.django_db


def edit_url(lesson):
    return reverse("studio:lesson-edit", args=[lesson.pk])


def module_url(lesson, module, name="module-edit", *more):
    return reverse(f"studio:{name}", args=[lesson.pk, module.pk, *more])


def lesson_fields(lesson, **changes):
    data = {
        "revision": lesson.revision,
        "title": lesson.title,
        "central_question": lesson.central_question,
        "summary": lesson.summary,
        "grade_band": lesson.grade_band,
        "estimated_minutes": lesson.estimated_minutes,
        "slug": lesson.slug,
    }
    return {**data, **changes}


def positions(lesson):
    return list(lesson.modules.order_by("position").values_list("title", flat=True))


def study(lesson) -> Module:
    return lesson.modules.get(kind="document_study")


# The studio's list -------------------------------------------------------------------------


def test_lesson_list_shows_drafts_first(client, admin_user, draft_lesson, document):
    published = Lesson.objects.create(title="Aardvarks", central_question="Why?")
    published.status = "published"
    published.save()
    client.force_login(admin_user)
    page = client.get(reverse("studio:lesson-list")).content.decode()
    assert page.index(draft_lesson.title) < page.index("Aardvarks")


def test_teacher_lists_only_own_copies(client, teacher, draft_lesson, teachers_copy):
    client.force_login(teacher)
    response = client.get(reverse("studio:lesson-list"))
    assert list(response.context["lessons"]) == [teachers_copy]
    assert "Your own copy" in response.content.decode()


def test_student_gets_403_on_the_studio_list(client, student):
    client.force_login(student)
    assert client.get(reverse("studio:lesson-list")).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, draft_lesson):
    response = client.get(edit_url(draft_lesson))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# Who may open and save ----------------------------------------------------------------------


def test_author_opens_the_editor_with_links_to_documents(client, author, draft_lesson, document):
    client.force_login(author)
    response = client.get(edit_url(draft_lesson))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("lessons:document-detail", args=[document.pk]) in page
    assert "Move down" in page and "Save lesson" in page


def test_teacher_without_permission_gets_403_and_changes_nothing(client, teacher, draft_lesson):
    client.force_login(teacher)
    assert client.get(edit_url(draft_lesson)).status_code == 403
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, title="Hijacked"))
    assert response.status_code == 403
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "The Bridge" and draft_lesson.revision == 1


def test_another_teachers_copy_is_404_even_to_an_author(client, author, teachers_copy):
    client.force_login(author)
    assert client.get(edit_url(teachers_copy)).status_code == 404
    module = teachers_copy.modules.first()
    assert client.get(module_url(teachers_copy, module)).status_code == 404


def test_teacher_edits_own_copy(client, teacher, teachers_copy):
    client.force_login(teacher)
    response = client.post(edit_url(teachers_copy), lesson_fields(teachers_copy, title="Mine"))
    assert response.status_code == 302
    teachers_copy.refresh_from_db()
    assert teachers_copy.title == "Mine"


def test_module_of_another_lesson_is_404(client, admin_user, draft_lesson, teachers_copy):
    client.force_login(admin_user)
    other = teachers_copy.modules.first()
    assert client.get(module_url(draft_lesson, other)).status_code == 404


def test_published_lesson_opens_read_only_and_refuses_writes(client, admin_user, draft_lesson):
    lesson_publish(lesson=draft_lesson)
    client.force_login(admin_user)
    page = client.get(edit_url(draft_lesson)).content.decode()
    assert "read-only" in page and "Save lesson" not in page
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, title="Changed"))
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    module = study(draft_lesson)
    response = client.post(
        module_url(draft_lesson, module, "module-move"), {"revision": 1, "direction": "up"}
    )
    assert response.status_code == 403
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "The Bridge"
    assert positions(draft_lesson) == ["Background", "Study", "Write"]


# The lesson's own fields --------------------------------------------------------------------


def test_saving_the_lesson_changes_its_fields_and_revision(client, author, draft_lesson):
    client.force_login(author)
    data = lesson_fields(
        draft_lesson, title="Bridges", grade_band="Grades 6–8", estimated_minutes=45
    )
    response = client.post(edit_url(draft_lesson), data)
    assert response.status_code == 302
    draft_lesson.refresh_from_db()
    assert (draft_lesson.title, draft_lesson.grade_band, draft_lesson.estimated_minutes) == (
        "Bridges",
        "Grades 6–8",
        45,
    )
    assert draft_lesson.revision == 2


def test_the_short_name_can_be_set_where_it_is_missing(client, author, draft_lesson):
    Lesson.objects.filter(pk=draft_lesson.pk).update(slug="")
    draft_lesson.refresh_from_db()
    client.force_login(author)
    page = client.get(edit_url(draft_lesson)).content.decode()
    assert 'name="slug"' in page
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, slug="the-bridge"))
    assert response.status_code == 302
    draft_lesson.refresh_from_db()
    assert draft_lesson.slug == "the-bridge"


@pytest.mark.parametrize("slug", ["", "not a slug!"])
def test_a_missing_or_malformed_short_name_is_refused(client, author, draft_lesson, slug):
    before = draft_lesson.slug
    client.force_login(author)
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, slug=slug))
    assert response.status_code == 400
    draft_lesson.refresh_from_db()
    assert (draft_lesson.slug, draft_lesson.revision) == (before, 1)


def test_another_lessons_short_name_is_refused(client, author, draft_lesson):
    other = Lesson.objects.create(title="Other", central_question="?", slug="taken")
    client.force_login(author)
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, slug=other.slug))
    assert response.status_code == 400
    assert "Another lesson already uses the short name" in response.content.decode()
    draft_lesson.refresh_from_db()
    assert draft_lesson.slug != "taken" and draft_lesson.revision == 1


def test_a_later_version_keeps_its_short_name(client, author, draft_lesson):
    first = Lesson.objects.create(
        title="The Bridge", central_question="?", slug=draft_lesson.slug or "bridge"
    )
    Lesson.objects.filter(pk=draft_lesson.pk).update(previous_version=first, slug=first.slug)
    draft_lesson.refresh_from_db()
    client.force_login(author)
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, slug="renamed"))
    assert response.status_code == 400
    assert "every version of a lesson shares it" in response.content.decode()
    draft_lesson.refresh_from_db()
    assert draft_lesson.slug == first.slug and draft_lesson.revision == 1


def test_an_empty_title_is_refused_and_nothing_changes(client, author, draft_lesson):
    client.force_login(author)
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, title=" "))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "The Bridge" and draft_lesson.revision == 1


def test_a_save_without_revision_is_refused(client, author, draft_lesson):
    client.force_login(author)
    data = lesson_fields(draft_lesson, title="New")
    del data["revision"]
    response = client.post(edit_url(draft_lesson), data)
    assert response.status_code == 400
    assert "Reload the page" in response.content.decode()
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "The Bridge"


def test_a_stale_lesson_save_is_refused_with_both_versions(client, author, draft_lesson):
    client.force_login(author)
    assert (
        client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, title="First")).status_code
        == 302
    )
    stale = lesson_fields(draft_lesson, title="Second")  # still revision 1
    response = client.post(edit_url(draft_lesson), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "out of date" in page
    assert "First" in page and "Second" in page
    # The form now carries the stored revision, so a deliberate second save goes through.
    assert response.context["form"]["revision"].value() == "2"
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "First" and draft_lesson.revision == 2


def test_htmx_lesson_save_answers_its_own_section_only(client, author, draft_lesson):
    client.force_login(author)
    response = client.post(
        edit_url(draft_lesson), lesson_fields(draft_lesson, title="Quick"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section aria-labelledby="about-heading" id="about"')
    assert "<html" not in page and 'id="editor"' not in page
    # The modules, with the add form an author may be typing in, are left alone.
    assert 'id="modules"' not in page and "Add module" not in page
    # Out of band: the status line, the heading and the revision the save made.
    status = '<p class="save-status" role="status" id="save-status" data-hx-swap-oob="innerHTML">'
    assert f"{status}Lesson saved.</p>" in page
    assert '<h1 id="editor-title" data-hx-swap-oob="true">Quick</h1>' in page
    assert 'data-was="1" data-now="2"' in page


def test_htmx_stale_lesson_save_shows_both_versions_in_its_section(client, author, draft_lesson):
    client.force_login(author)
    client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, title="Quick"))
    stale = client.post(
        edit_url(draft_lesson), lesson_fields(draft_lesson, title="Late"), HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Quick" in page and "Late" in page and 'id="modules"' not in page
    assert "data-was" not in page  # a refusal brings no other form up to date


def test_htmx_module_add_answers_the_module_list_only(client, author, draft_lesson):
    client.force_login(author)
    response = client.post(
        reverse("studio:module-add", args=[draft_lesson.pk]),
        {"revision": 1, "kind": "discussion", "title": "Talk it over"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section aria-labelledby="modules-heading" id="modules"')
    assert "Talk it over" in page and 'data-was="1" data-now="2"' in page
    assert 'id="about"' not in page and "Save lesson" not in page and "editor-title" not in page


def test_a_form_brought_up_to_the_new_revision_saves_after_another_sections_save(
    client, author, draft_lesson
):
    """What the page's script does after an in-place save: the lesson's form, typed in
    but not saved, now carries the revision the module list's save made."""
    client.force_login(author)
    client.post(
        reverse("studio:module-add", args=[draft_lesson.pk]),
        {"revision": 1, "kind": "discussion", "title": "Talk it over"},
        HTTP_HX_REQUEST="true",
    )
    typed = lesson_fields(draft_lesson, title="Typed before the module was added")
    assert client.post(edit_url(draft_lesson), typed, HTTP_HX_REQUEST="true").status_code == 409
    typed["revision"] = 2
    assert client.post(edit_url(draft_lesson), typed, HTTP_HX_REQUEST="true").status_code == 200
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "Typed before the module was added"
    assert draft_lesson.modules.filter(title="Talk it over").exists()


def test_htmx_question_save_answers_that_question_only(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    other = Question.objects.create(module=module, position=5, text="Other?", skill="sourcing")
    question = module.questions.exclude(pk=other.pk).get()
    response = client.post(
        module_url(draft_lesson, module, "question-edit", question.pk),
        {
            f"q{question.pk}-revision": 1,
            f"q{question.pk}-text": "Who speaks?",
            f"q{question.pk}-skill": "sourcing",
            f"q{question.pk}-excerpt": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<li class="studio-item" id="question-{question.pk}"')
    assert "HX-Retarget" not in response.headers
    assert "Who speaks?" in page and "Question saved." in page
    assert f'id="question-{other.pk}"' not in page and "Other?" not in page
    assert "Save module" not in page and 'id="excerpts"' not in page
    assert 'data-was="1" data-now="2"' in page


def test_htmx_module_save_answers_its_text_section_and_heading(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    response = client.post(
        module_url(draft_lesson, module),
        {"revision": 1, "title": "Reading the speech", "body": "Read it twice."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section aria-labelledby="text-heading" id="text"')
    assert 'id="questions"' not in page and 'id="excerpts"' not in page
    assert '<h1 id="editor-title" data-hx-swap-oob="true">Reading the speech</h1>' in page


def test_htmx_question_add_answers_the_question_list(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    response = client.post(
        module_url(draft_lesson, module, "question-add"),
        {"new-revision": 1, "new-text": "Why then?", "new-skill": "contextualization"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section aria-labelledby="questions-heading" id="questions"')
    assert "Why then?" in page and "Save module" not in page


# Modules: add, move, reorder, remove --------------------------------------------------------


def test_author_adds_a_module_at_the_end(client, author, draft_lesson):
    client.force_login(author)
    response = client.post(
        reverse("studio:module-add", args=[draft_lesson.pk]),
        {"revision": 1, "kind": "discussion", "title": "Talk it over"},
    )
    assert response.status_code == 302
    added = draft_lesson.modules.get(title="Talk it over")
    assert (added.position, added.kind) == (4, "discussion")
    assert response["Location"].endswith(f"#edit-{added.pk}")


def test_an_unknown_module_kind_is_refused(client, author, draft_lesson):
    client.force_login(author)
    response = client.post(
        reverse("studio:module-add", args=[draft_lesson.pk]),
        {"revision": 1, "kind": "quiz", "title": "Quiz"},
    )
    assert response.status_code == 400
    assert draft_lesson.modules.count() == 3


def test_move_buttons_swap_neighbours_and_stop_at_the_ends(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    url = module_url(draft_lesson, module, "module-move")
    assert client.post(url, {"revision": 1, "direction": "up"}).status_code == 302
    assert positions(draft_lesson) == ["Study", "Background", "Write"]
    background = draft_lesson.modules.get(kind="background")
    page = client.get(edit_url(draft_lesson)).content.decode()
    assert page.index(f'id="edit-{module.pk}"') < page.index(f'id="edit-{background.pk}"')
    assert client.post(url, {"revision": 2, "direction": "up"}).status_code == 302
    assert positions(draft_lesson) == ["Study", "Background", "Write"]
    htmx = client.post(url, {"revision": 3, "direction": "down"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert positions(draft_lesson) == ["Background", "Study", "Write"]
    page = htmx.content.decode()
    assert page.index(f'id="edit-{background.pk}"') < page.index(f'id="edit-{module.pk}"')


def test_a_move_from_a_stale_page_is_refused(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    url = module_url(draft_lesson, module, "module-move")
    client.post(url, {"revision": 1, "direction": "up"})
    response = client.post(url, {"revision": 1, "direction": "down"})
    assert response.status_code == 409
    assert "move “Study” down" in response.content.decode()
    assert positions(draft_lesson) == ["Study", "Background", "Write"]


def test_drag_order_puts_modules_in_place(client, author, draft_lesson):
    client.force_login(author)
    pks = list(draft_lesson.modules.values_list("pk", flat=True))
    url = reverse("studio:module-reorder", args=[draft_lesson.pk])
    order = ",".join(str(pk) for pk in reversed(pks))
    assert client.post(url, {"revision": 1, "order": order}).status_code == 302
    assert positions(draft_lesson) == ["Write", "Study", "Background"]


@pytest.mark.parametrize("order", ["1,2", "a,b,c", "", "{0},{0},{1}"])
def test_a_drag_order_that_is_not_the_modules_is_refused(client, author, draft_lesson, order):
    client.force_login(author)
    pks = list(draft_lesson.modules.values_list("pk", flat=True))
    url = reverse("studio:module-reorder", args=[draft_lesson.pk])
    response = client.post(url, {"revision": 1, "order": order.format(*pks)})
    assert response.status_code == 400
    assert positions(draft_lesson) == ["Background", "Study", "Write"]


def test_removing_a_module_asks_first_then_closes_the_gap(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    url = module_url(draft_lesson, module, "module-remove")
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "1 excerpt and 1 question" in confirm.content.decode()
    assert draft_lesson.modules.count() == 3
    assert client.post(url, {"revision": 1}).status_code == 302
    assert positions(draft_lesson) == ["Background", "Write"]
    assert list(draft_lesson.modules.values_list("position", flat=True)) == [1, 2]
    assert not Excerpt.objects.filter(module_id=module.pk).exists()


# One module -----------------------------------------------------------------------------------


def test_module_fields_save_and_the_assignment_takes_points(client, author, draft_lesson):
    client.force_login(author)
    write = draft_lesson.modules.get(kind="assignment")
    data = {"revision": 1, "title": "Essay", "body": "Write 500 words.", "points": 20}
    assert client.post(module_url(draft_lesson, write), data).status_code == 302
    write.refresh_from_db()
    assert (write.title, write.body, write.points, write.revision) == (
        "Essay",
        "Write 500 words.",
        20,
        2,
    )


def test_negative_points_are_refused(client, author, draft_lesson):
    client.force_login(author)
    write = draft_lesson.modules.get(kind="assignment")
    data = {"revision": 1, "title": "Essay", "body": "", "points": -3}
    assert client.post(module_url(draft_lesson, write), data).status_code == 400
    write.refresh_from_db()
    assert (write.title, write.points) == ("Write", 16)


def test_a_stale_module_save_shows_both_texts(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    client.post(module_url(draft_lesson, module), {"revision": 1, "title": "Study", "body": "Mine"})
    response = client.post(
        module_url(draft_lesson, module), {"revision": 1, "title": "Study", "body": "Theirs"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mine" in page and "Theirs" in page and "Saved version (newer)" in page
    module.refresh_from_db()
    assert module.body == "Mine"


def test_excerpt_links_go_to_the_passage_and_back(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    excerpt = module.excerpts.get()
    page = client.get(module_url(draft_lesson, module)).content.decode()
    back = module_url(draft_lesson, module)
    link = reverse("lessons:document-detail", args=[excerpt.document_id])
    assert f"{link}?excerpt={excerpt.pk}&amp;next={back}#passage" in page


def test_author_picks_an_excerpt_from_the_lessons_documents(client, author, draft_lesson):
    client.force_login(author)
    source = study(draft_lesson).excerpts.get()
    reading = draft_lesson.modules.get(kind="background")
    page = client.get(module_url(draft_lesson, reading)).content.decode()
    assert "Add excerpt" in page
    url = module_url(draft_lesson, reading, "excerpt-add")
    assert client.post(url, {"revision": 1, "excerpt": source.pk}).status_code == 302
    copy = reading.excerpts.get()
    assert (copy.text, copy.start, copy.end, copy.speaker) == (
        source.text,
        source.start,
        source.end,
        source.speaker,
    )
    assert copy.pk != source.pk and copy.has_source_span


def test_an_excerpt_from_another_document_cannot_be_picked(client, author, draft_lesson):
    from lessons.models import SourceDocument

    other = SourceDocument.objects.create(
        title="Elsewhere",
        origin="x",
        content_hash="h2",
        shape="web",
        raw_text="Hi.",
        cleaned_text="Hi.",
    )
    outsider = Excerpt.objects.create(
        module=study(draft_lesson), document=other, text="Hi.", start=0, end=3
    )
    outsider.module = Module.objects.create(
        lesson=Lesson.objects.create(title="Other", central_question="?"),
        position=1,
        kind="background",
        title="B",
    )
    outsider.save()
    client.force_login(author)
    reading = draft_lesson.modules.get(kind="background")
    url = module_url(draft_lesson, reading, "excerpt-add")
    response = client.post(url, {"revision": 1, "excerpt": outsider.pk})
    assert response.status_code == 400
    assert not reading.excerpts.exists()


def test_excerpts_are_removed_and_reordered(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    first = module.excerpts.get()
    second = Excerpt.objects.create(
        module=module,
        position=1,
        document=first.document,
        text="The council met in May 1901.",
        start=0,
        end=28,
    )
    url = module_url(draft_lesson, module, "excerpt-move", second.pk)
    assert client.post(url, {"revision": 1, "direction": "up"}).status_code == 302
    assert list(module.excerpts.values_list("pk", flat=True)) == [second.pk, first.pk]
    url = module_url(draft_lesson, module, "excerpt-remove", first.pk)
    assert client.post(url, {"revision": 2}).status_code == 302
    assert list(module.excerpts.values_list("pk", flat=True)) == [second.pk]
    question = module.questions.get()
    assert question.excerpt is None  # the question stays, about no excerpt


def test_questions_are_added_edited_reordered_and_deleted(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    excerpt = module.excerpts.get()
    old = module.questions.get()
    add = module_url(draft_lesson, module, "question-add")
    data = {
        "new-revision": 1,
        "new-text": "When was it said?",
        "new-skill": "contextualization",
        "new-excerpt": excerpt.pk,
    }
    assert client.post(add, data).status_code == 302
    new = module.questions.get(text="When was it said?")
    assert (new.skill, new.excerpt, new.position) == ("contextualization", excerpt, 1)

    edit = module_url(draft_lesson, module, "question-edit", old.pk)
    data = {
        f"q{old.pk}-revision": 2,
        f"q{old.pk}-text": "Who speaks, and why?",
        f"q{old.pk}-skill": "close_reading",
        f"q{old.pk}-excerpt": "",
    }
    assert client.post(edit, data).status_code == 302
    old.refresh_from_db()
    assert (old.text, old.skill, old.excerpt) == ("Who speaks, and why?", "close_reading", None)

    move = module_url(draft_lesson, module, "question-move", new.pk)
    assert client.post(move, {"revision": 3, "direction": "up"}).status_code == 302
    assert list(module.questions.values_list("pk", flat=True)) == [new.pk, old.pk]

    remove = module_url(draft_lesson, module, "question-remove", old.pk)
    assert client.post(remove, {"revision": 4}).status_code == 302
    assert list(module.questions.values_list("pk", flat=True)) == [new.pk]
    module.refresh_from_db()
    assert module.revision == 5


def test_a_question_without_a_valid_skill_is_refused(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    add = module_url(draft_lesson, module, "question-add")
    data = {"new-revision": 1, "new-text": "Why?", "new-skill": "guessing", "new-excerpt": ""}
    response = client.post(add, data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert module.questions.count() == 1


def test_a_question_of_another_module_is_404(client, author, draft_lesson):
    client.force_login(author)
    question = study(draft_lesson).questions.get()
    reading = draft_lesson.modules.get(kind="background")
    url = module_url(draft_lesson, reading, "question-remove", question.pk)
    assert client.post(url, {"revision": 1}).status_code == 404
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_discussion_module_edits_its_prompt(client, author, draft_lesson):
    client.force_login(author)
    talk = Module.objects.create(lesson=draft_lesson, position=4, kind="discussion", title="Talk")
    page = client.get(module_url(draft_lesson, talk)).content.decode()
    assert "Discussion prompt" in page and "Add prompt" in page


# Queries stay constant -----------------------------------------------------------------------


def test_editor_pages_keep_their_query_count_as_content_grows(
    client, author, draft_lesson, django_assert_max_num_queries
):
    client.force_login(author)
    module = study(draft_lesson)
    excerpt = module.excerpts.get()

    def grow():
        last = draft_lesson.modules.count()
        for i in range(5):
            Module.objects.create(
                lesson=draft_lesson, position=last + 1 + i, kind="background", title=f"More {i}"
            )
            Question.objects.create(
                module=module, position=10 + i, text=f"Q{i}", skill="sourcing", excerpt=excerpt
            )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_lesson:
        client.get(edit_url(draft_lesson))
    with CaptureQueriesContext(connection) as small_module:
        client.get(module_url(draft_lesson, module))
    grow()
    with django_assert_max_num_queries(len(small_lesson)):
        client.get(edit_url(draft_lesson))
    with django_assert_max_num_queries(len(small_module)):
        client.get(module_url(draft_lesson, module))


def test_a_teacher_granted_the_permission_through_a_group_may_author(client, draft_lesson):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Authors")
    group.permissions.add(Permission.objects.get(codename="author_lessons"))
    person = make_user("grouped", role="teacher")
    person.groups.add(group)
    client.force_login(person)
    assert client.get(edit_url(draft_lesson)).status_code == 200


def test_grant_helper_is_reused(author):
    assert grant_authoring(author).has_perm("lessons.author_lessons")


def test_the_passage_page_links_back_to_the_editor(client, admin_user, draft_lesson):
    client.force_login(admin_user)
    module = study(draft_lesson)
    excerpt = module.excerpts.get()
    here = module_url(draft_lesson, module)
    url = reverse("lessons:document-detail", args=[excerpt.document_id])
    page = client.get(url, {"excerpt": excerpt.pk, "next": here}).content.decode()
    assert f'<a href="{here}">Back to where you came from</a>' in page
    assert "<mark" in page


@pytest.mark.parametrize("bad", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_passage_page_never_links_back_off_the_site(client, admin_user, draft_lesson, bad):
    client.force_login(admin_user)
    excerpt = study(draft_lesson).excerpts.get()
    url = reverse("lessons:document-detail", args=[excerpt.document_id])
    page = client.get(url, {"excerpt": excerpt.pk, "next": bad}).content.decode()
    assert "Back to where you came from" not in page


def test_excerpts_of_a_teachers_private_copy_are_never_offered(client, author, draft_lesson):
    from lessons.services import lesson_new_version

    private = lesson_new_version(lesson=draft_lesson)
    private.owner = make_user("someone", role="teacher")
    private.save()
    secret = study(private).excerpts.get()
    secret.speaker = "A private note about the leader"
    secret.save()
    client.force_login(author)
    reading = draft_lesson.modules.get(kind="background")
    page = client.get(module_url(draft_lesson, reading)).content.decode()
    assert "Add excerpt" in page  # the school's own excerpt is offered
    assert "A private note about the leader" not in page
    response = client.post(
        module_url(draft_lesson, reading, "excerpt-add"), {"revision": 1, "excerpt": secret.pk}
    )
    assert response.status_code == 400
    assert not reading.excerpts.exists()


def test_a_school_drafts_excerpts_are_never_offered_to_a_teachers_copy(
    client, teacher, draft_lesson, teachers_copy
):
    minutes = draft_lesson.documents.get()
    words = "The council met in May 1901."
    unpublished = Excerpt.objects.create(
        module=study(draft_lesson),
        document=minutes,
        text=words,
        start=0,
        end=len(words),
        speaker="A line still being drafted",
    )
    client.force_login(teacher)
    reading = teachers_copy.modules.get(kind="background")
    page = client.get(module_url(teachers_copy, reading)).content.decode()
    assert "A line still being drafted" not in page
    response = client.post(
        module_url(teachers_copy, reading, "excerpt-add"),
        {"revision": 1, "excerpt": unpublished.pk},
    )
    assert response.status_code == 400
    assert not reading.excerpts.exists()


def test_a_published_school_lessons_excerpts_are_offered_to_a_teachers_copy(
    client, teacher, published_lesson
):
    from lessons.services import lesson_copy_for_teacher

    copy = lesson_copy_for_teacher(lesson=published_lesson, teacher=teacher)
    published = study(published_lesson).excerpts.get()
    Excerpt.objects.filter(module__lesson=copy).delete()
    client.force_login(teacher)
    reading = copy.modules.get(kind="background")
    response = client.post(
        module_url(copy, reading, "excerpt-add"), {"revision": 1, "excerpt": published.pk}
    )
    assert response.status_code == 302
    assert reading.excerpts.get().text == published.text


@pytest.mark.parametrize("start,end", [(0, 10_000), (None, None), (None, 20), (20, None)])
def test_an_excerpt_whose_place_is_not_in_its_document_is_refused(
    client, author, draft_lesson, start, end
):
    source = study(draft_lesson).excerpts.get()
    Excerpt.objects.filter(pk=source.pk).update(start=start, end=end)
    client.force_login(author)
    reading = draft_lesson.modules.get(kind="background")
    response = client.post(
        module_url(draft_lesson, reading, "excerpt-add"), {"revision": 1, "excerpt": source.pk}
    )
    assert response.status_code == 400
    assert "not inside its document" in response.content.decode()
    reading.refresh_from_db()
    assert reading.revision == 1
    assert not reading.excerpts.exists()


def test_an_excerpt_whose_end_comes_before_its_start_is_refused(draft_lesson):
    from django.core.exceptions import ValidationError

    from studio import services

    source = study(draft_lesson).excerpts.get()
    backwards = Excerpt(document=source.document, text=source.text, start=30, end=10)
    reading = draft_lesson.modules.get(kind="background")
    with pytest.raises(ValidationError, match="not inside its document"):
        services.excerpt_add(module=reading, revision=1, source=backwards)
    reading.refresh_from_db()
    assert reading.revision == 1
    assert not reading.excerpts.exists()


def test_a_nul_byte_in_a_module_text_is_refused_and_nothing_changes(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    data = {"revision": 1, "title": "Study", "body": "Kamenev\x00 confessed."}
    response = client.post(module_url(draft_lesson, module), data)
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    module.refresh_from_db()
    assert (module.body, module.revision) == ("", 1)


def test_another_teacher_cannot_write_to_a_copy_that_is_not_theirs(
    client, other_teacher, teachers_copy
):
    client.force_login(other_teacher)
    module = teachers_copy.modules.first()
    response = client.post(edit_url(teachers_copy), lesson_fields(teachers_copy, title="Mine now"))
    assert response.status_code == 404
    move = module_url(teachers_copy, module, "module-move")
    assert client.post(move, {"revision": 1, "direction": "down"}).status_code == 404
    teachers_copy.refresh_from_db()
    assert (teachers_copy.title, teachers_copy.revision) == ("The Bridge", 1)


def test_the_studio_list_keeps_its_query_count_as_lessons_grow(
    client, admin_user, draft_lesson, teachers_copy, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("studio:lesson-list"))
    for i in range(6):
        owner = make_user(f"owner{i}", role="teacher")
        Lesson.objects.create(title=f"Copy {i}", central_question="?", owner=owner)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("studio:lesson-list"))
    assert "Copy 5" in response.content.decode()


def test_hostile_text_is_stored_plain_and_shown_inert(client, admin_user, draft_lesson):
    from coursework.services import plain_text
    from tests.hardening.test_hardening_hostile_input import PAYLOADS, assert_inert

    client.force_login(admin_user)
    module = study(draft_lesson)
    question = module.questions.get()
    for kind, payload in PAYLOADS.items():
        draft_lesson.refresh_from_db()
        module.refresh_from_db()
        response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, summary=payload))
        assert response.status_code == 302, kind
        response = client.post(
            module_url(draft_lesson, module),
            {"revision": module.revision, "title": "Study", "body": payload},
        )
        assert response.status_code == 302, kind
        prefix = f"q{question.pk}"
        response = client.post(
            module_url(draft_lesson, module, "question-edit", question.pk),
            {
                f"{prefix}-revision": module.revision + 1,
                f"{prefix}-text": payload,
                f"{prefix}-skill": "sourcing",
                f"{prefix}-excerpt": "",
            },
        )
        assert response.status_code == 302, kind
        stored = plain_text(payload).strip()
        question.refresh_from_db()
        assert question.text == stored
        assert "\x07" not in question.text and "\x1b" not in question.text
        for page in (edit_url(draft_lesson), module_url(draft_lesson, module)):
            assert_inert(client.get(page).content.decode(), payload, None)
    # A title is one line of at most 200 characters: a longer one is refused, nothing saved.
    draft_lesson.refresh_from_db()
    response = client.post(edit_url(draft_lesson), lesson_fields(draft_lesson, title="A" * 201))
    assert response.status_code == 400
    draft_lesson.refresh_from_db()
    assert draft_lesson.title == "The Bridge"


def test_the_lesson_page_lists_modules_in_their_new_order(client, admin_user, draft_lesson):
    client.force_login(admin_user)
    module = study(draft_lesson)
    client.post(module_url(draft_lesson, module, "module-move"), {"revision": 1, "direction": "up"})
    page = client.get(reverse("lessons:lesson-detail", args=[draft_lesson.pk])).content.decode()
    assert page.index(">Study<") < page.index(">Background<")


def test_deleting_a_question_asks_first_and_keeping_it_changes_nothing(
    client, author, draft_lesson
):
    client.force_login(author)
    module = study(draft_lesson)
    question = module.questions.get()
    page = client.get(module_url(draft_lesson, module)).content.decode()
    remove = module_url(draft_lesson, module, "question-remove", question.pk)
    # The module page links to the question's confirm page; it has no button that deletes.
    assert f'href="{remove}"' in page and f'action="{remove}"' not in page
    confirm = client.get(remove)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Delete this question?" in text and question.text in text and "Keep it" in text
    assert module.questions.filter(pk=question.pk).exists()
    response = client.post(remove, {"revision": 1})
    assert response.status_code == 302
    assert not module.questions.filter(pk=question.pk).exists()


def test_a_question_delete_without_revision_is_refused_on_its_confirm_page(
    client, author, draft_lesson
):
    client.force_login(author)
    module = study(draft_lesson)
    question = module.questions.get()
    response = client.post(module_url(draft_lesson, module, "question-remove", question.pk), {})
    assert response.status_code == 400
    assert "Delete this question?" in response.content.decode()
    assert module.questions.filter(pk=question.pk).exists()


def test_a_question_delete_from_a_stale_page_is_refused(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    question = module.questions.get()
    url = module_url(draft_lesson, module, "question-remove", question.pk)
    client.post(module_url(draft_lesson, module), {"revision": 1, "title": "New", "body": ""})
    assert client.post(url, {"revision": 1}).status_code == 409
    assert module.questions.filter(pk=question.pk).exists()


def test_saving_a_question_deleted_since_the_page_was_made_is_404(client, author, draft_lesson):
    client.force_login(author)
    module = study(draft_lesson)
    question = module.questions.get()
    url = module_url(draft_lesson, module, "question-edit", question.pk)
    client.post(module_url(draft_lesson, module, "question-remove", question.pk), {"revision": 1})
    response = client.post(
        url,
        {
            f"q{question.pk}-revision": 1,
            f"q{question.pk}-text": "Typed late",
            f"q{question.pk}-skill": "sourcing",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404


def test_htmx_excerpt_add_sends_the_questions_excerpt_choices_again(client, author, draft_lesson):
    client.force_login(author)
    source = study(draft_lesson).excerpts.get()
    reading = draft_lesson.modules.get(kind="background")
    question = Question.objects.create(module=reading, position=0, text="Why?", skill="sourcing")
    response = client.post(
        module_url(draft_lesson, reading, "excerpt-add"),
        {"revision": 1, "excerpt": source.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section aria-labelledby="excerpts-heading" id="excerpts"')
    copy = reading.excerpts.get()
    # The question's form and the new-question form are left alone; only their "About"
    # choices come again, out of band, now offering the added excerpt.
    assert "Add question" not in page and 'id="questions"' not in page
    for prefix in (f"q{question.pk}", "new"):
        choice = page.split(f'<div id="choice-{prefix}" class="studio-choice"')[1]
        assert choice.startswith(' data-hx-swap-oob="true">')
        assert f'<option value="{copy.pk}">' in choice.split("</select>")[0]
