from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from studio.publishing import lesson_edit_url, module_edit_url, studio_url

from .models import (
    RUBRIC_FROZEN,
    Criterion,
    Excerpt,
    Lesson,
    Module,
    Question,
    Rubric,
)
from .passages import paragraphs_with_mark
from .services import (
    PublishRefused,
    lesson_archive,
    lesson_new_version,
    lesson_publish,
    lesson_publish_for_everyone,
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


def _studio_links(*links) -> str:
    return format_html_join(" · ", '<a href="{}">{}</a>', ((url, text) for url, text in links))


def _module_part_link(obj, part: str) -> str:
    """A link to an excerpt's or question's place on its module's studio page."""
    if not obj.pk:
        return "Excerpts and questions are added on their module's page in the studio."
    url = module_edit_url(obj.module.lesson, obj.module_id, f"{part}-{obj.pk}")
    return format_html('<a href="{}">Edit it on its module\'s studio page</a>', url)


@admin.register(Lesson)
class LessonAdmin(DraftOnlyMixin, admin.ModelAdmin):
    """The lesson's own fields, for rescue work; its modules, excerpts, questions and rubric
    are shaped in the studio, which every lesson links to."""

    list_display = [
        "title",
        "version",
        "status",
        "owner",
        "module_count",
        "grade_band",
        "created_at",
    ]
    list_filter = ["status", "created_at", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["title", "central_question", "summary", "slug"]
    list_select_related = ["owner"]
    readonly_fields = [
        "status",
        "version",
        "previous_version",
        "published_at",
        "owner",
        "copied_from",
        "studio_links",
        "modules_in_studio",
    ]
    actions = ["publish", "publish_for_everyone", "new_version", "archive"]
    fieldsets = [
        (None, {"fields": ["studio_links", "title", "slug", "central_question", "summary"]}),
        ("Use", {"fields": ["grade_band", "estimated_minutes", "documents"]}),
        ("Modules", {"fields": ["modules_in_studio"]}),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "version",
                    "previous_version",
                    "published_at",
                    "owner",
                    "copied_from",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(modules_total=Count("modules"))

    @admin.display(description="Modules", ordering="modules_total")
    def module_count(self, obj):
        return obj.modules_total

    @admin.display(description="In the studio")
    def studio_links(self, obj):
        if not obj.pk:
            return "Save the lesson first."
        links = [
            (lesson_edit_url(obj), "Edit in the studio"),
            (reverse("studio:lesson-checklist", args=[obj.pk]), "Checklist and publishing"),
        ]
        first = obj.modules.order_by("position").values_list("position", flat=True).first()
        if first is not None:
            links.append(
                (reverse("studio:lesson-preview", args=[obj.pk, first]), "Preview as a student")
            )
        return _studio_links(*links)

    @admin.display(description="Modules")
    def modules_in_studio(self, obj):
        if not obj.pk:
            return "Save the lesson first."
        modules = obj.modules.order_by("position").only("pk", "position", "title", "kind")
        return (
            format_html_join(
                "",
                '<p>{}. <a href="{}">{}</a> ({})</p>',
                (
                    (m.position, module_edit_url(obj, m.pk), m.title, m.get_kind_display())
                    for m in modules
                ),
            )
            or "No modules yet: add them in the studio."
        )

    @admin.action(description="Publish selected draft lessons")
    def publish(self, request, queryset):
        for lesson in queryset:
            try:
                lesson_publish(lesson=lesson)
            except PublishRefused as refused:
                for problem in refused.problems:
                    self.message_user(
                        request, f"Not published: “{lesson.title}”: {problem}", messages.ERROR
                    )
            else:
                self.message_user(request, f"Published “{lesson.title}”.", messages.SUCCESS)

    @admin.action(description="Publish for everyone (a teacher's copy becomes the school's)")
    def publish_for_everyone(self, request, queryset):
        for lesson in queryset:
            try:
                lesson_publish_for_everyone(lesson=lesson)
            except PublishRefused as refused:
                for problem in refused.problems:
                    self.message_user(
                        request, f"Not published: “{lesson.title}”: {problem}", messages.ERROR
                    )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Published “{lesson.title}” for every teacher.",
                    messages.SUCCESS,
                )

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
        archived = 0
        for lesson in queryset:
            try:
                lesson_archive(lesson=lesson)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                archived += 1
        if archived:
            self.message_user(request, f"Archived {archived} lesson(s).", messages.SUCCESS)

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
    fields = ["lesson", "position", "kind", "title", "body", "points", "rubric", "in_studio"]
    readonly_fields = ["lesson", "position", "kind", "rubric", "in_studio"]

    @admin.display(description="In the studio")
    def in_studio(self, obj):
        # Excerpts, questions, facts and the rubric are edited on the module's studio page.
        if not obj.pk:
            return ""
        return _studio_links(
            (module_edit_url(obj.lesson, obj.pk), "Edit this module in the studio"),
            (
                reverse("studio:lesson-preview", args=[obj.lesson_id, obj.position]),
                "Preview as a student",
            ),
        )

    def has_add_permission(self, request):
        return False


@admin.register(Excerpt)
class ExcerptAdmin(DraftOnlyMixin, admin.ModelAdmin):
    form = ExcerptForm
    list_display = ["speaker", "speaker_role", "short_text", "module", "document"]
    list_filter = ["speaker_role", "document", "module__lesson"]
    search_fields = ["text", "speaker", "source_kind"]
    list_select_related = ["module__lesson", "document"]
    readonly_fields = ["in_the_studio", "start", "end", "source_in_context"]
    fields = [
        "in_the_studio",
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

    @admin.display(description="In the studio")
    def in_the_studio(self, obj):
        return _module_part_link(obj, "excerpt")


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["text", "skill", "module"]
    list_filter = ["skill", "module__kind", "module__lesson"]
    search_fields = ["text"]
    list_select_related = ["module__lesson"]
    fields = ["in_the_studio", "module", "position", "text", "skill", "excerpt"]
    readonly_fields = ["in_the_studio"]

    @admin.display(description="In the studio")
    def in_the_studio(self, obj):
        return _module_part_link(obj, "question")


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


def _rubric_grid(rubric: Rubric) -> str:
    """The rubric's criteria by levels, read-only, as the grading screen shows them."""
    criteria = list(rubric.criteria.prefetch_related("levels"))
    if not criteria:
        return "No criteria yet."
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                c.title,
                format_html_join(
                    "",
                    "<td><strong>{} pts</strong> {}: {}</td>",
                    ((lv.points, lv.title, lv.description) for lv in c.levels.all()),
                ),
            )
            for c in criteria
        ),
    )
    return format_html('<table class="rubric-grid"><tbody>{}</tbody></table>', rows)


