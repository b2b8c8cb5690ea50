from django.contrib import admin
from django.urls import include, path

# No two apps share a path, so the order only decides how soon a request finds its view:
# the most-requested pages first, the admin last.
urlpatterns = [
    path("", include("coursework.urls")),
    path("", include("lessons.urls")),
    path("", include("accounts.urls")),
    path("studio/", include("studio.urls")),
    path("", include("notifications.urls")),
    path("", include("lms.urls")),
    path("", include("lms.service_urls")),
    path("", include("sis.urls")),
    path("", include("cartridge.urls")),
    path("admin/", admin.site.urls),
]
