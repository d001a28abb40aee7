"""Celery beat runs the sweep on its static schedule: a job the broker never got is sent and done."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from reports.models import Report

from ..conftest import ROOT
from ..factories import CampaignTargetFactory, QuotaFactory
from ..reports.helpers import signed_report

pytestmark = pytest.mark.services


def test_beat_sweeps_a_job_left_queued(workers, settings, evaluator):
    target = CampaignTargetFactory()
    QuotaFactory(unit=target.unit, approved=4, actual=4)
    version = signed_report(target, evaluator)
    report = Report.objects.create(target=target, requested_by=evaluator, version=version)  # recorded, never sent
    assert report.is_waiting_for_broker
    workers.env["JOB_TEST_STEP_DELAY"] = "0"
    worker = workers.start()
    log_path = Path(settings.PRIVATE_MEDIA_ROOT) / "beat.log"
    with open(log_path, "w") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bianzhi", "beat", "-l", "info",
             "-s", str(Path(settings.PRIVATE_MEDIA_ROOT) / "celerybeat-schedule")],
            cwd=ROOT, env={**workers.env, "JOB_SWEEP_SECONDS": "1"}, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not (report.refresh_from_db(), report.is_done)[1]:
                assert time.monotonic() < deadline, log_path.read_text()[-2000:] + workers.log(worker)[-2000:]
                time.sleep(0.3)
        finally:
            beat.terminate()
            beat.wait(timeout=20)
    assert report.is_ready and report.attempts == 1
    assert "bianzhi.jobs.sweep" in log_path.read_text()
