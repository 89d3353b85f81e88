from django.apps import AppConfig


class FastingConfig(AppConfig):
    name = "apps.fasting"
    label = "fasting"
