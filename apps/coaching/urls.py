from django.urls import path

from apps.coaching import apis

app_name = "coaching"

urlpatterns = [
    path("coaching/invites/", apis.InviteCreateApi.as_view(), name="invite-create"),
    path("coaching/invites/accept/", apis.InviteAcceptApi.as_view(), name="invite-accept"),
    path("coaching/coaches/", apis.CoachListApi.as_view(), name="coaches"),
    path("coaching/coaches/<uuid:pk>/", apis.CoachRevokeApi.as_view(), name="coach-revoke"),
    path("coaching/clients/", apis.ClientListApi.as_view(), name="clients"),
]
