"""Shared fixtures: personas (member, other_member, coach, other_coach, staff) and clients.

`make test` checks PostgreSQL and Redis before pytest starts; the test settings use both.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    # Throttle and lockout counters must not leak between tests.
    cache.clear()
    yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def member(db):
    return UserFactory(email="member@example.com", profile__timezone="Europe/Berlin")


@pytest.fixture
def other_member(db):
    return UserFactory(email="other@example.com", profile__timezone="America/New_York")


@pytest.fixture
def coach(db):
    return UserFactory(email="coach@example.com", role="coach")


@pytest.fixture
def other_coach(db):
    return UserFactory(email="other-coach@example.com", role="coach")


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", role="staff", is_staff=True, is_superuser=True)


def client_for(user) -> APIClient:
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def member_client(member) -> APIClient:
    return client_for(member)


@pytest.fixture
def other_client(other_member) -> APIClient:
    return client_for(other_member)
