from django.urls import path

from apps.glucose import apis

app_name = "glucose"

urlpatterns = [
    path("glucose/readings/", apis.GlucoseReadingListApi.as_view(), name="list"),
    path("glucose/readings/bulk/", apis.GlucoseBulkApi.as_view(), name="bulk"),
    path("glucose/readings/<uuid:pk>/", apis.GlucoseReadingDetailApi.as_view(), name="detail"),
    path("glucose/metrics/", apis.GlucoseMetricsApi.as_view(), name="metrics"),
]
