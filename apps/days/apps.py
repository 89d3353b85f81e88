from django.apps import AppConfig


class DaysConfig(AppConfig):
    name = "apps.days"
    label = "days"
