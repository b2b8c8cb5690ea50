"""The rubric grid: criteria by levels, each cell's points and description, each criterion's
skill; criteria and levels added and removed; frozen rubrics copied to edit; stale grids
refused with the saved rubric shown beside the author's."""

import pytest
from django.urls import reverse

from lessons.models import RUBRIC_FROZEN, Criterion, Level, Module, Rubric
from lessons.services import lesson_new_version, lesson_publish

pytestmark = pytest.mark.django_db


def assignment(lesson) -> Module:
    return lesson.modules.get(kind="assignment")


def rubric_url(lesson, name="rubric-edit"):
    return reverse(f"studio:{name}", args=[lesson.pk, assignment(lesson).pk])


def grid_data(rubric: Rubric, revision: int, *, action="save", cells=None, criteria=None):
    """What the grid form posts for the rubric as stored, with `cells` ({(row, column):
    {field: value}}) and `criteria` ({row: {field: value}}) changed; rows and columns from 0."""
    cells, criteria = cells or {}, criteria or {}
    rows = list(rubric.criteria.prefetch_related("levels"))
    data = {
        "revision": revision,
        "title": rubric.title,
        "action": action,
        "criteria-TOTAL_FORMS": len(rows),
        "criteria-INITIAL_FORMS": len(rows),
    }
    index = 0
    for r, criterion in enumerate(rows):
        fields = {
            "id": criterion.pk,
            "title": criterion.title,
            "skill": criterion.skill or "sourcing",
            "description": criterion.description,
            **criteria.get(r, {}),
        }
        data.update({f"criteria-{r}-{k}": v for k, v in fields.items()})
        for c, level in enumerate(criterion.levels.all()):
            fields = {
                "id": level.pk,
                "title": level.title,
                "points": level.points,
                "description": level.description,
                **cells.get((r, c), {}),
            }
            data.update({f"levels-{index}-{k}": v for k, v in fields.items()})
            index += 1
    data["levels-TOTAL_FORMS"] = data["levels-INITIAL_FORMS"] = index
    return data


def cell(rubric, row, column) -> Level:
    criterion = rubric.criteria.all()[row]
    return criterion.levels.all()[column]


def test_the_grid_shows_criteria_by_levels(client, author, draft_lesson):
    client.force_login(author)
    page = client.get(rubric_url(draft_lesson)).content.decode()
    for label in ("Level 1", "Level 4", "Claim", "Context at 4", "Add a criterion", "Add a level"):
        assert label in page


