"""No N+1: every coach page and data endpoint runs the same number of queries for 2 or 10
clients, and for 7 or 30 days of history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.coaching.helpers import (
    link,
    make_client,
    make_flag,
    make_score,
    seed_history,
    today_in,
    web_client,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def add_clients(coach, n: int, *, days: int = 3, start: int = 0):
    clients = []
    for i in range(start, start + n):
        client = make_client(f"Client {i:02d}", tz=["Europe/Berlin", "Asia/Kolkata"][i % 2])
        link(coach, client)
        seed_history(client, days=days, every_minutes=60)
        for d in range(days):
            make_score(client, today_in(client) - timedelta(days=d), score=40 + d)
        make_flag(client, today_in(client))
        clients.append(client)
    return clients


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


LIST_PAGES = ["/coach/", "/coach/?sort=-avg&only=flagged", "/coach/flags/"]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_do_not_grow_with_the_number_of_clients(coach, url):
    browser = web_client(coach)
    add_clients(coach, 2)
    small = count(lambda: browser.get(url))
    add_clients(coach, 8, start=2)
    large = count(lambda: browser.get(url))
    assert small == large, (small, large)
    assert large <= 8


def test_the_api_clients_list_does_not_grow_with_the_number_of_clients(coach):
    api = client_for(coach)
    add_clients(coach, 2)
    small = count(lambda: api.get("/api/v1/coaching/clients/"))
    add_clients(coach, 8, start=2)
    large = count(lambda: api.get("/api/v1/coaching/clients/"))
    assert small == large and large <= 6


def test_autocomplete_does_not_grow_with_the_number_of_clients(coach):
    browser = web_client(coach)
    add_clients(coach, 2, days=1)
    small = count(lambda: browser.get("/coach/clients/search.json", {"q": "client"}))
    add_clients(coach, 8, days=1, start=2)
    large = count(lambda: browser.get("/coach/clients/search.json", {"q": "client"}))
    assert small == large


DASHBOARD_URLS = [
    "",
    "data/glucose.json?range=14d",
    "data/agp.json?days=30",
    "data/daily.json?days=90",
    "data/days/{day}.json",
    "export/?days=90",
]


@pytest.mark.parametrize("suffix", DASHBOARD_URLS)
def test_dashboard_and_chart_data_do_not_grow_with_days_or_clients(coach, suffix):
    browser = web_client(coach)
    [short] = add_clients(coach, 1, days=7)
    add_clients(coach, 1, days=1, start=1)

    def fetch(client):
        url = f"/coach/clients/{client.pk}/" + suffix.format(day=today_in(client).isoformat())
        return lambda: browser.get(url)

    small = count(fetch(short))
    [long] = add_clients(coach, 1, days=30, start=2)
    add_clients(coach, 8, days=1, start=3)
    large = count(fetch(long))
    assert small == large, (suffix, small, large)
    assert large <= 12
