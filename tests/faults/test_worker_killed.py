"""A worker killed (SIGKILL) while it renders a report: the report still completes, exactly once, and the
user can always ask again. Real worker processes (prefork), PostgreSQL and Redis."""

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.jobs import job_dispatch, jobs_sweep
from reports.models import Report

from ..factories import CampaignTargetFactory, QuotaFactory
from ..reports.helpers import signed_report
from .conftest import children_of

pytestmark = pytest.mark.services


def wait_for(predicate, timeout: float, what: str, worker_log=lambda: ""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{worker_log()[-3000:]}"
        time.sleep(0.2)


@pytest.fixture
def office(evaluator):
    client = Client()
    client.force_login(evaluator)
    return client


@pytest.fixture
def target(evaluator):
    target = CampaignTargetFactory(unit__name="临川市故障局")
    QuotaFactory(unit=target.unit, approved=10, actual=5)
    signed_report(target, evaluator)  # files are rendered from a signed report
    return target


def request_report(office, target) -> Report:
    accepted = office.post(reverse("reports:request", args=[target.pk]), HTTP_ACCEPT="application/json")
    assert accepted.status_code == 202, accepted.content
    assert accepted.json()["message"] == "" and accepted.json()["is_active"]
    return Report.objects.get(pk=accepted.json()["id"])


def rendering(report: Report) -> bool:
    report.refresh_from_db()
    return report.status == Report.Status.RUNNING and report.progress >= 10


def pdfs(report: Report) -> list[Path]:
    return list((Path(settings.PRIVATE_MEDIA_ROOT) / "reports" / str(report.target.campaign_id)).glob("*.pdf"))


def test_a_killed_child_is_redelivered_and_the_report_completes_exactly_once(workers, office, target):
    worker = workers.start()
    report = request_report(office, target)
    wait_for(lambda: rendering(report), 60, "the render to start", lambda: workers.log(worker))
    [child] = children_of(worker.pid)
    os.kill(child, signal.SIGKILL)  # the process rendering the PDF dies mid-render (between two progress steps)

    # the message is requeued (acks_late + reject_on_worker_lost), a new child takes the dead run over
    wait_for(lambda: (report.refresh_from_db(), report.is_done)[1], 90, "the report after the kill",
             lambda: workers.log(worker))
    assert report.is_ready and report.error == "" and report.attempts == 2, (report.status, report.error)
    assert "WorkerLostError" in workers.log(worker) or "signal 9" in workers.log(worker)
    assert len(pdfs(report)) == 1 and report.file.size > 1000
    finished = report.finished_at

    # exactly once in effect: the same message again, or a sweep long after, render nothing more
    job_dispatch(report)
    wait_for(lambda: "nothing to do" in workers.log(worker), 30, "the extra message", lambda: workers.log(worker))
    assert jobs_sweep(now=timezone.now() + timedelta(hours=2))["requeued"] == 0
    report.refresh_from_db()
    assert report.is_ready and report.finished_at == finished and report.attempts == 2 and len(pdfs(report)) == 1

    # and the user can always ask again: 重新生成 queues a fresh attempt
    assert request_report(office, target).pk == report.pk
    wait_for(lambda: (report.refresh_from_db(), report.is_ready and report.finished_at > finished)[1], 60,
             "the report asked again", lambda: workers.log(worker))
    assert report.attempts == 1 and len(pdfs(report)) == 1


def test_a_worker_killed_outright_leaves_a_stuck_job_that_the_sweep_requeues(workers, office, target):
    worker = workers.start()
    report = request_report(office, target)
    wait_for(lambda: rendering(report), 60, "the render to start", lambda: workers.log(worker))
    for pid in [worker.pid, *children_of(worker.pid)]:  # the whole machine goes: nobody requeues the message
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=10)
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING and report.is_running and not report.can_retry

    # within its time limit the sweep leaves it alone; past it the row is stuck: the page says so, a user may retry
    assert jobs_sweep()["requeued"] == 0
    later = timezone.now() + timedelta(seconds=Report.TIME_LIMIT + 60)
    counts = jobs_sweep(now=later)
    assert counts["requeued"] == 1 and counts["dispatched"] == 2  # and the Word file, still waiting
    report.refresh_from_db()
    assert report.is_queued and report.dispatched_at is not None

    replacement = workers.start()
    wait_for(lambda: (report.refresh_from_db(), report.is_done)[1], 90, "the swept report",
             lambda: workers.log(replacement))
    assert report.is_ready and report.attempts == 2 and len(pdfs(report)) == 1


def test_a_stuck_job_can_be_retried_by_the_user(office, target, evaluator):
    """重新生成 on a job whose worker died (running past its limit) queues a fresh attempt, not the stuck row."""
    report = Report.objects.create(target=target, status=Report.Status.RUNNING, progress=40, attempts=1,
                                   started_at=timezone.now() - timedelta(seconds=Report.TIME_LIMIT + 120))
    assert report.is_stuck and report.can_retry and not report.is_active
    status = office.get(reverse("reports:status", args=[report.pk])).json()
    assert not status["is_active"] and status["can_retry"] and "超时" in status["message"]
    accepted = office.post(reverse("reports:request", args=[target.pk]), HTTP_ACCEPT="application/json")
    report.refresh_from_db()
    # a fresh attempt of the same row, queued (this test's transaction never commits, so it is not yet sent)
    assert accepted.status_code == 202 and accepted.json()["status"] == "queued"
    assert report.is_queued and report.attempts == 0 and report.progress == 0 and report.started_at is None
