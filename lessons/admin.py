from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import (
    RUBRIC_FROZEN,
    Criterion,
    Excerpt,
    Lesson,
    Level,
    Module,
    Question,
    Rubric,
    SourcedFact,
)
from .passages import paragraphs_with_mark
from .services import (
    PublishRefused,
    lesson_archive,
    lesson_new_version,
    lesson_publish,
    rubric_copy,
)


def _lesson_of(obj) -> Lesson | None:
    if obj is None:
        return None
    if isinstance(obj, Lesson):
        return obj
    if isinstance(obj, Module):
        return obj.lesson
    module = getattr(obj, "module", None)
    return module.lesson if module else None


class DraftOnlyMixin:
    """Content of a published or archived lesson is read-only: make a new version to edit."""

    def has_change_permission(self, request, obj=None):
        lesson = _lesson_of(obj)
        if lesson is not None and not lesson.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        lesson = _lesson_of(obj)
        if lesson is not None and not lesson.is_editable:
            return False
        return super().has_delete_permission(request, obj)


class DraftOnlyInlineMixin(DraftOnlyMixin):
    def has_add_permission(self, request, obj=None):
        lesson = _lesson_of(obj)
        if lesson is not None and not lesson.is_editable:
            return False
        return super().has_add_permission(request, obj)


def in_context(excerpt_or_fact) -> str:
    """The document's paragraph holding the span, with the span highlighted."""
    if not excerpt_or_fact or excerpt_or_fact.start is None:
        return "No source span: the text is not found in the document."
    paragraphs = paragraphs_with_mark(
        excerpt_or_fact.document.cleaned_text, excerpt_or_fact.start, excerpt_or_fact.end
    )
    shown = [p for p in paragraphs if any(s.marked for s in p)]
    return format_html_join(
        "",
        "<p>{}</p>",
        (
            (
                format_html_join(
                    "",
                    "{}",
                    ((format_html("<mark>{}</mark>", s.text) if s.marked else s.text,) for s in p),
                ),
            )
            for p in shown
        ),
    )


class ExcerptForm(forms.ModelForm):
    class Meta:
        model = Excerpt
        fields = [
            "module",
            "position",
            "document",
            "text",
            "speaker",
            "speaker_role",
            "date_text",
            "source_kind",
            "context",
        ]

    def clean(self):
        cleaned = super().clean()
        document, text = cleaned.get("document"), cleaned.get("text")
        if document and text:
            # The span follows the words: re-locating them keeps every excerpt traceable.
            start = document.cleaned_text.find(text)
            cleaned["start"], cleaned["end"] = (
                (start, start + len(text)) if start >= 0 else (None, None)
            )
            self.instance.start, self.instance.end = cleaned["start"], cleaned["end"]
            if start < 0:
                self.add_error(
                    "text", "These words are not in the document's cleaned text; copy them exactly."
                )
        return cleaned


class ExcerptInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Excerpt
    form = ExcerptForm
    extra = 0
    fields = [
        ("position", "document"),
        "text",
        ("speaker", "speaker_role"),
        ("date_text", "source_kind"),
        "context",
    ]
    show_change_link = True


class QuestionInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Question
    extra = 0
    fields = ["position", "text", "skill", "excerpt"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "excerpt":
            module_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Excerpt.objects.filter(module_id=module_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourcedFactInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = SourcedFact
    extra = 0
    fields = ["kind", "position", "label", "year", "month", "text", "document", "start", "end"]


class ModuleInlineForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["position", "kind", "title", "points", "rubric"]

    def validate_constraints(self):
        # Positions are checked across the whole formset instead: a swap is legal even
        # though each new position belongs to another row until the save.
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class ModuleInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Module
    form = ModuleInlineForm
    extra = 0
    fields = ["position", "kind", "title", "points", "rubric"]
    show_change_link = True
    ordering = ["position"]


@admin.register(Lesson)
class LessonAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "version", "status", "module_count", "grade_band", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["title", "central_question", "summary", "slug"]
    readonly_fields = ["status", "version", "previous_version", "published_at", "preview_link"]
    inlines = [ModuleInline]
    actions = ["publish", "new_version", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "central_question", "summary", "preview_link"]}),
        ("Use", {"fields": ["grade_band", "estimated_minutes", "documents"]}),
        ("Status", {"fields": ["status", "version", "previous_version", "published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(modules_total=Count("modules"))

    @admin.display(description="Modules", ordering="modules_total")
    def module_count(self, obj):
        return obj.modules_total

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save the lesson first."
        return format_html(
            '<a href="{}">Preview as a student would see it</a>',
            reverse("lessons:lesson-detail", args=[obj.pk]),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Module:
            return super().save_formset(request, form, formset, change)
        # Positions are unique in a lesson; park moved modules out of the way so a swap saves.
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                obj.delete()
            moved = [m for m in instances if m.pk]
            for offset, module in enumerate(moved, start=1):
                Module.objects.filter(pk=module.pk).update(position=100_000 + offset)
            for module in instances:
                module.save()
            formset.save_m2m()

    @admin.action(description="Publish selected draft lessons")
    def publish(self, request, queryset):
        for lesson in queryset:
            try:
                lesson_publish(lesson=lesson)
            except PublishRefused as refused:
                for problem in refused.problems:
                    self.message_user(request, f"Not published: {problem}", messages.ERROR)
            else:
                self.message_user(request, f"Published “{lesson.title}”.", messages.SUCCESS)

    @admin.action(description="Make a new version (a draft copy) of selected lessons")
    def new_version(self, request, queryset):
        for lesson in queryset:
            copy = lesson_new_version(lesson=lesson)
            self.message_user(
                request,
                f"Made version {copy.version} of “{copy.title}” as a draft.",
                messages.SUCCESS,
            )

    @admin.action(description="Archive selected lessons")
    def archive(self, request, queryset):
        for lesson in queryset:
            lesson_archive(lesson=lesson)
        self.message_user(request, f"Archived {queryset.count()} lesson(s).", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # The change list must stay reachable for actions on published lessons.
        if obj is None:
            return super(DraftOnlyMixin, self).has_change_permission(request, obj)
        return super().has_change_permission(request, obj)


@admin.register(Module)
class ModuleAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "lesson", "position", "kind"]
    list_filter = ["kind", "lesson__status"]
    search_fields = ["title", "body", "lesson__title"]
    list_select_related = ["lesson"]
    inlines = [ExcerptInline, QuestionInline, SourcedFactInline]


@admin.register(Excerpt)
class ExcerptAdmin(DraftOnlyMixin, admin.ModelAdmin):
    form = ExcerptForm
    list_display = ["speaker", "speaker_role", "short_text", "module", "document"]
    list_filter = ["speaker_role", "document", "module__lesson"]
    search_fields = ["text", "speaker", "source_kind"]
    list_select_related = ["module__lesson", "document"]
    readonly_fields = ["start", "end", "source_in_context"]
    fields = [
        "module",
        "position",
        "document",
        "text",
        "speaker",
        "speaker_role",
        "date_text",
        "source_kind",
        "context",
        "start",
        "end",
        "source_in_context",
    ]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:80]

    @admin.display(description="In its document")
    def source_in_context(self, obj):
        return in_context(obj)


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["text", "skill", "module"]
    list_filter = ["skill", "module__kind", "module__lesson"]
    search_fields = ["text"]
    list_select_related = ["module__lesson"]


def _rubric_of(obj) -> Rubric | None:
    if isinstance(obj, Rubric):
        return obj
    if isinstance(obj, Criterion):
        return obj.rubric
    return None


class FrozenRubricMixin:
    """A rubric used by a published lesson or by a grade is read-only: copy it to edit.
    The models refuse such a change too; this shows the rubric as read-only instead."""

    def _frozen(self, obj) -> bool:
        rubric = _rubric_of(obj)
        return rubric is not None and rubric.is_frozen

    def has_change_permission(self, request, obj=None):
        if self._frozen(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._frozen(obj):
            return False
        return super().has_delete_permission(request, obj)


class FrozenRubricInlineMixin(FrozenRubricMixin):
    def has_add_permission(self, request, obj=None):
        if self._frozen(obj):
            return False
        return super().has_add_permission(request, obj)


class LevelInline(FrozenRubricInlineMixin, admin.StackedInline):
    model = Level
    extra = 0
    fields = ["position", "title", "points", "description"]


class CriterionInline(FrozenRubricInlineMixin, admin.StackedInline):
    model = Criterion
    extra = 0
    fields = ["position", "title", "skill", "description"]
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(FrozenRubricMixin, admin.ModelAdmin):
    list_display = ["title", "in_use", "created_at"]
    search_fields = ["title", "criteria__title"]
    inlines = [CriterionInline]
    actions = ["copy_to_edit"]

    def get_queryset(self, request):
        frozen = Rubric.objects.frozen().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(frozen=Exists(frozen))

    @admin.display(description="In use", ordering="frozen")
    def in_use(self, obj):
        return "Read-only: copy to edit" if obj.frozen else "Editable"

    @admin.action(description="Copy to edit: a new editable rubric with the same criteria")
    def copy_to_edit(self, request, queryset):
        for rubric in queryset:
            copy = rubric_copy(rubric=rubric, title=f"{rubric.title} (copy)"[:200])
            self.message_user(
                request,
                format_html(
                    'Copied “{}” to <a href="{}">{}</a>, which you can edit.',
                    rubric.title,
                    reverse("admin:lessons_rubric_change", args=[copy.pk]),
                    copy.title,
                ),
                messages.SUCCESS,
            )

    def delete_queryset(self, request, queryset):
        frozen = queryset.filter(pk__in=Rubric.objects.frozen())
        if frozen.exists():
            self.message_user(request, RUBRIC_FROZEN, messages.ERROR)
            queryset = queryset.exclude(pk__in=frozen)
        super().delete_queryset(request, queryset)


@admin.register(Criterion)
class CriterionAdmin(FrozenRubricMixin, admin.ModelAdmin):
    list_display = ["title", "rubric", "position", "skill"]
    list_filter = ["skill"]
    search_fields = ["title", "rubric__title"]
    list_select_related = ["rubric"]
    inlines = [LevelInline]

    def delete_queryset(self, request, queryset):
        frozen = queryset.filter(rubric__in=Rubric.objects.frozen())
        if frozen.exists():
            self.message_user(request, RUBRIC_FROZEN, messages.ERROR)
            queryset = queryset.exclude(pk__in=frozen)
        super().delete_queryset(request, queryset)


# Source documents and their import live beside this file.
from . import admin_documents  # noqa: E402, F401
