"""The lesson editor's forms. Every form that saves carries the revision its page showed."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory

from coursework.services import plain_text
from lessons.models import Criterion, Excerpt, Lesson, Level, Module, Question, Skill

from .rubrics import CriterionRow, LevelCell
from .services import LessonFields, ModuleFields


def speaker_of(excerpt: Excerpt) -> str:
    return (
        "A speaker the document does not name"
        if excerpt.speaker == Excerpt.UNNAMED
        else (excerpt.speaker)
    )


class PlainText:
    """Text fields lose control characters other than tab and line breaks (a NUL byte is
    refused before this, by Django's own validator)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = plain_text(value)
        return cleaned


REVISION_MISSING = "This form has no revision of the page it came from. Reload the page."


class RevisionField(forms.IntegerField):
    # Marked so that the page's script can bring every form's revision up to date after an
    # in-place save elsewhere on the page (see static/js/studio-editor.js).
    widget = forms.HiddenInput(attrs={"data-revision": ""})

    def __init__(self, **kwargs):
        super().__init__(
            min_value=1,
            error_messages={"required": REVISION_MISSING, "invalid": REVISION_MISSING},
            **kwargs,
        )


class RevisionForm(forms.Form):
    """Just the revision: for buttons that move or remove something."""

    revision = RevisionField()


class MoveForm(RevisionForm):
    direction = forms.ChoiceField(choices=[("up", "Move up"), ("down", "Move down")])


class LessonFieldsForm(PlainText, forms.Form):
    revision = RevisionField()
    title = forms.CharField(max_length=200)
    central_question = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    grade_band = forms.CharField(
        max_length=40, required=False, help_text="For example: Grades 9–12"
    )
    estimated_minutes = forms.IntegerField(min_value=5, max_value=600, label="Estimated minutes")
    slug = forms.SlugField(
        max_length=80,
        label="Short name",
        help_text="Letters, numbers and hyphens, used in addresses; every version shares it.",
    )

    @classmethod
    def for_lesson(cls, lesson: Lesson, **kwargs):
        initial = {name: getattr(lesson, name) for name in LESSON_FIELDS}
        return cls(initial={**initial, "revision": lesson.revision}, **kwargs)

    def fields_data(self) -> LessonFields:
        data = self.cleaned_data
        return LessonFields(**{name: data[name] for name in LESSON_FIELDS})


LESSON_FIELDS = ["title", "central_question", "summary", "grade_band", "estimated_minutes", "slug"]


class ModuleAddForm(PlainText, forms.Form):
    """Shown beside the lesson's own form, so its ids are its own."""

    revision = RevisionField()
    kind = forms.ChoiceField(choices=Module.Kind.choices, label="Kind of module")
    title = forms.CharField(max_length=200, label="Title of the new module")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_add_%s", **kwargs)


class ModuleOrderForm(forms.Form):
    """The order a drag left the modules in, as their ids separated by commas."""

    revision = RevisionField()
    order = forms.CharField()

    def clean_order(self) -> list[int]:
        parts = self.cleaned_data["order"].split(",")
        if not all(part.strip().isdigit() for part in parts):
            raise ValidationError("The order must be a list of module numbers.")
        return [int(part) for part in parts]


class ModuleFieldsForm(PlainText, forms.Form):
    revision = RevisionField()
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)
    points = forms.IntegerField(min_value=0, max_value=1000, required=False)

    def __init__(self, *args, module: Module, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        self.fields["body"].label = BODY_LABELS[module.kind]
        if module.kind == Module.Kind.ASSIGNMENT:
            self.fields["points"].required = True
        else:
            del self.fields["points"]

    @classmethod
    def for_module(cls, module: Module, **kwargs):
        initial = {"title": module.title, "body": module.body, "points": module.points}
        return cls(initial={**initial, "revision": module.revision}, module=module, **kwargs)

    def fields_data(self) -> ModuleFields:
        data = self.cleaned_data
        return ModuleFields(title=data["title"], body=data["body"], points=data.get("points") or 0)


BODY_LABELS = {
    Module.Kind.BACKGROUND: "Reading",
    Module.Kind.DOCUMENT_STUDY: "Introduction",
    Module.Kind.CORROBORATION: "Introduction",
    Module.Kind.DISCUSSION: "Introduction",
    Module.Kind.ASSIGNMENT: "Instructions",
}


class ExcerptPickForm(forms.Form):
    revision = RevisionField()
    excerpt = forms.TypedChoiceField(coerce=int, label="Excerpt to add")

    def __init__(self, *args, choices: list[Excerpt], **kwargs):
        super().__init__(*args, auto_id="id_pick_%s", **kwargs)
        self.pool = {excerpt.pk: excerpt for excerpt in choices}
        self.fields["excerpt"].choices = [
            (
                e.pk,
                f"{speaker_of(e)}: “{e.text[:90]}{'…' if len(e.text) > 90 else ''}” "
                f"({e.document.title})",
            )
            for e in choices
        ]

    def clean_excerpt(self) -> Excerpt:
        return self.pool[self.cleaned_data["excerpt"]]


class QuestionForm(PlainText, forms.Form):
    revision = RevisionField()
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    skill = forms.ChoiceField(choices=Skill.choices)
    excerpt = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="About")

    def __init__(self, *args, module: Module, excerpts: list[Excerpt], **kwargs):
        super().__init__(*args, **kwargs)
        if module.kind == Module.Kind.DISCUSSION:
            self.fields["text"].label = "Prompt"
        self.excerpts = {excerpt.pk: excerpt for excerpt in excerpts}
        self.fields["excerpt"].choices = [("", "No particular excerpt")] + [
            (e.pk, f"{speaker_of(e)}: “{e.text[:60]}{'…' if len(e.text) > 60 else ''}”")
            for e in excerpts
        ]

    @classmethod
    def for_question(cls, question: Question, module: Module, **kwargs):
        initial = {
            "text": question.text,
            "skill": question.skill,
            "excerpt": question.excerpt_id,
            "revision": module.revision,
        }
        return cls(initial=initial, module=module, **kwargs)

    def clean_excerpt(self) -> Excerpt | None:
        pk = self.cleaned_data["excerpt"]
        return None if pk is None else self.excerpts[pk]


