from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password-change-done")
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password-reset-complete")
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("join/", views.class_join, name="class-join"),
    path("classes/new/", views.class_create, name="class-create"),
    path("classes/<int:pk>/", views.class_detail, name="class-detail"),
    path("classes/<int:pk>/assignments/", views.class_assignments, name="class-assignments"),
    path("classes/<int:pk>/settings/", views.class_settings, name="class-settings"),
    path("classes/<int:pk>/rename/", views.class_rename, name="class-rename"),
    path("classes/<int:pk>/archive/", views.class_archive, name="class-archive"),
    path("classes/<int:pk>/code/", views.class_code_regenerate, name="class-code-regenerate"),
    path("classes/<int:pk>/joining/", views.class_joining, name="class-joining"),
    path("classes/<int:pk>/teachers/", views.class_coteacher_add, name="class-coteacher-add"),
    path("classes/<int:pk>/roster/", views.class_roster, name="class-roster"),
    path(
        "classes/<int:pk>/roster/<int:import_pk>/",
        views.class_roster_import,
        name="class-roster-import",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/remove/",
        views.class_student_remove,
        name="class-student-remove",
    ),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
]
