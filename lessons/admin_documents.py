"""Admin for source documents, with the upload that imports them into a draft lesson."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path

from . import builder
from .importing import ImportRefused, documents_import
from .models import Reference, SourceDocument


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = ["author", "year", "pages", "paragraph"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data] or single(None, initial)
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Source documents",
        help_text="Plain-text files (MediaWiki wikitext or text copied from a web page), "
        "UTF-8, at most 2 MB each.",
        error_messages={"required": "Choose at least one document to import."},
    )


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "shape", "origin", "imported_at"]
    list_filter = ["shape", "imported_at"]
    search_fields = ["title", "origin", "content_hash", "cleaned_text"]
    readonly_fields = [
        "content_hash",
        "shape",
        "imported_at",
        "imported_by",
        "report",
        "cleaned_text",
        "raw_text",
    ]
    fields = ["title", "origin", *readonly_fields]
    inlines = [ReferenceInline]
    change_list_template = "admin/lessons/sourcedocument/change_list.html"

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="lessons_sourcedocument_import",
            )
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            uploads = form.cleaned_data["files"]
            too_big = [f.name for f in uploads if f.size > builder.MAX_UPLOAD_BYTES]
            if too_big:
                problems = [f"{name} is larger than 2 MB." for name in too_big]
            else:
                try:
                    outcome = documents_import(
                        files=[(f.name, f.read()) for f in uploads], user=request.user
                    )
                except ImportRefused as refused:
                    problems = refused.problems
                else:
                    for line in outcome.report:
                        self.message_user(request, line, messages.INFO)
                    self.message_user(
                        request,
                        f"Imported {len(outcome.documents)} document(s); the draft lesson "
                        f"“{outcome.lesson.title}” is ready to edit.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:lessons_lesson_change", outcome.lesson.pk)
        ctx = {
            **self.admin_site.each_context(request),
            "title": "Import source documents",
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return render(
            request,
            "admin/lessons/sourcedocument/import.html",
            ctx,
            status=400 if problems or form.errors else 200,
        )
