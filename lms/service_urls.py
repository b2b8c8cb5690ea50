from django.urls import path

from . import service_views

app_name = "lms_services"

urlpatterns = [
    path(
        "classes/<int:pk>/lms/roster-sync/",
        service_views.roster_sync_view,
        name="roster-sync",
    ),
]
