"""Celery app: three queues, JSON only, bounded broker timeouts, beat schedule in code."""

import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401  (used by entries added in later issues)
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

app = Celery("lowtide")
app.config_from_object("django.conf:settings", namespace="CELERY")

default_exchange = Exchange("lowtide", type="direct")
app.conf.task_queues = (
    Queue("default", default_exchange, routing_key="default"),
    Queue("scoring", default_exchange, routing_key="scoring"),
    Queue("notifications", default_exchange, routing_key="notifications"),
)
app.conf.task_default_queue = "default"
app.conf.task_default_exchange = "lowtide"
app.conf.task_default_routing_key = "default"
app.conf.task_routes = {
    "apps.scoring.tasks.*": {"queue": "scoring", "routing_key": "scoring"},
    "apps.notifications.tasks.*": {"queue": "notifications", "routing_key": "notifications"},
}

# Beat schedule lives in code so every deployment runs the same periodic work.
app.conf.beat_schedule = {
    "scoring-sweep-dirty-days": {
        "task": "apps.scoring.tasks.sweep_dirty_days",
        "schedule": 30.0,
    },
    "scoring-finalise-previous-days": {
        "task": "apps.scoring.tasks.finalise_previous_days",
        "schedule": 15 * 60.0,
    },
    # Claims users whose local send time has come and sweeps lost deliveries.
    "notifications-dispatch-weekly-summaries": {
        "task": "apps.notifications.tasks.dispatch_weekly_summaries",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

app.autodiscover_tasks()
