from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q

from .models import Classroom, Enrollment, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role", {"fields": ["role"]}),
    ]
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
