from django.urls import path

from . import views

app_name = "cartridge"

urlpatterns = [
    path("lessons/<int:pk>/cartridge/", views.lesson_cartridge, name="lesson-cartridge"),
]
