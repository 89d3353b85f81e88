from django.urls import path, register_converter

from apps.days import apis
from apps.days.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "days"

urlpatterns = [
    path("days/<isodate:day>/", apis.DayTimelineApi.as_view(), name="timeline"),
    path(
        "days/<isodate:day>/confirmation/", apis.DayConfirmationApi.as_view(), name="confirmation"
    ),
]
