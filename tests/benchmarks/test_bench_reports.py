"""Unit reports (issue 12): one unit's report (PDF + Word) rendered warm, and every signed report of a
campaign with 1, 2 and 4 worker processes (throughput against 1 worker, measured in the same run).

On the test database (PostgreSQL) and Redis; the workers are real Celery processes (solo pool, one render at
a time each). BENCH_UNIT_REPORTS sets how many units the curve renders: the issue asks for 1,000; each is a
WeasyPrint render of about a second on a 2-core machine, so the default is a smaller campaign, recorded as
such (`units` in bench-results.json).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bianzhi.models import User
from evaluations.models import Campaign
from reports.facts import campaign_averages, report_facts
from reports.models import Report, ReportVersion
from reports.selectors import bulk_progress
from reports.services import report_build, reports_generate_all
from scoring.models import ResultVersion
from scoring.results import results_store

from ..conftest import ROOT
from ..factories import CampaignFactory, QuotaFactory, UnitFactory, UserFactory

UNITS = int(os.environ.get("BENCH_UNIT_REPORTS", "40"))
pytestmark = pytest.mark.django_db(transaction=True)


def signed_campaign(n: int, actor: User) -> Campaign:
    campaign = CampaignFactory(status=Campaign.Status.REPORT)
    units = [UnitFactory(name=f"临川市基准测试第{i:04d}局") for i in range(n)]
    for unit in units:
        QuotaFactory(unit=unit, approved=10, actual=9)
    campaign.targets.bulk_create([campaign.targets.model(campaign=campaign, unit=u) for u in units])
    results_store(campaign, actor)
    averages = campaign_averages(campaign)
    for result in ResultVersion.objects.filter(campaign=campaign).select_related("target__unit", "target__campaign"):
        ReportVersion.objects.create(
            target=result.target, number=1, result_version=result, achievements="成效。" * 20,
            problems="问题。" * 20, suggestions="整改意见。" * 20, signed_by=actor, signed_at=timezone.now(),
            facts=report_facts(result.target, result, averages=averages, staff_stats=None, satisfaction_stats=None),
        )
    return campaign


def render_one(report: Report) -> None:
    report_build(report, lambda p: None)


def test_one_unit_report_warm_and_all_reports_with_1_2_4_workers(redis_url, postgres, settings, tmp_path, bench_record):
    actor = UserFactory(role=User.Role.EVALUATOR)
    campaign = signed_campaign(UNITS, actor)

    # one unit, PDF + Word, in this process: a first render warms fonts and templates, the next ones are timed
    target = campaign.targets.first()
    version = ReportVersion.objects.get(target=target)
    pdf = Report.objects.create(target=target, kind=Report.Kind.UNIT, version=version)
    docx = Report.objects.create(target=target, kind=Report.Kind.UNIT_DOCX, version=version)
    render_one(pdf)
    render_one(docx)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        render_one(pdf)
        render_one(docx)
        timings.append(time.perf_counter() - started)
    one = min(timings)
    Report.objects.filter(target__campaign=campaign).delete()

    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bianzhi.settings", "SECRET_KEY": "bench-worker",
           "DATABASE_URL": f"postgres:///{db['NAME']}" if not db["HOST"] else
           f"postgres://{db['USER'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
           "REDIS_URL": redis_url, "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), "CONN_MAX_AGE": "60"}
    from bianzhi.celery import app as celery_app

    previous = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=redis_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    curve = []
    try:
        for workers in (1, 2, 4):
            Report.objects.filter(target__campaign=campaign).delete()
            celery_app.control.purge()
            logs = [tmp_path / f"w{workers}-{n}.log" for n in range(workers)]
            procs = [subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "bianzhi", "worker", "-Q", "default,reports", "--pool", "solo",
                 "-n", f"bench{workers}-{n}@%h", "-l", "info", "--without-gossip", "--without-mingle",
                 "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT) for n, log in enumerate(logs)]
            try:
                deadline = time.monotonic() + 60
                while sum("ready." in log.read_text() for log in logs) < workers:
                    assert time.monotonic() < deadline, logs[0].read_text()[-2000:]
                    time.sleep(0.3)
                started = time.perf_counter()
                reports_generate_all(campaign=campaign, actor=actor)  # commits: the jobs are sent on commit
                total = 2 * UNITS
                percents = []  # the overall progress bar of 生成全部报告, as the office sees it
                while not (progress := bulk_progress(campaign=campaign))["done"]:
                    percents.append(progress["percent"])
                    assert time.perf_counter() - started < 60 * 60
                    time.sleep(0.2)
                seconds = time.perf_counter() - started
            finally:
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    proc.wait(timeout=60)
            rows = Report.objects.filter(target__campaign=campaign)
            assert not rows.filter(status="failed").exists(), rows.filter(status="failed").first().error
            assert max(rows.values_list("attempts", flat=True)) == 1, "a report was rendered twice"
            per_worker = [Path(log).read_text().count(" succeeded in ") for log in logs]
            assert sum(per_worker) == total
            assert progress["percent"] == 100 and progress["ready"] == total and percents == sorted(percents)
            curve.append({"workers": workers, "files": total, "seconds": round(seconds, 2),
                          "units_per_s": round(UNITS / seconds, 2), "per_worker": per_worker,
                          "progress_polls_monotonic_to_100": len(percents)})
    finally:
        celery_app.conf.update(**previous)
    base = curve[0]["units_per_s"]
    for point in curve:
        point["throughput_vs_1"] = round(point["units_per_s"] / base, 2)
    bench_record("unit_reports", {
        "one_unit_pdf_and_word_warm_s": round(one, 3), "one_unit_goal_s": 1.0,
        "units": UNITS, "full_run_units": 1000,
        "note": (f"a campaign of {UNITS} units, not the 1,000 of the issue (BENCH_UNIT_REPORTS=1000 for the full run)"
                 if UNITS < 1000 else "the full 1,000-unit run"),
        "cpus": os.cpu_count(), "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()], "curve": curve,
    })
