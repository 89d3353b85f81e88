"""The engine tests are pure: no database, no cache, no Django fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _clean_cache():
    # Overrides the suite-wide autouse fixture of tests/conftest.py (which clears the Redis
    # cache): engine tests touch no cache, so they also run without Redis.
    yield
