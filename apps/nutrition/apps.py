from django.apps import AppConfig


class NutritionConfig(AppConfig):
    name = "apps.nutrition"
    label = "nutrition"
