from django.urls import path, register_converter

from apps.days.converters import IsoDateConverter
from apps.scoring import apis

register_converter(IsoDateConverter, "isodate")

app_name = "scoring"

urlpatterns = [
    path("scores/daily/", apis.DailyScoreListApi.as_view(), name="daily-list"),
    path("scores/daily/<isodate:day>/", apis.DailyScoreDetailApi.as_view(), name="daily-detail"),
]
