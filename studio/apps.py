from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The product's own editor for lessons: import, shape, preview and publish."""

    name = "studio"
    verbose_name = "Lesson studio"
