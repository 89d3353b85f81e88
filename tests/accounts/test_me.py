import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def test_me_returns_every_profile_field(member_client):
    body = member_client.get(ME).json()
    for field in (
        "email",
        "timezone",
        "glucose_unit",
        "sex",
        "birth_date",
        "height_cm",
        "weight_kg",
        "activity_level",
        "maintenance_kcal",
        "fasting_target_hours",
        "tracking_start",
        "medical_context",
        "role",
    ):
        assert field in body


def test_patch_updates_profile(member_client):
    response = member_client.patch(
        ME,
        {
            "timezone": "Asia/Kolkata",
            "glucose_unit": "mmol/L",
            "weight_kg": 70.5,
            "medical_context": ["insulin"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["timezone"] == "Asia/Kolkata"
    assert response.json()["medical_context"] == ["insulin"]
    assert member_client.get(ME).json()["weight_kg"] == 70.5


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"glucose_unit": "mg"}, "glucose_unit"),
        ({"weight_kg": 3}, "weight_kg"),
        ({"height_cm": 900}, "height_cm"),
        ({"weight_kg": "NaN"}, "weight_kg"),
        ({"medical_context": ["vampirism"]}, "medical_context.0"),
        ({"tracking_start": "2026-01-01T00:00:00"}, "tracking_start"),
        ({"birth_date": "2025-01-01"}, "birth_date"),
        ({"fasting_target_hours": 0}, "fasting_target_hours"),
    ],
)
def test_patch_rejects_implausible_values_with_field_errors(member_client, payload, field):
    response = member_client.patch(ME, payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}


def test_role_and_email_are_not_writable(member_client, member):
    member_client.patch(ME, {"role": "staff", "email": "evil@example.com"}, format="json")
    member.refresh_from_db()
    assert member.role == "member"
    assert member.email == "member@example.com"


def test_delete_me_needs_the_password(member_client, member):
    response = member_client.delete(ME, {"password": "wrong"}, format="json")
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_delete_me_erases_the_account_and_its_tokens_stop_working(api_client, member):
    tokens = api_client.post(
        "/api/v1/auth/token/", {"email": member.email, "password": PASSWORD}, format="json"
    ).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.delete(ME, {"password": PASSWORD}, format="json").status_code == 204
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert api_client.get(ME).status_code == 401
    api_client.credentials()
    refresh = api_client.post(
        "/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refresh.status_code == 401
