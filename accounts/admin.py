import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.urls import path, reverse

from .data_export import deletion_summary, student_records
from .models import Classroom, Enrollment, User


def records_response(person: User) -> HttpResponse:
    """The person's records as a JSON download."""
    body = json.dumps(student_records(person), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="records-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role", {"fields": ["role"]}),
    ]
    actions = ["export_records"]

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="accounts_user_export",
            )
        ]
        return custom + super().get_urls()

    def export_view(self, request, object_id):
        """All records of one person as JSON: for a student's request for their data."""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404("No such person")
        if not self.has_view_permission(request, person):
            raise PermissionDenied
        return records_response(person)

    @admin.action(description="Export the selected person's records (JSON)")
    def export_records(self, request, queryset):
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(
                request, "Choose exactly one person to export at a time.", messages.WARNING
            )
            return None
        return records_response(people[0])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_url": reverse("admin:accounts_user_export", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        """The admin's own confirmation, with what goes listed kind by kind and by class."""
        person = self.get_object(request, unquote(object_id))
        if person is not None and request.method == "GET":
            extra_context = {**(extra_context or {}), "summary": deletion_summary(person)}
        return super().delete_view(request, object_id, extra_context)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "role",
                    "first_name",
                    "last_name",
                    "email",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


class EnrollmentInline(admin.StackedInline):
    model = Enrollment
    fk_name = "classroom"
    extra = 0
    autocomplete_fields = ["student"]
    readonly_fields = ["joined_at", "added_by"]
    fields = ["student", "joined_at", "removed_at", "added_by"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "teacher_names",
        "student_count",
        "join_code",
        "joining_enabled",
        "archived",
        "created_at",
    ]
    list_filter = ["archived", "joining_enabled", "created_at"]
    search_fields = ["name", "join_code", "teachers__username", "teachers__last_name"]
    inlines = [EnrollmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_students=Count(
                    "enrollments", filter=Q(enrollments__removed_at__isnull=True), distinct=True
                )
            )
            .prefetch_related("teachers")
        )

    @admin.display(description="Teachers")
    def teacher_names(self, obj):
        return ", ".join(t.display_name for t in obj.teachers.all())

    @admin.display(description="Students", ordering="active_students")
    def student_count(self, obj):
        return obj.active_students


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["student", "classroom", "joined_at", "removed_at", "added_by"]
    list_filter = ["classroom", ("removed_at", admin.EmptyFieldListFilter), "joined_at"]
    search_fields = [
        "student__username",
        "student__first_name",
        "student__last_name",
        "classroom__name",
    ]
    autocomplete_fields = ["student", "classroom", "added_by"]
    list_select_related = ["student", "classroom", "added_by"]
