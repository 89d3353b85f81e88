"""/coach/: the coach web admin (server-rendered pages, session sign-in)."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from apps.coaching.web import auth, data, pages
from apps.days.converters import IsoDateConverter

if "isodate" not in get_converters():  # whichever urls module loads first registers it
    register_converter(IsoDateConverter, "isodate")

app_name = "coach"

client = "clients/<uuid:client_id>/"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", pages.clients_page, name="clients"),
    path("clients/search.json", data.client_search_json, name="client-search"),
    path("invites/", pages.invite_create, name="invite-create"),
    path("flags/", pages.flags_page, name="flags"),
    path("flags/<int:flag_id>/acknowledge/", pages.flag_acknowledge, name="flag-acknowledge"),
    path(client, pages.dashboard_page, name="dashboard"),
    path(client + "data/glucose.json", data.glucose_data, name="glucose-data"),
    path(client + "data/agp.json", data.agp_data, name="agp-data"),
    path(client + "data/daily.json", data.daily_data, name="daily-data"),
    path(client + "data/days/<isodate:day>.json", data.day_data, name="day-data"),
    path(client + "export/", data.export, name="export"),
    path(client + "notes/", pages.note_create, name="note-create"),
    path(client + "notes/<uuid:note_id>/delete/", pages.note_delete, name="note-delete"),
]