# The rubric grid -------------------------------------------------------------------------


class CriterionForm(PlainText, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].required = True
        self.fields["skill"].error_messages["required"] = (
            "Tag this criterion with the skill it measures."
        )

    class Meta:
        model = Criterion
        fields = ["title", "skill", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"title": "Criterion", "description": "What it looks for"}


class LevelForm(PlainText, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A level just added starts empty; the author describes it when ready.
        self.fields["description"].required = False

    class Meta:
        model = Level
        fields = ["title", "points", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"title": "Level", "description": "Description"}


class LevelFormSet(BaseModelFormSet):
    """Every cell of the grid; criteria ticked for removal (`skipped`) are not checked."""

    skipped: frozenset = frozenset()

    def counted(self):
        return [f for f in self.forms if f.instance.criterion_id not in self.skipped]

    def clean(self):
        super().clean()
        seen = set()
        for form in self.counted():
            key = (form.instance.criterion_id, form.cleaned_data.get("points"))
            if key in seen:
                raise ValidationError("Two levels of one criterion can’t be worth the same points.")
            seen.add(key)

    def cells_valid(self) -> bool:
        self.errors  # noqa: B018 - runs full_clean once
        return not self.non_form_errors() and not any(f.errors for f in self.counted())


CriterionFormSet = modelformset_factory(
    Criterion, form=CriterionForm, extra=0, can_delete=True, edit_only=True
)
LevelFormSetFactory = modelformset_factory(
    Level, form=LevelForm, formset=LevelFormSet, extra=0, edit_only=True
)


class RubricTitleForm(PlainText, forms.Form):
    revision = RevisionField()
    title = forms.CharField(max_length=200, label="Rubric title")


class RubricGrid:
    """The rubric as a grid of forms: a formset of criteria (the rows) and one formset of
    every level (the cells), posted and validated together."""

    def __init__(self, rubric, revision: int, data=None):
        self.rubric = rubric
        self.criteria = list(rubric.criteria.all())
        self.head = (
            RubricTitleForm(data)
            if data is not None
            else RubricTitleForm(initial={"title": rubric.title, "revision": revision})
        )
        self.criterion_formset = CriterionFormSet(
            data, queryset=Criterion.objects.filter(rubric=rubric), prefix="criteria"
        )
        self.level_formset = LevelFormSetFactory(
            data,
            queryset=Level.objects.filter(criterion__rubric=rubric).order_by(
                "criterion__position", "criterion_id", "position", "pk"
            ),
            prefix="levels",
        )

    def _cells_by_criterion(self) -> dict[int, list]:
        cells: dict[int, list] = {c.pk: [] for c in self.criteria}
        for form in self.level_formset.forms:
            cells.setdefault(form.instance.criterion_id, []).append(form)
        return cells

    @property
    def columns(self) -> range:
        widest = max((len(c) for c in self._cells_by_criterion().values()), default=0)
        return range(1, widest + 1)

    def rows(self) -> list[dict]:
        """Each criterion's form beside its row of cells, padded to the widest row."""
        by_pk = {form.instance.pk: form for form in self.criterion_formset.forms}
        cells = self._cells_by_criterion()
        width = len(self.columns)
        return [
            {
                "form": by_pk[c.pk],
                "cells": cells[c.pk],
                "pad": range(width - len(cells[c.pk])),
            }
            for c in self.criteria
            if c.pk in by_pk
        ]

    def is_valid(self) -> bool:
        valid = self.head.is_valid() & self.criterion_formset.is_valid()
        self.level_formset.skipped = frozenset(self.removed())
        return bool(valid & self.level_formset.cells_valid())

    def removed(self) -> set[int]:
        """The criteria ticked for removal, whose cells need no checking."""
        self.criterion_formset.errors  # noqa: B018 - runs full_clean once
        # A row ticked for removal counts even when the rest of it is invalid (left empty).
        return {
            form.instance.pk
            for form in self.criterion_formset.forms
            if getattr(form, "cleaned_data", {}).get("DELETE")
        }

    @property
    def revision(self):
        return self.head.cleaned_data["revision"]

    def problem(self) -> str:
        """One line saying what is wrong with the grid."""
        if self.head.errors:
            return next(iter(self.head.errors.values()))[0]
        errors = self.criterion_formset.non_form_errors() or self.level_formset.non_form_errors()
        if errors:
            return errors[0]
        for form in [*self.criterion_formset.forms, *self.level_formset.counted()]:
            for field, messages in form.errors.items():
                where = form.instance.title or "A new row"
                return f"{where}, {form.fields[field].label.lower()}: {messages[0]}"
        return "Some cells need fixing: see the messages in the grid."

    def criterion_rows(self) -> list[CriterionRow]:
        cells = self._cells_by_criterion()
        rows = []
        for form in self.criterion_formset.forms:
            data = form.cleaned_data
            remove = bool(data.get("DELETE"))
            rows.append(
                CriterionRow(
                    pk=form.instance.pk,
                    title=data.get("title", ""),
                    skill=data.get("skill", ""),
                    description=data.get("description", ""),
                    remove=remove,
                    levels=[
                        LevelCell(
                            pk=cell.instance.pk,
                            title=cell.cleaned_data["title"],
                            points=cell.cleaned_data["points"],
                            description=cell.cleaned_data["description"],
                        )
                        for cell in ([] if remove else cells.get(form.instance.pk, []))
                    ],
                )
            )
        return rows
