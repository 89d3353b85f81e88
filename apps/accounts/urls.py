from django.urls import path

from apps.accounts import apis

app_name = "accounts"

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="register"),
    path("auth/token/", apis.TokenObtainApi.as_view(), name="token"),
    path("auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="token-refresh"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="logout"),
    path("me/", apis.MeApi.as_view(), name="me"),
]