def _rubric_studio_links(rubric: Rubric) -> str:
    modules = rubric.modules.select_related("lesson").order_by("lesson__title", "position")
    links = [
        (
            studio_url("rubric-edit", m.lesson_id, m.pk),
            f"{m.lesson} · module {m.position}, {m.title}",
        )
        for m in modules
    ]
    if not links:
        return "No module uses this rubric."
    return format_html_join("", '<p><a href="{}">{}</a></p>', links)


@admin.register(Rubric)
class RubricAdmin(FrozenRubricMixin, admin.ModelAdmin):
    list_display = ["title", "in_use", "created_at"]
    search_fields = ["title", "criteria__title"]
    # Criteria and levels are edited as a grid in the studio, from the module using the rubric.
    fields = ["title", "grid", "in_the_studio"]
    readonly_fields = ["grid", "in_the_studio"]
    actions = ["copy_to_edit"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Criteria and levels")
    def grid(self, obj):
        return _rubric_grid(obj) if obj.pk else ""

    @admin.display(description="Edit in the studio")
    def in_the_studio(self, obj):
        return _rubric_studio_links(obj) if obj.pk else ""

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
    fields = ["rubric", "position", "title", "skill", "description", "levels_shown"]
    readonly_fields = ["rubric", "position", "levels_shown"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Levels (edited in the studio's rubric grid)")
    def levels_shown(self, obj):
        if not obj.pk:
            return ""
        return format_html_join(
            "",
            "<p><strong>{} pts</strong> {}: {}</p>",
            ((lv.points, lv.title, lv.description) for lv in obj.levels.all()),
        )

    def delete_queryset(self, request, queryset):
        frozen = queryset.filter(rubric__in=Rubric.objects.frozen())
        if frozen.exists():
            self.message_user(request, RUBRIC_FROZEN, messages.ERROR)
            queryset = queryset.exclude(pk__in=frozen)
        super().delete_queryset(request, queryset)


# Source documents and their import live beside this file.
from . import admin_documents  # noqa: E402, F401
