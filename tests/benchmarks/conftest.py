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
