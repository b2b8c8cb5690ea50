from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("lessons/", views.lesson_list, name="lesson-list"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson-detail"),
    path("lessons/<int:pk>/assign/", views.lesson_assign, name="lesson-assign"),
    path("lessons/<int:pk>/preview/<int:position>/", views.lesson_preview, name="lesson-preview"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
]
