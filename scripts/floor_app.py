"""The floor for scripts/bench_class.py: a one-view Django app (settings, URLs and WSGI
application in this one module), served by gunicorn exactly like the real app."""

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "floor-app-only-not-a-secret-5e0c8b1a7f2d4e6c9b3a1d8f7e6c5b4a"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]

application = get_wsgi_application()
