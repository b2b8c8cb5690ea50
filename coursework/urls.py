from django.urls import path

from . import views

app_name = "coursework"

urlpatterns = [
    path("classes/<int:pk>/assign/", views.assignment_create, name="assignment-create"),
    path("assignments/<int:pk>/dates/", views.assignment_update, name="assignment-update"),
    path("assignments/<int:pk>/withdraw/", views.assignment_withdraw, name="assignment-withdraw"),
    path(
        "assignments/<int:pk>/students/<int:student_pk>/",
        views.student_work,
        name="student-work",
    ),
    path("work/<int:pk>/", views.player_resume, name="player"),
    path("work/<int:pk>/<int:position>/", views.player_module, name="player-module"),
    path("work/<int:pk>/<int:position>/answers/", views.answers_save, name="answers-save"),
    path("work/<int:pk>/<int:position>/posts/", views.post_create, name="post-create"),
    path("work/<int:pk>/posts/<int:post_pk>/edit/", views.post_edit, name="post-edit"),
    path("work/<int:pk>/<int:position>/draft/", views.draft_save, name="draft-save"),
    path("work/<int:pk>/<int:position>/submit/", views.submission_submit, name="submit"),
    path("work/<int:pk>/<int:position>/unsubmit/", views.submission_unsubmit, name="unsubmit"),
]
