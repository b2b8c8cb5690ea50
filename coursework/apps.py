from django.apps import AppConfig


class CourseworkConfig(AppConfig):
    name = "coursework"
    verbose_name = "Coursework"

    def ready(self):
        from accounts import data_export as people

        from . import data_export, stamps

        stamps.connect()
        people.records_part("coursework", data_export.coursework_records)
        people.deletion_part("coursework", data_export.coursework_deletion_counts)
