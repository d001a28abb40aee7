"""Benchmarks (`make bench`): each records its figures, ratios against a baseline measured in the same run.

Figures are merged into bench-results.json at the project root, one entry per benchmark, so a partial
run keeps the figures of the others.
"""

import json
import platform
from datetime import datetime, timezone
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parents[2] / "bench-results.json"


@pytest.fixture(scope="session")
def bench_record():
    figures: dict[str, dict] = {}

    def record(name: str, values: dict) -> None:
        figures[name] = {**values, "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    yield record
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing.setdefault("benchmarks", {}).update(figures)
    existing["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    RESULTS.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")


@pytest.fixture
def production_cache(settings):
    """The cache production runs (Redis at REDIS_URL; the tests' own is an in-process one of 300 entries), empty:
    a benchmark that reads through the cache measures what a deployment would."""
    import os

    from django.core.cache import cache

    url = os.environ.get("REDIS_URL")
    settings.CACHES = {"default": {"BACKEND": "bianzhi.cache.DegradingRedisCache", "LOCATION": url} if url else
                       {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10**6}}}
    cache.clear()
    yield "redis" if url else "locmem"
    cache.clear()
