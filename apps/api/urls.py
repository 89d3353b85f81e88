"""The /api/v1/ aggregator: each domain app contributes its own urls module."""

from django.urls import include, path, register_converter

from apps.days.converters import IsoDateConverter

# `YYYY-MM-DD` local dates in paths, registered once for every app.
register_converter(IsoDateConverter, "isodate")

app_name = "api"

urlpatterns = [
    path("", include("apps.accounts.urls")),
    path("", include("apps.fasting.urls")),
    path("", include("apps.nutrition.urls")),
    path("", include("apps.glucose.urls")),
    path("", include("apps.activity.urls")),
    path("", include("apps.days.urls")),
    path("", include("apps.scoring.urls")),
    path("", include("apps.sync.urls")),
    path("", include("apps.coaching.urls")),
    path("", include("apps.notifications.urls")),
]
