from django.apps import AppConfig


class GlucoseConfig(AppConfig):
    name = "apps.glucose"
    label = "glucose"
