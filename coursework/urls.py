from django.urls import path

from . import comment_bank, extension_views, student_record, teacher_views, views

app_name = "coursework"

# The student's pages first: they are requested most, and patterns are tried in order.
urlpatterns = [
    path("", views.home, name="home"),
    path("work/<int:pk>/", views.player_resume, name="player"),
    path("work/<int:pk>/<int:position>/", views.player_module, name="player-module"),
    path("work/<int:pk>/<int:position>/answers/", views.answers_save, name="answers-save"),
    path("work/<int:pk>/<int:position>/posts/", views.post_create, name="post-create"),
    path("work/<int:pk>/posts/<int:post_pk>/edit/", views.post_edit, name="post-edit"),
    path("work/<int:pk>/<int:position>/draft/", views.draft_save, name="draft-save"),
    path("work/<int:pk>/<int:position>/submit/", views.submission_submit, name="submit"),
    path("work/<int:pk>/<int:position>/unsubmit/", views.submission_unsubmit, name="unsubmit"),
    path("classes/<int:pk>/assign/", views.assignment_create, name="assignment-create"),
    path("assignments/<int:pk>/dates/", views.assignment_update, name="assignment-update"),
    path("assignments/<int:pk>/withdraw/", views.assignment_withdraw, name="assignment-withdraw"),
    path(
        "assignments/<int:pk>/student-dates/",
        extension_views.student_dates,
        name="student-dates",
    ),
    path("assignments/<int:pk>/recipients/", extension_views.recipients, name="recipients"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/accommodation/",
        extension_views.accommodation_edit,
        name="accommodation-edit",
    ),
    path(
        "assignments/<int:pk>/students/<int:student_pk>/",
        views.student_work,
        name="student-work",
    ),
    path("assignments/<int:pk>/dashboard/", teacher_views.dashboard, name="dashboard"),
    path("assignments/<int:pk>/dashboard.csv", teacher_views.dashboard_csv, name="dashboard-csv"),
    path("assignments/<int:pk>/grading/", teacher_views.grading_queue, name="grading"),
    path(
        "assignments/<int:pk>/grading/return-all/",
        teacher_views.grade_return_all,
        name="grade-return-all",
    ),
    path(
        "assignments/<int:pk>/grading/<int:submission_pk>/",
        teacher_views.grade_screen,
        name="grade",
    ),
    path(
        "assignments/<int:pk>/grading/<int:submission_pk>/bank/",
        comment_bank.grade_bank,
        name="grade-bank",
    ),
    path(
        "assignments/<int:pk>/grading/<int:submission_pk>/record/",
        student_record.record,
        name="student-record",
    ),
    path("grading/comments/", comment_bank.bank_page, name="comment-bank"),
    path("grading/comments/<int:pk>/edit/", comment_bank.bank_edit, name="comment-bank-edit"),
    path("grading/comments/<int:pk>/delete/", comment_bank.bank_delete, name="comment-bank-delete"),
    path(
        "assignments/<int:pk>/grading/<int:submission_pk>/save/",
        teacher_views.grade_save,
        name="grade-save",
    ),
    path(
        "assignments/<int:pk>/grading/<int:submission_pk>/return/",
        teacher_views.grade_return,
        name="grade-return",
    ),
    path(
        "assignments/<int:pk>/grading/<int:submission_pk>/revision/",
        teacher_views.revision_request,
        name="revision-request",
    ),
    path(
        "assignments/<int:pk>/discussion/<int:position>/",
        teacher_views.discussion_moderate,
        name="discussion",
    ),
    path(
        "assignments/<int:pk>/posts/<int:post_pk>/moderate/",
        teacher_views.post_moderate,
        name="post-moderate",
    ),
    path("classes/<int:pk>/gradebook/", teacher_views.gradebook, name="gradebook"),
    path("classes/<int:pk>/gradebook.csv", teacher_views.gradebook_csv, name="gradebook-csv"),
]
