from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.django_db
EXERCISE = "/api/v1/exercise/"
WHEN = (datetime.now(UTC) - timedelta(hours=2)).isoformat()


def test_exercise_session_round_trips(member_client):
    response = member_client.post(
        EXERCISE,
        {"started_at": WHEN, "minutes": 45, "intensity": "vigorous", "kind": "run"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["intensity"] == "vigorous"


@pytest.mark.parametrize(
    ("field", "value"),
    [("minutes", 0), ("minutes", 1441), ("intensity", "extreme"), ("started_at", "yesterday")],
)
def test_bad_exercise_is_400(member_client, field, value):
    body = {"started_at": WHEN, "minutes": 30, "intensity": "light", field: value}
    response = member_client.post(EXERCISE, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
