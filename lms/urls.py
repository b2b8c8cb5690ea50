from django.urls import path

from . import views

app_name = "lms"

urlpatterns = [
    path("lti/login/", views.oidc_login, name="login"),
    path("lti/launch/", views.launch, name="launch"),
    path("lti/deep-link/", views.deep_link_select, name="deep-link"),
    path("lti/config.json", views.canvas_config, name="config"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
