"""The coach web admin in a real browser (Debian's Chromium driven by Playwright).

A coach signs in, sees exactly their clients, opens a dashboard where every chart draws
data, opens a day's timeline and acknowledges a flag; a second coach gets 404 on the same
URL. Screenshots land in tests/e2e/screenshots/ (git-ignored).

The database is prepared before the browser starts and checked after it closes: the
Playwright sync API keeps an event loop in this thread, where Django refuses ORM calls.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from apps.coaching.models import AuditAction, AuditEvent
from apps.scoring.models import SafetyFlag
from tests.coaching.helpers import link, make_client, make_flag, make_score, seed_history, today_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("COACH_E2E_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "tests" / "e2e" / "screenshots"
VENDOR = Path(settings.BASE_DIR) / "apps" / "coaching" / "static" / "coaching" / "vendor"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

CHART_DATA = """() => Object.fromEntries([...document.querySelectorAll('canvas')].map(c => {
  const chart = Chart.getChart(c);
  return [c.id, chart ? chart.data.datasets.map(d => ({
    label: d.label,
    points: d.data.filter(v => v !== null && (typeof v !== 'object' || v.y !== null)).length,
  })) : null];
}))"""

FAST_BOXES = """() => Object.keys(
  Chart.getChart(document.getElementById('chart-glucose')).options.plugins.annotation.annotations
).filter(k => k.startsWith('fast')).length"""

LAST_SCORE_BAR = """() => {
  const chart = Chart.getChart(document.getElementById('chart-score'));
  chart.canvas.scrollIntoView({block: 'center'});
  const bar = chart.getDatasetMeta(0).data.at(-1);
  const box = chart.canvas.getBoundingClientRect();
  return {x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2};
}"""


@pytest.fixture
def scene(coach, other_coach):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make browser-deps`"
    assert (VENDOR / "chart.umd.min.js").exists(), "chart files missing: run `make coach-static`"
    clients = [
        make_client("Sam Steady", tz="Europe/London"),
        make_client("Erin Extended", tz="America/New_York"),
    ]
    for client in clients:
        link(coach, client)
        seed_history(client, days=14)
        for d in range(30):
            make_score(client, today_in(client) - timedelta(days=d), score=40 + d % 20)
    stranger = make_client("Ulla Unassigned")
    link(other_coach, stranger)
    seed_history(stranger, days=2, every_minutes=30)
    flag = make_flag(clients[0], today_in(clients[0]), severity="high")
    make_flag(stranger, today_in(stranger))
    return {"clients": clients, "stranger": stranger, "flag": flag}


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/coach/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/coach/")


def test_a_coach_reviews_a_client_in_the_browser(live_server, coach, other_coach, scene):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    sam, erin = scene["clients"]
    dashboard = f"{base}/coach/clients/{sam.pk}/"
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            # The browser's own zone differs from the clients': charts use the client's.
            context = browser.new_context(
                viewport={"width": 1440, "height": 900}, timezone_id="Pacific/Auckland"
            )
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            sign_in(page, base, coach.email)

            # Exactly this coach's clients, nobody else.
            ids = page.eval_on_selector_all(
                "#clients-table tbody tr", "rows => rows.map(r => r.dataset.clientId)"
            )
            assert sorted(ids) == sorted([str(sam.pk), str(erin.pk)])
            assert "Ulla Unassigned" not in page.content()
            page.screenshot(path=str(SCREENSHOTS / "coach-clients.png"), full_page=True)

            # The dashboard: every chart draws non-empty data.
            page.click(f"tr[data-client-id='{sam.pk}'] a.client")
            page.wait_for_url(dashboard)
            page.wait_for_selector("body[data-charts-ready='true']", timeout=20_000)
            assert page.get_attribute("body", "data-charts-error") is None
            page.click("button[data-range='7d']")
            page.wait_for_selector("body[data-glucose-range='7d']")
            charts = page.evaluate(CHART_DATA)
            assert set(charts) == {
                "chart-glucose",
                "chart-agp",
                "chart-score",
                "chart-fasting",
                "chart-nutrition",
            }
            for name, datasets in charts.items():
                assert datasets, name
                assert all(d["points"] > 0 for d in datasets), (name, datasets)
            assert {d["label"] for d in charts["chart-agp"]} == {
                "5th",
                "25th",
                "Median",
                "75th",
                "95th",
            }
            assert page.evaluate(FAST_BOXES) > 0  # fasting windows shaded
            assert page.locator("#metrics-table tbody tr").count() >= 10

            # A click on a day opens its timeline.
            point = page.evaluate(LAST_SCORE_BAR)
            page.mouse.click(point["x"], point["y"])
            page.wait_for_selector("#day-section:not([hidden])")
            assert page.get_attribute("#day-section", "data-date") == today_in(sam).isoformat()
            assert "Fasted in total" in page.inner_text("#day-body")
            page.screenshot(path=str(SCREENSHOTS / "coach-dashboard.png"), full_page=True)

            # Acknowledge the open flag.
            row = page.locator(f"#client-flags tr[data-flag-id='{scene['flag'].pk}']")
            row.get_by_role("button", name="Acknowledge").click()
            page.wait_for_url(f"{dashboard}#flags")
            assert "acknowledged" in page.inner_text(
                f"#client-flags tr[data-flag-id='{scene['flag'].pk}']"
            )
            page.emulate_media(media="print")
            page.screenshot(path=str(SCREENSHOTS / "coach-dashboard-print.png"), full_page=True)
            page.emulate_media(media="screen")
            context.close()

            # A second coach: the same URL is a 404.
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            sign_in(page, base, other_coach.email)
            response = page.goto(dashboard)
            assert response is not None and response.status == 404
            assert "Sam Steady" not in page.content()
            context.close()
        finally:
            browser.close()

    assert errors == []
    flag = SafetyFlag.objects.get(pk=scene["flag"].pk)
    assert flag.acknowledged_by_id == coach.pk
    assert (
        AuditEvent.objects.filter(
            actor_id=coach.pk, subject_id=sam.pk, action=AuditAction.CHART_GLUCOSE
        ).count()
        == 3
    )  # first load, the 7-day range, the reload after acknowledging
    assert not AuditEvent.objects.filter(subject_id=scene["stranger"].pk, actor_id=coach.pk)
