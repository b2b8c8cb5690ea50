"""The lesson editor's writes: each one in a transaction, under a lock on the row whose
revision it checks, and each one bumps that revision.

A lesson's own fields, its modules' order and its rubric are checked against
Lesson.revision; a module's fields, excerpts and questions against Module.revision. A save
carrying any other revision than the stored one raises StaleSave and changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Length

from lessons.models import Excerpt, Lesson, Module, Question

from .access import require_editable

# Positions are moved out of the way before they are renumbered, so the unique
# (lesson, position) constraint never sees two rows at the same place.
PARKING = 100_000

# What a module's copy of an excerpt keeps of the excerpt it was picked from.
EXCERPT_COPIED = (
    "document_id",
    "text",
    "start",
    "end",
    "speaker",
    "speaker_role",
    "date_text",
    "source_kind",
    "context",
)


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
    slug: str


@dataclass(frozen=True)
class ModuleFields:
    title: str
    body: str
    points: int


def lock_draft(lesson: Lesson) -> Lesson:
    """The lesson's row, locked, refused unless it is still a draft. Publishing takes the
    same lock, so nothing checked under it lands in a lesson published meanwhile."""
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    require_editable(locked)
    return locked


def lock_lesson(lesson: Lesson, revision: int) -> Lesson:
    locked = lock_draft(lesson)
    if locked.revision != revision:
        raise StaleSave(locked)
    return locked


def _lock_module(module: Module, revision: int) -> Module:
    # Only the module's row is locked: lesson-wide saves lock the lesson, and the two never
    # wait on each other.
    locked = (
        Module.objects.select_for_update(of=("self",)).select_related("lesson").get(pk=module.pk)
    )
    # Publishing locks every module of the lesson, so a status read after this lock is the
    # one the save must obey.
    locked.lesson.status = Lesson.objects.values_list("status", flat=True).get(pk=locked.lesson_id)
    require_editable(locked.lesson)
    if locked.revision != revision:
        raise StaleSave(locked)
    return locked


def bump_revision(obj: Lesson | Module) -> None:
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
    locked = lock_lesson(lesson, revision)
    _check_slug(locked, fields.slug)
    for name, value in vars(fields).items():
        setattr(locked, name, value)
    locked.revision += 1
    locked.save(update_fields=[*vars(fields), "revision"])
    return locked


def _check_slug(lesson: Lesson, slug: str) -> None:
    """A lesson's short name ties its versions together: a later version keeps it, and no
    other lesson may take one already in use."""
    if slug == lesson.slug:
        return
    if lesson.previous_version_id:
        raise ValidationError(
            f"The short name stays “{lesson.slug}”: every version of a lesson shares it."
        )
    if Lesson.objects.filter(slug=slug).exclude(pk=lesson.pk).exists():
        raise ValidationError(f"Another lesson already uses the short name “{slug}”.")


@transaction.atomic
def module_add(*, lesson: Lesson, revision: int, kind: str, title: str) -> Module:
    """A new, empty module at the end of the lesson."""
    locked = lock_lesson(lesson, revision)
    last = locked.modules.aggregate(last=Max("position"))["last"] or 0
    module = Module.objects.create(lesson=locked, position=last + 1, kind=kind, title=title)
    bump_revision(locked)
    return module


@transaction.atomic
def module_remove(*, lesson: Lesson, revision: int, module: Module) -> None:
    """Delete the module with its excerpts and questions; the others close up."""
    locked = lock_lesson(lesson, revision)
    # Only a draft gets here, and a draft is never assigned: no student work goes with it.
    Module.objects.filter(pk=module.pk, lesson=locked).delete()
    _renumber(locked.modules.all(), list(locked.modules.values_list("pk", flat=True)))
    bump_revision(locked)


@transaction.atomic
def module_move(*, lesson: Lesson, revision: int, module: Module, direction: str) -> None:
    locked = lock_lesson(lesson, revision)
    pks = list(locked.modules.values_list("pk", flat=True))
    _renumber(locked.modules.all(), _moved(pks, module.pk, direction))
    bump_revision(locked)


@transaction.atomic
def modules_reorder(*, lesson: Lesson, revision: int, order: list[int]) -> None:
    """Put the modules in the given order, which must name each of them exactly once."""
    locked = lock_lesson(lesson, revision)
    pks = list(locked.modules.values_list("pk", flat=True))
    if sorted(order) != sorted(pks):
        raise ValidationError("The new order must list every module of the lesson once.")
    _renumber(locked.modules.all(), order)
    bump_revision(locked)


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
    lessons (never from a teacher's private copy, and for a teacher's copy never from a
    school lesson still in draft), each passage once, less those the module shows."""
    shown = {(e.document_id, e.start, e.end, e.text) for e in module.excerpts.all()}
    school = Q(module__lesson__owner__isnull=True)
    if module.lesson.owner_id is not None:
        school &= ~Q(module__lesson__status=Lesson.Status.DRAFT)
    pool = (
        Excerpt.objects.filter(document__lessons=module.lesson_id)
        .filter(school | Q(module__lesson=module.lesson_id))
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
    length = (
        locked.lesson.documents.filter(pk=source.document_id)
        .annotate(length=Length("cleaned_text"))
        .values_list("length", flat=True)
        .first()
    )
    if length is None:
        raise ValidationError("That excerpt is not from one of this lesson's documents.")
    if source.start is None or source.end is None or not 0 <= source.start < source.end <= length:
        raise ValidationError(
            "That excerpt's place is not inside its document (its start and end must fall "
            "within the document's text, start first), so nothing was added."
        )
    last = locked.excerpts.aggregate(last=Max("position"))["last"]
    copy = Excerpt.objects.create(
        module=locked,
        position=0 if last is None else last + 1,
        **{name: getattr(source, name) for name in EXCERPT_COPIED},
    )
    bump_revision(locked)
    return copy


@transaction.atomic
def _item_remove(*, module: Module, revision: int, item: Excerpt | Question) -> None:
    locked = _lock_module(module, revision)
    type(item).objects.filter(pk=item.pk, module=locked).delete()
    bump_revision(locked)


@transaction.atomic
def _item_move(*, module: Module, revision: int, item: Excerpt | Question, direction: str):
    """An excerpt or a question of the module one place up or down."""
    locked = _lock_module(module, revision)
    items = type(item).objects.filter(module=locked)
    pks = list(items.values_list("pk", flat=True))
    _renumber(items, _moved(pks, item.pk, direction), start=0)
    bump_revision(locked)


def excerpt_remove(*, module: Module, revision: int, excerpt: Excerpt) -> None:
    """The excerpt leaves the module; questions about it stay, about no excerpt."""
    _item_remove(module=module, revision=revision, item=excerpt)


def excerpt_move(*, module: Module, revision: int, excerpt: Excerpt, direction: str) -> None:
    _item_move(module=module, revision=revision, item=excerpt, direction=direction)


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
    bump_revision(locked)
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
    bump_revision(locked)


def question_remove(*, module: Module, revision: int, question: Question) -> None:
    _item_remove(module=module, revision=revision, item=question)


def question_move(*, module: Module, revision: int, question: Question, direction: str) -> None:
    _item_move(module=module, revision=revision, item=question, direction=direction)
