from django.urls import path

from apps.activity import apis

app_name = "activity"

urlpatterns = [
    path("exercise/", apis.ExerciseSessionListApi.as_view(), name="list"),
    path("exercise/<uuid:pk>/", apis.ExerciseSessionDetailApi.as_view(), name="detail"),
]
