"""Importing documents and reviewing what the builder made of them."""

from django.urls import path

from . import import_views as views

review = "lessons/<int:lesson_pk>/documents/<int:document_pk>/"

urlpatterns = [
    path("new/", views.import_new, name="import-new"),
    path("lessons/<int:lesson_pk>/", views.import_lesson, name="import-lesson"),
    path(review, views.import_review, name="import-review"),
    path(f"{review}restore/", views.import_restore, name="import-restore"),
    path(f"{review}reject/", views.import_reject, name="import-reject"),
    path(f"{review}unreject/", views.import_unreject, name="import-unreject"),
    path(f"{review}excerpts/", views.import_excerpt_create, name="import-excerpt-create"),
    path(f"{review}gaps/", views.import_gap_fill, name="import-gap-fill"),
    path(f"{review}notes/delete/", views.import_note_delete, name="import-note-delete"),
]
