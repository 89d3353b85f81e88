"""Benchmark settings: the test settings plus a bare baseline view (benchmarks/urls.py)."""

from backend.settings.test import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
