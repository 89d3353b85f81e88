import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


def sign_in(client, email="ada@example.com", password=PASSWORD):
    return client.post(TOKEN, {"email": email, "password": password}, format="json")


def test_register_then_token_then_refresh_rotates_and_old_refresh_is_refused(api_client):
    created = api_client.post(
        REGISTER,
        {"email": "Ada@Example.com", "password": PASSWORD, "timezone": "Europe/Berlin"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["email"] == "ada@example.com"

    tokens = sign_in(api_client).json()
    rotated = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != tokens["refresh"]

    reused = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401
    assert reused["Content-Type"] == "application/problem+json"

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {rotated.json()['access']}")
    me = api_client.get(ME)
    assert me.status_code == 200
    assert me.json()["timezone"] == "Europe/Berlin"
    assert me.json()["role"] == "member"


def test_logout_blacklists_the_refresh_token(api_client, member):
    tokens = sign_in(api_client, member.email).json()
    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json").status_code == 204
    again = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401


def test_a_deleted_users_refresh_token_is_401_not_500(api_client, member):
    tokens = sign_in(api_client, member.email).json()
    get_user_model().objects.filter(pk=member.pk).delete()
    response = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_an_inactive_users_refresh_token_is_401(api_client, member):
    tokens = sign_in(api_client, member.email).json()
    get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert (
        api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401
    )


def test_wrong_password_is_401_problem(api_client, member):
    response = sign_in(api_client, member.email, "wrong-password-123")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_account_locks_after_five_failures_even_with_the_right_password(api_client, member):
    for _ in range(5):
        assert sign_in(api_client, member.email, "wrong-password-123").status_code in (401, 429)
    locked = sign_in(api_client, member.email, PASSWORD)
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert "15 minutes" in locked.json()["detail"]


def test_lockout_is_per_account(api_client, member, other_member):
    for _ in range(5):
        sign_in(api_client, member.email, "wrong-password-123")
    assert sign_in(api_client, other_member.email, PASSWORD).status_code == 200


def test_register_rejects_weak_password_and_bad_zone(api_client):
    response = api_client.post(
        REGISTER,
        {"email": "x@example.com", "password": "123", "timezone": "Mars/Olympus"},
        format="json",
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert "timezone" in fields


def test_register_twice_is_400_with_email_error(api_client, member):
    response = api_client.post(
        REGISTER, {"email": member.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"


def test_access_token_tampered_or_wrong_type_is_401(api_client, member):
    tokens = sign_in(api_client, member.email).json()
    for bad in (tokens["access"][:-3] + "abc", tokens["refresh"], "not-a-token"):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {bad}")
        assert api_client.get(ME).status_code == 401


def test_alg_none_token_is_refused(api_client, member):
    import base64
    import json

    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    header = b64({"alg": "none", "typ": "JWT"})
    claims = {"token_type": "access", "user_id": str(member.pk), "exp": 4102444800, "jti": "x"}
    forged = f"{header}.{b64(claims)}."
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert api_client.get(ME).status_code == 401
