from django.urls import path

from . import views

app_name = "sis"

urlpatterns = [
    path("sis/imports/new/", views.import_new, name="import-new"),
    path("sis/imports/<int:pk>/", views.import_detail, name="import-detail"),
]
