from django.urls import path

from apps.days import apis

app_name = "days"

urlpatterns = [
    path("days/<isodate:day>/", apis.DayTimelineApi.as_view(), name="timeline"),
    path(
        "days/<isodate:day>/confirmation/", apis.DayConfirmationApi.as_view(), name="confirmation"
    ),
]
