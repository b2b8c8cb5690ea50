from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS connections (LTI 1.3)"

    def ready(self):
        from . import receivers

        receivers.connect()
