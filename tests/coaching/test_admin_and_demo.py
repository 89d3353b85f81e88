"""Staff admin for every model (staff only), and the demo coach's consenting clients."""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.coaching.demo import demo_clients_link
from apps.coaching.models import CoachClientLink
from apps.scoring.models import DailyScore, DirtyDay, SafetyFlag
from tests.coaching.helpers import link, make_client, make_flag, make_score, today_in, web_client

pytestmark = pytest.mark.django_db


def test_every_registered_model_has_a_working_staff_list_with_search(staff, coach):
    client = make_client("Ida Admin")
    link(coach, client)
    make_score(client, today_in(client))
    make_flag(client, today_in(client))
    browser = web_client(staff)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert browser.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert browser.get(url, {"q": "ida"}).status_code == 200, url


def test_scoring_models_are_in_the_admin_with_filters():
    for model in (DailyScore, SafetyFlag, DirtyDay):
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields
    assert admin.site._registry[SafetyFlag].list_filter
    assert admin.site._registry[DailyScore].list_filter


def test_staff_acknowledge_flags_from_the_admin(staff, member):
    flag = make_flag(member, today_in(member))
    response = web_client(staff).post(
        "/admin/scoring/safetyflag/",
        {"action": "acknowledge", "_selected_action": [flag.pk]},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.acknowledged_by == staff


def test_the_admin_is_for_staff_only(member, coach):
    for user in (member, coach):
        response = web_client(user).get("/admin/scoring/dailyscore/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_demo_link_is_idempotent(coach):
    clients = [make_client(f"Demo {i}") for i in range(3)]
    assert demo_clients_link(coach=coach, clients=clients) == 3
    assert demo_clients_link(coach=coach, clients=clients) == 0
    assert CoachClientLink.objects.filter(coach=coach, revoked_at__isnull=True).count() == 3
    page = web_client(coach).get("/coach/").content.decode()
    assert all(c.display_name in page for c in clients)


def test_tracked_data_is_view_only_in_the_staff_admin(staff, member):
    from datetime import UTC, datetime

    from apps.nutrition.models import Meal

    meal = Meal.objects.create(
        user=member, eaten_at=datetime(2026, 11, 3, 12, tzinfo=UTC), kcal=500
    )
    browser = web_client(staff)
    url = reverse("admin:nutrition_meal_change", args=[meal.pk])
    assert browser.get(url).status_code == 200  # staff can look
    response = browser.post(url, {"kcal": 5, "eaten_at_0": "2026-11-03", "eaten_at_1": "12:00"})
    assert response.status_code == 403
    meal.refresh_from_db()
    assert meal.kcal == 500
    add = reverse("admin:nutrition_meal_add")
    assert browser.get(add).status_code == 403
