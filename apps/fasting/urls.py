from django.urls import path

from apps.fasting import apis

app_name = "fasting"

urlpatterns = [
    path("fasts/", apis.FastingWindowListApi.as_view(), name="list"),
    path("fasts/current/", apis.FastCurrentApi.as_view(), name="current"),
    path("fasts/start/", apis.FastStartApi.as_view(), name="start"),
    path("fasts/<uuid:pk>/", apis.FastingWindowDetailApi.as_view(), name="detail"),
    path("fasts/<uuid:pk>/end/", apis.FastEndApi.as_view(), name="end"),
]
