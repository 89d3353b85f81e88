from django.urls import path

from apps.scoring import apis

app_name = "scoring"

urlpatterns = [
    path("scores/daily/", apis.DailyScoreListApi.as_view(), name="daily-list"),
    path("scores/daily/<isodate:day>/", apis.DailyScoreDetailApi.as_view(), name="daily-detail"),
]
