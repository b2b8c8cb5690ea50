from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/unread/", views.unread_badge, name="badge"),
    path("notifications/read-all/", views.notification_read_all, name="read-all"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
]