def test_author_edits_a_cell_and_a_criterions_skill(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(
        rubric,
        1,
        cells={(0, 0): {"points": 5, "description": "A clear, arguable claim."}},
        criteria={0: {"skill": "close_reading"}},
    )
    response = client.post(rubric_url(draft_lesson), data)
    assert response.status_code == 302
    top = cell(rubric, 0, 0)
    assert (top.points, top.description) == (5, "A clear, arguable claim.")
    assert rubric.criteria.first().skill == "close_reading"
    draft_lesson.refresh_from_db()
    assert draft_lesson.revision == 2


def test_points_may_be_swapped_between_two_levels(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(rubric, 1, cells={(0, 0): {"points": 3}, (0, 1): {"points": 4}})
    assert client.post(rubric_url(draft_lesson), data).status_code == 302
    assert [lv.points for lv in rubric.criteria.first().levels.all()] == [3, 4, 2, 1]


def test_two_levels_worth_the_same_points_are_refused(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(rubric, 1, cells={(0, 0): {"points": 3, "description": "Changed"}})
    response = client.post(rubric_url(draft_lesson), data)
    assert response.status_code == 400
    assert "can’t be worth the same points" in response.content.decode()
    assert cell(rubric, 0, 0).description == "Claim at 4"
    draft_lesson.refresh_from_db()
    assert draft_lesson.revision == 1


def test_missing_points_or_skill_are_refused(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(rubric, 1, cells={(1, 2): {"points": "", "description": "Changed"}})
    assert client.post(rubric_url(draft_lesson), data).status_code == 400
    data = grid_data(rubric, 1, criteria={0: {"skill": ""}})
    assert client.post(rubric_url(draft_lesson), data).status_code == 400
    assert cell(rubric, 1, 2).description == "Evidence at 2"


def test_a_new_level_may_stay_undescribed_until_the_author_is_ready(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    assert (
        client.post(rubric_url(draft_lesson), grid_data(rubric, 1, action="add-level")).status_code
        == 302
    )
    assert cell(rubric, 0, 4).description == ""
    assert client.post(rubric_url(draft_lesson), grid_data(rubric, 2)).status_code == 302


def test_adding_a_criterion_copies_the_level_titles_and_points(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    response = client.post(rubric_url(draft_lesson), grid_data(rubric, 1, action="add-criterion"))
    assert response.status_code == 302
    added = rubric.criteria.last()
    assert added.title == "Criterion 5"
    assert [lv.points for lv in added.levels.all()] == [4, 3, 2, 1]


def test_adding_and_removing_a_level_column(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    assert (
        client.post(rubric_url(draft_lesson), grid_data(rubric, 1, action="add-level")).status_code
        == 302
    )
    for criterion in rubric.criteria.all():
        assert [lv.points for lv in criterion.levels.all()] == [4, 3, 2, 1, 0]
    data = grid_data(rubric, 2, action="remove-level-1")
    response = client.post(rubric_url(draft_lesson), {**data, "confirmed": "yes"})
    assert response.status_code == 302
    for criterion in rubric.criteria.all():
        assert [lv.points for lv in criterion.levels.all()] == [3, 2, 1, 0]


def test_removing_a_level_asks_first_and_carries_the_typed_grid(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    top = cell(rubric, 0, 0)
    data = grid_data(
        rubric, 1, action="remove-level-1", cells={(1, 1): {"description": "Typed, not saved"}}
    )
    response = client.post(rubric_url(draft_lesson), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Remove level 1 from every criterion?" in page
    assert top.title in page and "Keep the level: back to the grid" in page
    assert 'name="confirmed" value="yes"' in page and "Typed, not saved" in page
    # Nothing is removed or saved until the author confirms.
    assert all(c.levels.count() == 4 for c in rubric.criteria.all())
    assert cell(rubric, 1, 1).description != "Typed, not saved"
    draft_lesson.refresh_from_db()
    assert draft_lesson.revision == 1

    confirmed = client.post(rubric_url(draft_lesson), {**data, "confirmed": "yes"})
    assert confirmed.status_code == 302
    assert all(c.levels.count() == 3 for c in rubric.criteria.all())
    assert cell(rubric, 1, 0).description == "Typed, not saved"


def test_keeping_the_level_goes_back_to_the_typed_grid_with_nothing_removed(
    client, author, draft_lesson
):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(
        rubric,
        1,
        action="keep",
        cells={(0, 0): {"description": "Still typed"}},
        criteria={2: {"DELETE": "on"}},
    )
    response = client.post(rubric_url(draft_lesson), {**data, "confirmed": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing removed" in page and "Still typed" in page and "Save rubric" in page
    assert rubric.criteria.count() == 4
    assert all(c.levels.count() == 4 for c in rubric.criteria.all())
    assert cell(rubric, 0, 0).description != "Still typed"
    # The box ticked to remove a criterion comes back unticked.
    assert 'name="criteria-2-DELETE" id="id_criteria-2-DELETE" checked' not in page
    assert "checked" not in page.split('name="criteria-2-DELETE"')[1].split(">")[0]


def test_removing_a_criterion_asks_first(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(rubric, 1, criteria={3: {"DELETE": "on", "title": ""}})
    response = client.post(rubric_url(draft_lesson), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Remove this criterion?" in page and "Keep it: back to the grid" in page
    assert rubric.criteria.count() == 4
    assert client.post(rubric_url(draft_lesson), {**data, "confirmed": "yes"}).status_code == 302
    assert list(rubric.criteria.values_list("title", flat=True)) == [
        "Claim",
        "Evidence",
        "Sourcing",
    ]


def test_the_removal_confirmation_comes_in_place_under_htmx(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    response = client.post(
        rubric_url(draft_lesson),
        grid_data(rubric, 1, action="remove-level-2"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="editor"') and "<html" not in page
    assert "Remove level 2 from every criterion?" in page and 'data-hx-post="' in page
    assert all(c.levels.count() == 4 for c in rubric.criteria.all())


def test_an_unknown_action_is_refused(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    response = client.post(rubric_url(draft_lesson), grid_data(rubric, 1, action="explode"))
    assert response.status_code == 400
    assert rubric.criteria.count() == 4


def test_a_stale_grid_is_refused_with_the_saved_rubric_beside_it(client, author, draft_lesson):
    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    first = grid_data(rubric, 1, cells={(0, 0): {"description": "Saved first"}})
    assert client.post(rubric_url(draft_lesson), first).status_code == 302
    second = grid_data(rubric, 1, cells={(0, 0): {"description": "Typed second"}})
    response = client.post(rubric_url(draft_lesson), second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Saved version (newer)" in page and "Saved first" in page and "Typed second" in page
    assert cell(rubric, 0, 0).description == "Saved first"


def test_a_frozen_rubric_offers_copy_to_edit_and_refuses_changes(client, author, draft_lesson):
    lesson_publish(lesson=draft_lesson)
    draft = lesson_new_version(lesson=draft_lesson)
    frozen = assignment(draft_lesson).rubric
    # The new version shares the published rubric, as a version made by hand would.
    Module.objects.filter(pk=assignment(draft).pk).update(rubric=frozen)
    client.force_login(author)
    page = client.get(rubric_url(draft)).content.decode()
    assert "Copy to edit" in page and "Save rubric" not in page
    response = client.post(
        rubric_url(draft),
        grid_data(frozen, draft.revision, cells={(0, 0): {"description": "Sneaky"}}),
    )
    assert response.status_code == 400
    assert RUBRIC_FROZEN in response.content.decode().replace("&#x27;", "'")
    assert cell(frozen, 0, 0).description == "Claim at 4"

    assert (
        client.post(rubric_url(draft, "rubric-copy"), {"revision": draft.revision}).status_code
        == 302
    )
    copy = assignment(draft).rubric
    assert copy.pk != frozen.pk and not copy.is_frozen
    assert [c.title for c in copy.criteria.all()] == ["Claim", "Evidence", "Sourcing", "Context"]
    assert assignment(draft_lesson).rubric == frozen


def test_a_rubric_used_by_a_grade_is_frozen(client, author, draft_lesson, monkeypatch):
    rubric = assignment(draft_lesson).rubric
    monkeypatch.setattr(Rubric, "is_frozen", property(lambda self: True))
    client.force_login(author)
    page = client.get(rubric_url(draft_lesson)).content.decode()
    assert "Copy to edit" in page
    assert rubric.criteria.count() == 4


def test_an_assignment_without_a_rubric_starts_one(client, author, draft_lesson):
    Module.objects.filter(pk=assignment(draft_lesson).pk).update(rubric=None)
    client.force_login(author)
    assert "Start a rubric" in client.get(rubric_url(draft_lesson)).content.decode()
    assert client.post(rubric_url(draft_lesson, "rubric-start"), {"revision": 1}).status_code == 302
    rubric = assignment(draft_lesson).rubric
    assert [lv.points for lv in Criterion.objects.get(rubric=rubric).levels.all()] == [3, 2, 1]
    # Starting again is refused: the assignment has its rubric.
    response = client.post(rubric_url(draft_lesson, "rubric-start"), {"revision": 2})
    assert response.status_code == 400


def test_only_a_written_assignment_has_a_rubric_page(client, author, draft_lesson):
    client.force_login(author)
    reading = draft_lesson.modules.get(kind="background")
    url = reverse("studio:rubric-edit", args=[draft_lesson.pk, reading.pk])
    assert client.get(url).status_code == 404


def test_a_teacher_without_permission_cannot_touch_the_grid(client, teacher, draft_lesson):
    client.force_login(teacher)
    rubric = assignment(draft_lesson).rubric
    data = grid_data(rubric, 1, cells={(0, 0): {"description": "Nope"}})
    assert client.post(rubric_url(draft_lesson), data).status_code == 403
    assert cell(rubric, 0, 0).description == "Claim at 4"


def test_the_grid_keeps_its_query_count_as_criteria_grow(
    client, author, draft_lesson, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(author)
    rubric = assignment(draft_lesson).rubric
    with CaptureQueriesContext(connection) as before:
        client.get(rubric_url(draft_lesson))
    for i in range(4):
        criterion = Criterion.objects.create(rubric=rubric, position=10 + i, title=f"Extra {i}")
        for points in (2, 1):
            Level.objects.create(criterion=criterion, title="L", points=points, description="d")
    with django_assert_max_num_queries(len(before)):
        client.get(rubric_url(draft_lesson))


def _rows(rubric: Rubric) -> list:
    from studio.rubrics import CriterionRow, LevelCell

    return [
        CriterionRow(
            pk=c.pk,
            title=f"{c.title}!",
            skill=c.skill or "sourcing",
            description=c.description,
            remove=False,
            levels=[
                LevelCell(lv.pk, lv.title, lv.points, f"{lv.description}!") for lv in c.levels.all()
            ],
        )
        for c in rubric.criteria.prefetch_related("levels")
    ]


@pytest.mark.parametrize("change", [{}, {"add": "level"}, {"add": "criterion"}])
def test_saving_the_grid_takes_the_same_queries_however_many_criteria(draft_lesson, change):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studio.rubrics import rubric_grid_save

    module = assignment(draft_lesson)
    rubric = module.rubric

    def counted() -> int:
        draft_lesson.refresh_from_db()
        rows = _rows(rubric)
        with CaptureQueriesContext(connection) as queries:
            rubric_grid_save(
                lesson=draft_lesson,
                revision=draft_lesson.revision,
                module=module,
                title="Essay rubric",
                rows=rows,
                **change,
            )
        return len(queries)

    four = counted()
    for i in range(6):
        criterion = Criterion.objects.create(rubric=rubric, position=10 + i, title=f"Extra {i}")
        for points in (4, 3, 2, 1):
            Level.objects.create(criterion=criterion, title="L", points=points, description="d")
    assert counted() == four
    saved = rubric.criteria.prefetch_related("levels")
    assert all(c.title.endswith("!") for c in saved if not c.title.startswith("Criterion"))
    assert all(
        lv.description.endswith("!") for c in saved for lv in c.levels.all() if lv.description
    )
