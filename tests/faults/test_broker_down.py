"""Redis unreachable (nothing listens on its port): the public form keeps taking answers, report and export
requests are recorded and answered with a clear Chinese message, and once Redis answers again on the same
URL the sweep dispatches the waiting jobs to a real worker."""

import time
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reports.models import Report
from surveys.models import Export, SurveyResponse
from surveys.services import satisfaction_form_issue

from ..factories import CampaignTargetFactory, QuotaFactory
from ..reports.helpers import signed_report
from .conftest import Forwarder, free_port, point_celery_at
from .test_worker_killed import wait_for

pytestmark = pytest.mark.services

ANSWERS = {"duties": "satisfied", "efficiency": "satisfied", "attitude": "satisfied",
           "openness": "basically_satisfied", "problem_solving": "dissatisfied"}
DOWN = "后台任务服务暂时不可用"


@pytest.fixture
def redis_down(workers, redis_url, settings):
    """This process's broker and cache on a port where nothing listens (the worker keeps the real Redis)."""
    parts = urlsplit(redis_url)
    port = free_port()
    dead = f"redis://127.0.0.1:{port}{parts.path}"
    settings.CACHES = {"default": {"BACKEND": "bianzhi.cache.DegradingRedisCache", "LOCATION": dead,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}}
    point_celery_at(dead)
    forwarder = Forwarder(port, (parts.hostname, parts.port or 6379))
    yield forwarder
    forwarder.stop()


def test_with_redis_down_answers_are_taken_jobs_wait_and_go_once_it_is_back(redis_down, workers, evaluator, caplog):
    target = CampaignTargetFactory()
    QuotaFactory(unit=target.unit, approved=10, actual=8)
    signed_report(target, evaluator)  # files are rendered from a signed report
    link = satisfaction_form_issue(campaign=target.campaign, actor=evaluator).links.get()
    with pytest.raises(Exception):  # the premise: Redis really is unreachable from this process
        cache._cache.get_client().ping()

    # the public form still takes answers (the abuse limits degrade, and say so in the log)
    for _person in range(3):
        answered = Client().post(reverse("surveys:fill", args=[link.token]), {**ANSWERS, "comment": "很好"})
        assert answered.status_code == 302 and answered["Location"] == reverse("surveys:thanks", args=[link.token])
    assert SurveyResponse.objects.filter(form=link.form, unchecked=True).count() == 3  # flagged for a look
    assert any(r.name == "surveys.services.abuse" and "unreachable" in r.getMessage() for r in caplog.records)

    office = Client()
    office.force_login(evaluator)
    # a report (a JSON client): recorded, answered at once with a clear message
    started = time.monotonic()
    accepted = office.post(reverse("reports:request", args=[target.pk]), HTTP_ACCEPT="application/json")
    assert time.monotonic() - started < 10
    payload = accepted.json()
    assert accepted.status_code == 202 and payload["status"] == "queued" and DOWN in payload["message"]
    assert DOWN in office.get(payload["status_url"]).json()["message"]
    # an export from the page: no false "导出已开始"
    page = office.post(reverse("surveys:export_request", args=[link.form.pk]), {"format": "csv"}, follow=True)
    text = page.content.decode()
    assert DOWN in text and "导出已开始" not in text
    exported = office.post(reverse("surveys:export_request", args=[link.form.pk]), {"format": "xlsx"},
                           HTTP_ACCEPT="application/json")
    assert exported.status_code == 202 and DOWN in exported.json()["message"]
    jobs = [*Report.objects.order_by("kind"), *Export.objects.all()]  # the report's PDF and Word file
    assert any(r.name == "bianzhi.jobs" and "not dispatched" in r.getMessage() for r in caplog.records)
    assert len(jobs) == 4 and all(job.is_queued and job.dispatched_at is None for job in jobs)

    # the sweep (cron's `manage.py sweep_jobs`) while Redis is still down: nothing lost, nothing sent
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "仍无法派发 4" in out.getvalue()

    # Redis answers again on the same URL; a worker runs; the next sweep sends the waiting jobs
    redis_down.start()
    worker = workers.start()
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "已派发 4" in out.getvalue(), out.getvalue()
    for job in jobs:
        wait_for(lambda job=job: (job.refresh_from_db(), job.is_done)[1], 90, f"{job} after Redis came back",
                 lambda: workers.log(worker))
        assert job.is_ready and job.attempts == 1, (job, job.error)
    status = office.get(reverse("reports:status", args=[jobs[0].pk])).json()
    assert status["download_url"] and status["message"] == ""
    assert cache.add("fault-test-back", 1, timeout=5)  # and the cache works again


def test_the_deployed_settings_use_the_degrading_cache_and_short_broker_timeouts():
    """The fault test above sets the cache on a dead port; this checks production's settings do the same."""
    import json
    import os
    import subprocess
    import sys

    from ..conftest import ROOT

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bianzhi.settings", "SECRET_KEY": "x", "REDIS_URL": "redis://127.0.0.1:1/0"}
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps("
            "[s.CACHES['default']['BACKEND'], s.CELERY_TASK_ACKS_LATE, s.CELERY_TASK_REJECT_ON_WORKER_LOST, "
            "s.CELERY_BROKER_TRANSPORT_OPTIONS['socket_connect_timeout'], sorted(s.CELERY_BEAT_SCHEDULE)]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    backend, acks_late, reject, connect_timeout, schedule = json.loads(out.stdout.strip().splitlines()[-1])
    assert backend == "bianzhi.cache.DegradingRedisCache" and acks_late and reject and connect_timeout <= 5
    assert schedule == ["sweep-jobs", "sweep-pool", "sweep-rectification"]
