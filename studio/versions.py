"""What changed between two versions of a lesson, or between a teacher's copy and the lesson
it was copied from, in words an author can read.

Modules carry no link to the module they were copied from, so they are paired by kind and
title first, then by kind and position; anything left over was added or removed.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch

from lessons.models import Excerpt, Lesson, Module, Question

LESSON_FIELDS = [
    ("title", "Title"),
    ("slug", "Slug"),
    ("central_question", "Central question"),
    ("summary", "Summary"),
    ("grade_band", "Grade band"),
    ("estimated_minutes", "Estimated minutes"),
]
MODULE_FIELDS = [
    ("title", "Title"),
    ("kind", "Kind"),
    ("body", "Text"),
    ("points", "Points"),
]
WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Segment:
    """A run of words: kept, removed ("del") or added ("ins")."""

    text: str
    op: str = "same"


@dataclass
class TextChange:
    label: str
    before: str
    after: str

    @property
    def segments(self) -> list[Segment]:
        return word_diff(self.before, self.after)


@dataclass
class ItemChanges:
    """Questions or excerpts of one module: what was added, removed or reworded."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[TextChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class ModuleChange:
    before: Module
    after: Module
    fields: list[TextChange]
    questions: ItemChanges
    excerpts: ItemChanges

    @property
    def moved(self) -> bool:
        return self.before.position != self.after.position

    def __bool__(self) -> bool:
        return bool(self.moved or self.fields or self.questions or self.excerpts)


@dataclass
class LessonChanges:
    before: Lesson
    after: Lesson
    fields: list[TextChange]
    documents_added: list[str]
    documents_removed: list[str]
    modules_added: list[Module]
    modules_removed: list[Module]
    modules_changed: list[ModuleChange]

    def __bool__(self) -> bool:
        return bool(
            self.fields
            or self.documents_added
            or self.documents_removed
            or self.modules_added
            or self.modules_removed
            or self.modules_changed
        )


def word_diff(before: str, after: str) -> list[Segment]:
    """The words of `before` and `after` as kept, removed and added runs."""
    old, new = WORD.findall(before), WORD.findall(after)
    segments = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("".join(old[a1:a2])))
            continue
        if a2 > a1:
            segments.append(Segment("".join(old[a1:a2]), "del"))
        if b2 > b1:
            segments.append(Segment("".join(new[b1:b2]), "ins"))
    return segments


def _display(obj, name: str) -> str:
    if name == "kind":
        return obj.get_kind_display()
    return str(getattr(obj, name))


def _field_changes(before, after, fields) -> list[TextChange]:
    return [
        TextChange(label, _display(before, name), _display(after, name))
        for name, label in fields
        if getattr(before, name) != getattr(after, name)
    ]


def _question_line(question: Question) -> str:
    return f"{question.text} ({question.get_skill_display()})"


def _excerpt_line(excerpt: Excerpt) -> str:
    speaker = (
        "a speaker the document does not name"
        if excerpt.speaker == Excerpt.UNNAMED
        else (excerpt.speaker)
    )
    when = f", {excerpt.date_text}" if excerpt.date_text else ""
    return f"“{excerpt.text}” ({speaker}{when}; {excerpt.document.title})"


def _item_changes(before: list[str], after: list[str]) -> ItemChanges:
    changes = ItemChanges()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = before[a1:a2], after[b1:b2]
        if op == "replace":
            # Lines replaced one for one are rewordings; the rest were added or removed.
            for index, (was, now) in enumerate(zip(old, new, strict=False), start=1):
                changes.changed.append(TextChange(f"{index}", was, now))
            old, new = old[len(new) :], new[len(old) :]
        changes.removed += old
        changes.added += new
    return changes


def _pair_modules(before: list[Module], after: list[Module]) -> list[tuple[Module, Module]]:
    pairs = []
    left, right = list(before), list(after)
    for key in (lambda m: (m.kind, m.title), lambda m: (m.kind, m.position)):
        for old in list(left):
            match = next((new for new in right if key(new) == key(old)), None)
            if match is not None:
                pairs.append((old, match))
                left.remove(old)
                right.remove(match)
    return pairs


def _modules(lesson: Lesson) -> list[Module]:
    excerpts = Excerpt.objects.select_related("document").defer(
        "document__raw_text", "document__cleaned_text", "document__report"
    )
    return list(
        lesson.modules.select_related("rubric")
        .order_by("position")
        .prefetch_related(Prefetch("excerpts", queryset=excerpts), "questions")
    )


def lesson_changes(*, before: Lesson, after: Lesson) -> LessonChanges:
    """Everything `after` changes in `before`, in a fixed number of queries."""
    old_modules, new_modules = _modules(before), _modules(after)
    pairs = _pair_modules(old_modules, new_modules)
    paired_old = {old.pk for old, _ in pairs}
    paired_new = {new.pk for _, new in pairs}
    changed = []
    for old, new in sorted(pairs, key=lambda pair: pair[1].position):
        change = ModuleChange(
            before=old,
            after=new,
            fields=_field_changes(old, new, MODULE_FIELDS),
            questions=_item_changes(
                [_question_line(q) for q in old.questions.all()],
                [_question_line(q) for q in new.questions.all()],
            ),
            excerpts=_item_changes(
                [_excerpt_line(e) for e in old.excerpts.all()],
                [_excerpt_line(e) for e in new.excerpts.all()],
            ),
        )
        if old.rubric_id != new.rubric_id:
            change.fields.append(
                TextChange(
                    "Rubric",
                    str(old.rubric) if old.rubric_id else "none",
                    str(new.rubric) if new.rubric_id else "none",
                )
            )
        if change:
            changed.append(change)
    old_docs = set(before.documents.values_list("title", flat=True))
    new_docs = set(after.documents.values_list("title", flat=True))
    return LessonChanges(
        before=before,
        after=after,
        fields=_field_changes(before, after, LESSON_FIELDS),
        documents_added=sorted(new_docs - old_docs),
        documents_removed=sorted(old_docs - new_docs),
        modules_added=[m for m in new_modules if m.pk not in paired_new],
        modules_removed=[m for m in old_modules if m.pk not in paired_old],
        modules_changed=changed,
    )


def lesson_compared_with(lesson: Lesson) -> Lesson | None:
    """What a lesson's changes are shown against: the version it was made from, or for a
    teacher's copy the lesson it copies."""
    return lesson.previous_version or lesson.copied_from
