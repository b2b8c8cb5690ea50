from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import OneRosterImport


@admin.register(OneRosterImport)
class OneRosterImportAdmin(admin.ModelAdmin):
    """Imports are made by uploading a zip on the import page and read here; a record of
    one may be deleted, which changes nothing it imported."""

    list_display = ["__str__", "version", "requested_by", "created_at", "finished_at", "report"]
    list_filter = ["status", "version"]
    exclude = ["archive"]
    readonly_fields = ["report"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by").defer("archive")

    @admin.display(description="Report")
    def report(self, obj):
        return format_html('<a href="{}">Show the report</a>', obj.get_absolute_url())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "upload_url": reverse("sis:import-new")}
        return super().changelist_view(request, extra_context)
