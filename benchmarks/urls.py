"""The project's URLs plus a bare baseline for the day timeline benchmark: the same day's
readings query, serialised with orjson, no DRF."""

from datetime import date

import orjson
from django.http import HttpResponse
from django.urls import include, path
from rest_framework_simplejwt.authentication import JWTAuthentication

from apps.common.timeutils import local_day_bounds
from apps.glucose.selectors import glucose_rows


def baseline_day(request, day: str):
    user, _ = JWTAuthentication().authenticate(request)
    start, end = local_day_bounds(date.fromisoformat(day), user.profile.timezone)
    rows = glucose_rows(user_id=user.pk, start=start, end=end)
    return HttpResponse(orjson.dumps(rows), content_type="application/json")


urlpatterns = [
    path("bench/baseline/<str:day>/", baseline_day),
    path("", include("backend.urls")),
]
