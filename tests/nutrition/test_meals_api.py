from datetime import UTC, datetime, timedelta

import pytest

from apps.nutrition.models import Meal

pytestmark = pytest.mark.django_db
MEALS = "/api/v1/meals/"
WHEN = (datetime.now(UTC) - timedelta(hours=2)).isoformat()


def test_a_meal_with_macros_round_trips(member_client):
    body = {
        "eaten_at": WHEN,
        "name": "Eggs",
        "kcal": 320,
        "protein_g": 25,
        "carbs_g": 2,
        "fat_g": 22,
        "fiber_g": 0,
        "leucine_g": 2.1,
    }
    response = member_client.post(MEALS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["leucine_g"] == 2.1
    patched = member_client.patch(f"{MEALS}{response.json()['id']}/", {"kcal": 350}, format="json")
    assert patched.json()["kcal"] == 350
    assert patched.json()["name"] == "Eggs"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kcal", -1),
        ("kcal", 10001),
        ("kcal", "NaN"),
        ("kcal", "Infinity"),
        ("kcal", 1e308),
        ("kcal", "lots"),
        ("kcal", True),
        ("protein_g", -0.1),
        ("fat_g", 1001),
        ("leucine_g", 51),
        ("name", "x" * 201),
        ("eaten_at", "2026-11-26 08:00"),
    ],
)
def test_implausible_meals_are_400_and_nothing_is_written(member_client, field, value):
    body = {"eaten_at": WHEN, "kcal": 500, field: value}
    response = member_client.post(MEALS, body, format="json")
    assert response.status_code == 400, (field, value, response.content)
    assert response.json()["errors"][0]["field"] == field
    assert Meal.objects.count() == 0


def test_nan_literal_in_the_body_is_malformed_json(member_client):
    response = member_client.post(
        MEALS, f'{{"eaten_at": "{WHEN}", "kcal": NaN}}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_list_body_instead_of_an_object_is_400(member_client):
    response = member_client.post(MEALS, [1, 2, 3], format="json")
    assert response.status_code == 400
