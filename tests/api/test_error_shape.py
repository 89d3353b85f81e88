"""Every error leaves as RFC 9457 problem details: never HTML, never a 500 for bad input."""

import pytest

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= body.keys()
    assert body["status"] == status
    return body


def test_unknown_api_route_is_a_404_problem(member_client):
    assert_problem(member_client.get("/api/v1/no-such-thing/"), 404)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_an_unknown_api_route_is_a_404_not_a_csrf_failure(member, method):
    """A mobile client writing to a mistyped address must learn that, not about cookies."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(member)}")
    assert_problem(getattr(client, method)("/api/v1/meals/0.5/", {}, format="json"), 404)


def test_unknown_route_outside_the_api_is_a_404_problem(client):
    assert_problem(client.get("/definitely/not/here"), 404)


def test_wrong_method_is_a_405_problem(member_client):
    assert_problem(member_client.put("/api/v1/auth/token/", {}, format="json"), 405)


def test_wrong_content_type_is_a_415_problem(api_client):
    response = api_client.post("/api/v1/auth/token/", "email=a", content_type="text/plain")
    assert_problem(response, 415)


def test_malformed_json_is_a_400_problem(api_client):
    response = api_client.post("/api/v1/auth/token/", '{"email": ', content_type="application/json")
    assert_problem(response, 400)


def test_missing_credentials_are_a_401_problem(api_client):
    assert_problem(api_client.get("/api/v1/me/"), 401)


def test_field_errors_are_listed_with_field_code_and_message(api_client):
    body = assert_problem(api_client.post("/api/v1/auth/token/", {}, format="json"), 400)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"email", "password"}
    assert all(e["code"] and e["message"] for e in body["errors"])


def test_body_over_two_mib_is_413(member_client):
    big = '{"display_name": "' + "x" * (2 * 1024 * 1024 + 10) + '"}'
    response = member_client.patch("/api/v1/me/", big, content_type="application/json")
    assert_problem(response, 413)


def test_html_accept_header_still_gets_json(member_client):
    response = member_client.get("/api/v1/nope/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == PROBLEM
