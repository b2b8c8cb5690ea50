"""The studio's pages, one module of routes for each part of the authoring flow."""

from django.urls import include, path

app_name = "studio"

urlpatterns = [
    path("imports/", include("studio.import_urls")),
    path("lessons/", include("studio.editor_urls")),
    path("lessons/", include("studio.publish_urls")),
]
