"""The lesson editor's writes: each one in a transaction, under a lock on the row whose
revision it checks, and each one bumps that revision.

A lesson's own fields, its modules' order and its rubric are checked against
Lesson.revision; a module's fields, excerpts and questions against Module.revision. A save
carrying any other revision than the stored one raises StaleSave and changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, Q

from lessons.models import Criterion, Excerpt, Lesson, Level, Module, Question, Rubric
from lessons.services import rubric_copy

from .access import require_editable

# Positions are moved out of the way before they are renumbered, so the unique
# (lesson, position) constraint never sees two rows at the same place.
PARKING = 100_000

# A rubric the author starts from: one criterion, three levels, best first.
NEW_LEVELS = [("Strong", 3), ("Developing", 2), ("Beginning", 1)]


class StaleSave(Exception):
    """The page was made from an older revision; `current` is the stored object, reloaded."""

    def __init__(self, current):
        super().__init__("This page is out of date: someone saved a newer version.")
        self.current = current


@dataclass(frozen=True)
class LessonFields:
    title: str
    central_question: str
    summary: str
    grade_band: str
    estimated_minutes: int


@dataclass(frozen=True)
class ModuleFields:
    title: str
    body: str
    points: int


def _lock_lesson(lesson: Lesson, revision: int) -> Lesson:
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    require_editable(locked)
    if locked.revision != revision:
        raise StaleSave(locked)
    return locked


def _lock_module(module: Module, revision: int) -> Module:
    # Only the module's row is locked: lesson-wide saves lock the lesson, and the two never
    # wait on each other.
    locked = (
        Module.objects.select_for_update(of=("self",)).select_related("lesson").get(pk=module.pk)
    )
    require_editable(locked.lesson)
    if locked.revision != revision:
        raise StaleSave(locked)
    return locked


def _bump(obj: Lesson | Module) -> None:
    obj.revision += 1
    obj.save(update_fields=["revision"])


def _renumber(queryset, ordered_pks: list[int], *, start: int = 1) -> None:
    """Give the rows of `queryset` the positions of `ordered_pks`, in two passes."""
    model = queryset.model
    rows = list(queryset.filter(pk__in=ordered_pks))
    by_pk = {row.pk: row for row in rows}
    for index, row in enumerate(rows):
        row.position = PARKING + index
    model.objects.bulk_update(rows, ["position"])
    for index, pk in enumerate(ordered_pks, start=start):
        by_pk[pk].position = index
    model.objects.bulk_update(rows, ["position"])


def _moved(pks: list[int], pk: int, direction: str) -> list[int]:
    """The order with `pk` one place up or down; unchanged at either end."""
    index = pks.index(pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(pks):
        pks[index], pks[other] = pks[other], pks[index]
    return pks


# The lesson ------------------------------------------------------------------------------


@transaction.atomic
def lesson_fields_save(*, lesson: Lesson, revision: int, fields: LessonFields) -> Lesson:
    locked = _lock_lesson(lesson, revision)
    for name, value in vars(fields).items():
        setattr(locked, name, value)
    locked.revision += 1
    locked.save(update_fields=[*vars(fields), "revision"])
    return locked


@transaction.atomic
def module_add(*, lesson: Lesson, revision: int, kind: str, title: str) -> Module:
    """A new, empty module at the end of the lesson."""
    locked = _lock_lesson(lesson, revision)
    last = locked.modules.aggregate(last=Max("position"))["last"] or 0
    module = Module.objects.create(lesson=locked, position=last + 1, kind=kind, title=title)
    _bump(locked)
    return module


@transaction.atomic
def module_remove(*, lesson: Lesson, revision: int, module: Module) -> None:
    """Delete the module with its excerpts and questions; the others close up."""
    locked = _lock_lesson(lesson, revision)
    try:
        Module.objects.filter(pk=module.pk, lesson=locked).delete()
    except ProtectedError:
        raise ValidationError("Work done in this module keeps it from being removed.") from None
    _renumber(locked.modules.all(), list(locked.modules.values_list("pk", flat=True)))
    _bump(locked)


@transaction.atomic
def module_move(*, lesson: Lesson, revision: int, module: Module, direction: str) -> None:
    locked = _lock_lesson(lesson, revision)
    pks = list(locked.modules.values_list("pk", flat=True))
    _renumber(locked.modules.all(), _moved(pks, module.pk, direction))
    _bump(locked)


@transaction.atomic
def modules_reorder(*, lesson: Lesson, revision: int, order: list[int]) -> None:
    """Put the modules in the given order, which must name each of them exactly once."""
    locked = _lock_lesson(lesson, revision)
    pks = list(locked.modules.values_list("pk", flat=True))
    if sorted(order) != sorted(pks):
        raise ValidationError("The new order must list every module of the lesson once.")
    _renumber(locked.modules.all(), order)
    _bump(locked)


# One module ------------------------------------------------------------------------------


@transaction.atomic
def module_fields_save(*, module: Module, revision: int, fields: ModuleFields) -> Module:
    locked = _lock_module(module, revision)
    for name, value in vars(fields).items():
        setattr(locked, name, value)
    locked.revision += 1
    locked.save(update_fields=[*vars(fields), "revision"])
    return locked


def excerpts_to_pick(module: Module) -> list[Excerpt]:
    """Excerpts already made from the lesson's documents, in this lesson or the school's
    lessons (never from a teacher's private copy), each passage once, less those the module
    shows."""
    shown = {(e.document_id, e.start, e.end, e.text) for e in module.excerpts.all()}
    pool = (
        Excerpt.objects.filter(document__lessons=module.lesson_id)
        .filter(Q(module__lesson__owner__isnull=True) | Q(module__lesson=module.lesson_id))
        .select_related("document")
        .defer("document__raw_text", "document__cleaned_text", "document__report")
        .order_by("document__title", "start", "pk")
    )
    picked, seen = [], set(shown)
    for excerpt in pool:
        key = (excerpt.document_id, excerpt.start, excerpt.end, excerpt.text)
        if key not in seen:
            seen.add(key)
            picked.append(excerpt)
    return picked


@transaction.atomic
def excerpt_add(*, module: Module, revision: int, source: Excerpt) -> Excerpt:
    """The module shows a copy of `source` (an excerpt of the lesson's documents) last."""
    locked = _lock_module(module, revision)
    if not locked.lesson.documents.filter(pk=source.document_id).exists():
        raise ValidationError("That excerpt is not from one of this lesson's documents.")
    last = locked.excerpts.aggregate(last=Max("position"))["last"]
    copy = Excerpt.objects.create(
        module=locked,
        position=0 if last is None else last + 1,
        document_id=source.document_id,
        text=source.text,
        start=source.start,
        end=source.end,
        speaker=source.speaker,
        speaker_role=source.speaker_role,
        date_text=source.date_text,
        source_kind=source.source_kind,
        context=source.context,
    )
    _bump(locked)
    return copy


@transaction.atomic
def excerpt_remove(*, module: Module, revision: int, excerpt: Excerpt) -> None:
    """The excerpt leaves the module; questions about it stay, about no excerpt."""
    locked = _lock_module(module, revision)
    locked.excerpts.filter(pk=excerpt.pk).delete()
    _bump(locked)


@transaction.atomic
def excerpt_move(*, module: Module, revision: int, excerpt: Excerpt, direction: str) -> None:
    locked = _lock_module(module, revision)
    pks = list(locked.excerpts.values_list("pk", flat=True))
    _renumber(locked.excerpts.all(), _moved(pks, excerpt.pk, direction), start=0)
    _bump(locked)


@transaction.atomic
def question_add(
    *, module: Module, revision: int, text: str, skill: str, excerpt: Excerpt | None
) -> Question:
    locked = _lock_module(module, revision)
    last = locked.questions.aggregate(last=Max("position"))["last"]
    question = Question.objects.create(
        module=locked,
        position=0 if last is None else last + 1,
        text=text,
        skill=skill,
        excerpt=excerpt,
    )
    _bump(locked)
    return question


@transaction.atomic
def question_save(
    *,
    module: Module,
    revision: int,
    question: Question,
    text: str,
    skill: str,
    excerpt: Excerpt | None,
) -> None:
    locked = _lock_module(module, revision)
    locked.questions.filter(pk=question.pk).update(text=text, skill=skill, excerpt=excerpt)
    _bump(locked)


@transaction.atomic
def question_remove(*, module: Module, revision: int, question: Question) -> None:
    locked = _lock_module(module, revision)
    locked.questions.filter(pk=question.pk).delete()
    _bump(locked)


@transaction.atomic
def question_move(*, module: Module, revision: int, question: Question, direction: str) -> None:
    locked = _lock_module(module, revision)
    pks = list(locked.questions.values_list("pk", flat=True))
    _renumber(locked.questions.all(), _moved(pks, question.pk, direction), start=0)
    _bump(locked)


# The rubric ------------------------------------------------------------------------------


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
    locked = _lock_lesson(lesson, revision)
    rubric = (
        Rubric.objects.select_for_update()
        .filter(pk__in=Module.objects.filter(pk=module.pk).values("rubric_id"))
        .first()
    )
    if rubric is None:
        raise ValidationError("This module has no rubric.")
    if rubric.is_frozen:
        from lessons.models import RUBRIC_FROZEN

        raise ValidationError(RUBRIC_FROZEN)
    return locked, rubric


@transaction.atomic
def rubric_start(*, lesson: Lesson, revision: int, module: Module) -> Rubric:
    """A new rubric for an assignment that has none: one criterion with three levels."""
    locked = _lock_lesson(lesson, revision)
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
    _bump(locked)
    return rubric


@transaction.atomic
def rubric_copy_to_edit(*, lesson: Lesson, revision: int, module: Module) -> Rubric:
    """The module takes a fresh copy of its rubric, which is free to edit."""
    locked = _lock_lesson(lesson, revision)
    module = Module.objects.select_for_update().get(pk=module.pk, lesson=locked)
    if module.rubric_id is None:
        raise ValidationError("This module has no rubric.")
    copy = rubric_copy(rubric=module.rubric)
    module.rubric = copy
    module.save(update_fields=["rubric"])
    _bump(locked)
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
    changed_levels = []
    for row in rows:
        criterion = criteria[row.pk]
        if row.remove:
            criterion.delete()
            continue
        criterion.title, criterion.skill, criterion.description = (
            row.title,
            row.skill,
            row.description,
        )
        criterion.save(update_fields=["title", "skill", "description"])
        levels = {level.pk: level for level in criterion.levels.all()}
        if {cell.pk for cell in row.levels} != set(levels):
            raise ValidationError("The rubric's levels changed since this page was made.")
        for cell in row.levels:
            level = levels[cell.pk]
            level.title, level.points, level.description = cell.title, cell.points, cell.description
            changed_levels.append(level)
    if changed_levels:
        # Points are unique per criterion, so swapped points pass through parking values.
        parked = [Level(pk=lv.pk, points=PARKING + i) for i, lv in enumerate(changed_levels)]
        Level.objects.bulk_update(parked, ["points"])
        Level.objects.bulk_update(changed_levels, ["title", "points", "description"])
    kept = list(rubric.criteria.prefetch_related("levels"))
    if add == "criterion":
        _criterion_add(rubric, kept)
    elif add == "level":
        for criterion in kept:
            _level_add(criterion)
    elif remove_level is not None:
        for criterion in kept:
            levels = list(criterion.levels.all())
            if len(levels) <= 1:
                raise ValidationError("Every criterion needs at least one level.")
            if remove_level <= len(levels):
                levels[remove_level - 1].delete()
    _bump(locked)
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


def _level_add(criterion: Criterion) -> None:
    """A new last level, worth 0 points, or one more than the best when 0 is taken."""
    levels = list(criterion.levels.all())
    points = [lv.points for lv in levels]
    worth = 0 if 0 not in points else max(points) + 1
    last = max((lv.position for lv in levels), default=0)
    Level.objects.create(
        criterion=criterion, position=last + 1, title="New level", points=worth, description=""
    )
