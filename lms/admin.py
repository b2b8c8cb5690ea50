"""Registering an LMS: the platform's issuer, client id and endpoints, and its deployments.

A deployment is recorded by its first launch, inactive; an administrator ticks it active
here before anyone can launch through it.
"""

from django.contrib import admin
from django.db.models import Count, Q
from lti_tool.models import LtiDeployment, LtiRegistration

admin.site.unregister(LtiRegistration)


class LtiDeploymentInline(admin.TabularInline):
    model = LtiDeployment
    fields = ["deployment_id", "is_active", "platform_instance", "datetime_created"]
    readonly_fields = ["platform_instance", "datetime_created"]
    extra = 0


@admin.register(LtiRegistration)
class LtiRegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active", "waiting"]
    search_fields = ["name", "issuer", "client_id"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (
            "The platform",
            {
                "description": "From the LMS's developer key or tool registration page.",
                "fields": [
                    "issuer",
                    "client_id",
                    "audience",
                    "auth_url",
                    "token_url",
                    "keyset_url",
                ],
            },
        ),
    ]
    inlines = [LtiDeploymentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_waiting=Count("deployments", filter=Q(deployments__is_active=False)))
        )

    @admin.display(description="Deployments waiting for activation", ordering="_waiting")
    def waiting(self, obj) -> int:
        return obj._waiting
