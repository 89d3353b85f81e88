from django.urls import path

from apps.sync import apis

app_name = "sync"

urlpatterns = [
    path("sync/pull/", apis.SyncPullApi.as_view(), name="pull"),
    path("sync/push/", apis.SyncPushApi.as_view(), name="push"),
]
