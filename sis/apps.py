from django.apps import AppConfig


class SisConfig(AppConfig):
    name = "sis"
    verbose_name = "Rosters from the school's information system (OneRoster)"
