"""Preview, checklist, publishing, versions and teachers' copies, under /studio/lessons/."""

from django.urls import path

from . import publish_views as views

urlpatterns = [
    path("<int:pk>/preview/<int:position>/", views.lesson_preview, name="lesson-preview"),
    path("<int:pk>/checklist/", views.lesson_checklist_view, name="lesson-checklist"),
    path("<int:pk>/publish/", views.lesson_publish, name="lesson-publish"),
    path("<int:pk>/new-version/", views.lesson_new_version, name="lesson-new-version"),
    path("<int:pk>/archive/", views.lesson_archive, name="lesson-archive"),
    path("<int:pk>/copy/", views.lesson_copy, name="lesson-copy"),
    path("<int:pk>/changes/", views.lesson_changes_view, name="lesson-changes"),
]
