"""The lesson editor's pages, under /studio/lessons/."""

from django.urls import path

from . import editor, editor_module, editor_rubric

MODULE = "<int:pk>/modules/<int:module_pk>/"

urlpatterns = [
    path("", editor.lesson_list, name="lesson-list"),
    path("<int:pk>/", editor.lesson_edit, name="lesson-edit"),
    path("<int:pk>/modules/add/", editor.module_add, name="module-add"),
    path("<int:pk>/modules/order/", editor.module_reorder, name="module-reorder"),
    path(f"{MODULE}move/", editor.module_move, name="module-move"),
    path(f"{MODULE}remove/", editor.module_remove, name="module-remove"),
    path(MODULE, editor_module.module_edit, name="module-edit"),
    path(f"{MODULE}excerpts/add/", editor_module.excerpt_add, name="excerpt-add"),
    path(
        f"{MODULE}excerpts/<int:excerpt_pk>/remove/",
        editor_module.excerpt_remove,
        name="excerpt-remove",
    ),
    path(
        f"{MODULE}excerpts/<int:excerpt_pk>/move/", editor_module.excerpt_move, name="excerpt-move"
    ),
    path(f"{MODULE}questions/add/", editor_module.question_add, name="question-add"),
    path(
        f"{MODULE}questions/<int:question_pk>/",
        editor_module.question_edit,
        name="question-edit",
    ),
    path(
        f"{MODULE}questions/<int:question_pk>/remove/",
        editor_module.question_remove,
        name="question-remove",
    ),
    path(
        f"{MODULE}questions/<int:question_pk>/move/",
        editor_module.question_move,
        name="question-move",
    ),
    path(f"{MODULE}rubric/", editor_rubric.rubric_edit, name="rubric-edit"),
    path(f"{MODULE}rubric/copy/", editor_rubric.rubric_copy, name="rubric-copy"),
    path(f"{MODULE}rubric/start/", editor_rubric.rubric_start, name="rubric-start"),
]
