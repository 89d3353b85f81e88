from django.urls import path

from apps.notifications import apis

app_name = "notifications"

urlpatterns = [
    path("summaries/weekly/", apis.WeeklySummaryListApi.as_view(), name="weekly-list"),
    path("summaries/weekly/<str:week>/", apis.WeeklySummaryDetailApi.as_view(), name="weekly"),
    path("notifications/", apis.NotificationListApi.as_view(), name="inbox"),
    path("notifications/preferences/", apis.PreferenceApi.as_view(), name="preferences"),
    path("notifications/unsubscribe/", apis.UnsubscribeApi.as_view(), name="unsubscribe"),
    path("notifications/<uuid:pk>/read/", apis.NotificationReadApi.as_view(), name="read"),
    path("devices/", apis.DeviceRegisterApi.as_view(), name="devices"),
    path("devices/<uuid:pk>/", apis.DeviceDetailApi.as_view(), name="device"),
]
