"""Peak memory of one answers export, run in the benchmark's environment: prints JSON.

`python -m tests.benchmarks.export_memory FORM_ID csv|xlsx` writes the export as a worker does
(bianzhi.jobs.job_run → surveys.services.exports.export_write) and samples this process's resident memory
every 10,000 rows, so a leak shows as growth with the rows, a bounded stream as a flat line.
"""

import json
import os
import resource
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
django.setup()

from bianzhi.models import User  # noqa: E402
from surveys.models import Export, Form  # noqa: E402
from surveys.services import exports  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(form_id: int, format: str) -> dict:
    samples: list[tuple[int, float]] = []
    tick = exports._Progress.tick

    def sampled_tick(self):
        tick(self)
        if self.rows % 10_000 == 0:
            samples.append((self.rows, round(rss_mb(), 1)))

    exports._Progress.tick = sampled_tick
    form = Form.objects.get(pk=form_id)
    actor = User.objects.filter(is_superuser=False).order_by("pk").first()
    export = Export.objects.create(form=form, format=format, requested_by=actor)
    before = rss_mb()
    started = time.perf_counter()
    done = exports.export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    assert done.status == "ready", (done.status, done.error)
    return {
        "format": format, "rows": done.rows, "seconds": round(seconds, 1),
        "rows_per_s": round(done.rows / seconds), "file_mb": round(done.file.size / 2**20, 1),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_every_10000_rows": samples,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2])))
