"""Settings of the live server that the WatermelonDB suite syncs against (run.sh).

The test settings (PostgreSQL, Redis) with one change: the suite registers a fresh member
per scenario from one IP, more than the production-like login throttle allows per minute.
"""

from backend.settings.test import *  # noqa: F403
from backend.settings.test import REST_FRAMEWORK

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "login": "1000/min",
    },
}
