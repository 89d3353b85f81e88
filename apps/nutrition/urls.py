from django.urls import path

from apps.nutrition import apis

app_name = "nutrition"

urlpatterns = [
    path("meals/", apis.MealListApi.as_view(), name="list"),
    path("meals/<uuid:pk>/", apis.MealDetailApi.as_view(), name="detail"),
]
