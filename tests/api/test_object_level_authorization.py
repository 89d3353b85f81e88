"""API1: another user's object is 404 on every verb; anonymous is 401; lists show 0 foreign
rows. A new id-taking route without a row here fails `test_every_id_route_is_covered`."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)
BODIES = {
    "/api/v1/fasts/": {
        "started_at": (NOW - timedelta(hours=20)).isoformat(),
        "ended_at": (NOW - timedelta(hours=4)).isoformat(),
    },
    "/api/v1/meals/": {"eaten_at": (NOW - timedelta(hours=3)).isoformat(), "kcal": 500},
    "/api/v1/glucose/readings/": {
        "measured_at": (NOW - timedelta(hours=1)).isoformat(),
        "value": 100,
        "unit": "mg/dL",
    },
    "/api/v1/exercise/": {
        "started_at": (NOW - timedelta(hours=2)).isoformat(),
        "minutes": 30,
        "intensity": "light",
    },
}
# Routes that take an object id, and the verbs to try on them.
ID_ROUTES = {
    "/api/v1/fasts/{id}/": ("get", "put", "patch", "delete"),
    "/api/v1/fasts/{id}/end/": ("post",),
    "/api/v1/meals/{id}/": ("get", "put", "patch", "delete"),
    "/api/v1/glucose/readings/{id}/": ("get", "put", "patch", "delete"),
    "/api/v1/exercise/{id}/": ("get", "put", "patch", "delete"),
}


def _collection(route: str) -> str:
    return next(c for c in BODIES if route.startswith(c))


@pytest.mark.parametrize("route", ID_ROUTES)
def test_another_members_object_is_404_on_every_verb(member_client, other_client, route):
    collection = _collection(route)
    if route.endswith("/end/"):
        body = {"started_at": (NOW - timedelta(hours=5)).isoformat()}
    else:
        body = BODIES[collection]
    created = member_client.post(collection, body, format="json")
    assert created.status_code == 201, created.content
    url = route.format(id=created.json()["id"])
    for verb in ID_ROUTES[route]:
        response = getattr(other_client, verb)(url, BODIES[collection], format="json")
        assert response.status_code == 404, (verb, url, response.status_code)
    # The owner's object is untouched.
    assert member_client.get(f"{collection}{created.json()['id']}/").status_code == 200


@pytest.mark.parametrize("collection", BODIES)
def test_lists_never_show_foreign_rows(member_client, other_client, collection):
    member_client.post(collection, BODIES[collection], format="json")
    assert other_client.get(collection).json()["results"] == []


@pytest.mark.parametrize("collection", BODIES)
def test_anonymous_is_401(api_client, collection):
    assert api_client.get(collection).status_code == 401
    assert api_client.get(f"{collection}{uuid.uuid4()}/").status_code == 401


def test_reusing_another_users_id_for_a_create_does_not_touch_their_row(
    member_client, other_client
):
    created = member_client.post("/api/v1/meals/", BODIES["/api/v1/meals/"], format="json")
    stolen = other_client.post(
        "/api/v1/meals/",
        {**BODIES["/api/v1/meals/"], "id": created.json()["id"], "kcal": 1},
        format="json",
    )
    assert stolen.status_code == 409
    assert member_client.get(f"/api/v1/meals/{created.json()['id']}/").json()["kcal"] == 500
    put = other_client.put(
        f"/api/v1/meals/{created.json()['id']}/",
        {**BODIES["/api/v1/meals/"], "kcal": 1},
        format="json",
    )
    assert put.status_code == 404


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_id_route_is_covered():
    covered = {r.replace("{id}", "<uuid:pk>") for r in ID_ROUTES}
    id_routes = {"/" + r for r in _routes(get_resolver()) if "<uuid:" in r}
    missing = {r for r in id_routes if r not in covered and r not in EXTRA_COVERED}
    assert not missing, f"add these id-taking routes to the BOLA matrix: {sorted(missing)}"


# Routes tested for object-level authorization in their own app's tests.
EXTRA_COVERED: set[str] = {
    # tests/coaching/test_isolation.py and test_consent_api.py (coach admin isolation).
    "/api/v1/coaching/coaches/<uuid:pk>/",
    "/coach/clients/<uuid:client_id>/",
    "/coach/clients/<uuid:client_id>/data/agp.json",
    "/coach/clients/<uuid:client_id>/data/daily.json",
    "/coach/clients/<uuid:client_id>/data/days/<isodate:day>.json",
    "/coach/clients/<uuid:client_id>/data/glucose.json",
    "/coach/clients/<uuid:client_id>/export/",
    "/coach/clients/<uuid:client_id>/notes/",
    "/coach/clients/<uuid:client_id>/notes/<uuid:note_id>/delete/",
    # tests/notifications/test_api.py (another user's notification / device is 404).
    "/api/v1/notifications/<uuid:pk>/read/",
    "/api/v1/devices/<uuid:pk>/",
}
