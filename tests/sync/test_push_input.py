"""Malformed push requests are clear 4xx problems, never a 500, and change nothing."""

from __future__ import annotations

import pytest

from apps.nutrition.models import Meal
from tests.conftest import client_for
from tests.sync.helpers import PUSH, changes_of, device, meal, pull

pytestmark = pytest.mark.django_db


@pytest.fixture
def cursor(member) -> int:
    return pull(client_for(member))["timestamp"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([], None),
        ("meals", None),
        ({"meals": []}, "meals"),
        ({"meals": {"created": {}}}, "meals.created"),
        ({"meals": {"created": [1]}}, "meals.created.0"),
        ({"meals": {"created": [{"kcal": 1}]}}, "meals.created.0"),
        ({"meals": {"updated": [{"id": 12}]}}, "meals.updated.0"),
        ({"meals": {"deleted": [None]}}, "meals.deleted.0"),
        ({"meals": {"deleted": "abc"}}, "meals.deleted"),
        ({"changes": {"glucose_readings": 5}}, "glucose_readings"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_400(member, cursor, payload, field):
    response = client_for(member).post(f"{PUSH}?last_pulled_at={cursor}", payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


def test_a_bad_record_elsewhere_in_the_body_rejects_the_whole_request(member, cursor):
    payload = changes_of(meals={"created": [device(meal())]})
    payload["glucose_readings"] = {"created": ["oops"]}
    response = client_for(member).post(f"{PUSH}?last_pulled_at={cursor}", payload, format="json")
    assert response.status_code == 400
    assert not Meal.objects.exists()


def test_malformed_json_is_a_400(member, cursor):
    response = client_for(member).post(
        f"{PUSH}?last_pulled_at={cursor}", b'{"meals": {', content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query", ["", "?last_pulled_at=", "?last_pulled_at=null", "?last_pulled_at=0"]
)
def test_a_push_needs_the_cursor_of_its_pull(member, query):
    response = client_for(member).post(f"{PUSH}{query}", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "last_pulled_at"


@pytest.mark.parametrize("value", ["abc", "-3", "1.5", str(2**62)])
def test_a_garbage_cursor_is_a_400(member, value):
    response = client_for(member).post(f"{PUSH}?last_pulled_at={value}", {}, format="json")
    assert response.status_code == 400


def test_a_garbage_cursor_inside_a_wrapped_body_is_a_400(member):
    response = client_for(member).post(
        PUSH, {"changes": {}, "last_pulled_at": "soon"}, format="json"
    )
    assert response.status_code == 400


def test_a_body_over_the_limit_is_a_413(member, cursor):
    huge = changes_of(meals={"created": [device(meal(name="x" * 150)) for _ in range(12000)]})
    response = client_for(member).post(f"{PUSH}?last_pulled_at={cursor}", huge, format="json")
    assert response.status_code == 413
    assert not Meal.objects.exists()


def test_an_empty_push_is_fine(member, cursor):
    response = client_for(member).post(f"{PUSH}?last_pulled_at={cursor}", {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"experimentalRejectedIds": {}, "rejected": []}


def test_anonymous_pushes_are_401(api_client):
    assert api_client.post(f"{PUSH}?last_pulled_at=5", {}, format="json").status_code == 401


def test_a_form_body_is_a_415(member, cursor):
    response = client_for(member).post(
        f"{PUSH}?last_pulled_at={cursor}",
        "meals=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
