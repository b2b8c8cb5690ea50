"""The rubric grid's writes: a written assignment's rubric started, copied to edit, or saved
as a whole grid, each checked against the lesson's revision (see studio/services.py)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from lessons.models import RUBRIC_FROZEN, Criterion, Lesson, Level, Module, Rubric
from lessons.services import rubric_copy

from .services import PARKING, bump_revision, lock_lesson

# A rubric the author starts from: one criterion, three levels, best first.
NEW_LEVELS = [("Strong", 3), ("Developing", 2), ("Beginning", 1)]


@dataclass(frozen=True)
class LevelCell:
    pk: int
    title: str
    points: int
    description: str


@dataclass(frozen=True)
class CriterionRow:
    pk: int
    title: str
    skill: str
    description: str
    remove: bool
    levels: list[LevelCell]


def _lock_rubric_of(module: Module, lesson: Lesson, revision: int) -> tuple[Lesson, Rubric]:
    locked = lock_lesson(lesson, revision)
    rubric = (
        Rubric.objects.select_for_update()
        .filter(pk__in=Module.objects.filter(pk=module.pk).values("rubric_id"))
        .first()
    )
    if rubric is None:
        raise ValidationError("This module has no rubric.")
    if rubric.is_frozen:
        raise ValidationError(RUBRIC_FROZEN)
    return locked, rubric


@transaction.atomic
def rubric_start(*, lesson: Lesson, revision: int, module: Module) -> Rubric:
    """A new rubric for an assignment that has none: one criterion with three levels."""
    locked = lock_lesson(lesson, revision)
    module = Module.objects.select_for_update().get(pk=module.pk, lesson=locked)
    if module.rubric_id is not None:
        raise ValidationError("This assignment already has a rubric.")
    rubric = Rubric.objects.create(title=f"{module.title} rubric"[:200])
    criterion = Criterion.objects.create(rubric=rubric, position=1, title="Claim")
    Level.objects.bulk_create(
        Level(criterion=criterion, position=i, title=title, points=points, description="")
        for i, (title, points) in enumerate(NEW_LEVELS, start=1)
    )
    module.rubric = rubric
    module.save(update_fields=["rubric"])
    bump_revision(locked)
    return rubric


@transaction.atomic
def rubric_copy_to_edit(*, lesson: Lesson, revision: int, module: Module) -> Rubric:
    """The module takes a fresh copy of its rubric, which is free to edit."""
    locked = lock_lesson(lesson, revision)
    module = Module.objects.select_for_update().get(pk=module.pk, lesson=locked)
    if module.rubric_id is None:
        raise ValidationError("This module has no rubric.")
    copy = rubric_copy(rubric=module.rubric)
    module.rubric = copy
    module.save(update_fields=["rubric"])
    bump_revision(locked)
    return copy


@transaction.atomic
def rubric_grid_save(
    *,
    lesson: Lesson,
    revision: int,
    module: Module,
    title: str,
    rows: list[CriterionRow],
    add: str = "",
    remove_level: int | None = None,
) -> Rubric:
    """Save every criterion and cell of the grid, then add a criterion (`add="criterion"`),
    add a level to every criterion (`add="level"`), or remove the level column at
    `remove_level` (its position, from 1)."""
    locked, rubric = _lock_rubric_of(module, lesson, revision)
    criteria = {c.pk: c for c in rubric.criteria.prefetch_related("levels")}
    if {row.pk for row in rows} != set(criteria):
        raise ValidationError("The rubric's criteria changed since this page was made.")
    if all(row.remove for row in rows) and add != "criterion":
        raise ValidationError("A rubric needs at least one criterion.")
    rubric.title = title
    rubric.save(update_fields=["title"])
    # Criteria and their levels in their stored order, as the additions below expect.
    by_pk = {row.pk: row for row in rows}
    kept = [c for pk, c in criteria.items() if not by_pk[pk].remove]
    changed_levels = []
    for criterion in kept:
        row = by_pk[criterion.pk]
        criterion.title, criterion.skill, criterion.description = (
            row.title,
            row.skill,
            row.description,
        )
        levels = {level.pk: level for level in criterion.levels.all()}
        if {cell.pk for cell in row.levels} != set(levels):
            raise ValidationError("The rubric's levels changed since this page was made.")
        for cell in row.levels:
            level = levels[cell.pk]
            level.title, level.points, level.description = cell.title, cell.points, cell.description
            changed_levels.append(level)
    removed = [row.pk for row in rows if row.remove]
    if removed:
        # The model's delete guard still looks at each removed row.
        Criterion.objects.filter(pk__in=removed).delete()
    Criterion.objects.bulk_update(kept, ["title", "skill", "description"])
    if changed_levels:
        # Points are unique per criterion, so swapped points pass through parking values.
        parked = [Level(pk=lv.pk, points=PARKING + i) for i, lv in enumerate(changed_levels)]
        Level.objects.bulk_update(parked, ["points"])
        Level.objects.bulk_update(changed_levels, ["title", "points", "description"])
    if add == "criterion":
        _criterion_add(rubric, kept)
    elif add == "level":
        Level.objects.bulk_create(_new_level(criterion) for criterion in kept)
    elif remove_level is not None:
        _level_column_remove(kept, remove_level)
    bump_revision(locked)
    return rubric


def _criterion_add(rubric: Rubric, kept: list[Criterion]) -> None:
    """A new last criterion whose levels have the titles and points of the first one."""
    last = max((c.position for c in kept), default=0)
    criterion = Criterion.objects.create(
        rubric=rubric, position=last + 1, title=f"Criterion {len(kept) + 1}"
    )
    model = list(kept[0].levels.all()) if kept else []
    shape = [(lv.title, lv.points) for lv in model] or NEW_LEVELS
    Level.objects.bulk_create(
        Level(criterion=criterion, position=i, title=title, points=points, description="")
        for i, (title, points) in enumerate(shape, start=1)
    )


def _new_level(criterion: Criterion) -> Level:
    """A new last level, worth 0 points, or one more than the best when 0 is taken."""
    levels = list(criterion.levels.all())
    points = [lv.points for lv in levels]
    worth = 0 if 0 not in points else max(points) + 1
    last = max((lv.position for lv in levels), default=0)
    return Level(
        criterion=criterion, position=last + 1, title="New level", points=worth, description=""
    )


def _level_column_remove(criteria: list[Criterion], column: int) -> None:
    """Remove the level at `column` (from 1) of every criterion that has one."""
    doomed = []
    for criterion in criteria:
        levels = list(criterion.levels.all())
        if len(levels) <= 1:
            raise ValidationError("Every criterion needs at least one level.")
        if column <= len(levels):
            doomed.append(levels[column - 1].pk)
    Level.objects.filter(pk__in=doomed).delete()
